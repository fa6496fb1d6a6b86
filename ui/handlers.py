"""What each control of the web app does when used: read the signed-in user, call `Actions`, format.

`make_handlers` is called by `ui.app.build_app` with the imported gradio module, so the handlers'
annotations (gr.Request, gr.EventData) are real classes when Gradio reads them to inject the
request; hence no `from __future__ import annotations` here either.
"""

import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from kb import METADATA_FIELDS
from kb.access import can
from ui import render
from ui.actions import BATCH_FIELDS, FILTER_FIELDS, META_FIELDS, RANGE_FILTERS, Actions
from ui.render import LIBRARY_HEADERS

__all__ = ["make_handlers", "user_of", "form_handler"]

# The search form's inputs after the query, in order: the filter menus, then the year range boxes.
SEARCH_KEYS = (*(k for k, _ in FILTER_FIELDS), *RANGE_FILTERS)
READER_FIRST = "reader_first"  # the search form's last input: the reader's language first (a checkbox)
_MULTI_CHOICE = {f.name for f in METADATA_FIELDS if f.kind == "choices"}  # multi-select menus: [] when empty


def user_of(request: Any) -> str | None:
    """The signed-in user's name (None in local single-user mode)."""
    return getattr(request, "username", None) if request is not None else None


def form_handler(
    gr: Any, fields: Sequence[str], body: Callable[..., Any], *, lead: Sequence[str] = (), progress: bool = False
) -> Callable[..., Any]:
    """A handler whose parameters are `lead`, then one per form field in `fields`, then the request
    (and a progress bar): it calls `body(*lead values, {field: value}, request[, progress])`.

    Gradio reads a handler's parameters to inject gr.Request (into positional parameters only) and
    to name the API's inputs, so they are declared one per field, from the field list, not as *args.
    """
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    params = [inspect.Parameter(name, kind) for name in (*lead, *fields)]
    params.append(inspect.Parameter("request", kind, annotation=gr.Request))
    if progress:
        params.append(inspect.Parameter("progress", kind, default=gr.Progress()))
    signature = inspect.Signature(params)

    def handler(*args: Any, **kwargs: Any) -> Any:
        given = signature.bind(*args, **kwargs).arguments
        extra = [given.get("progress")] if progress else []
        return body(*(given[n] for n in lead), {n: given[n] for n in fields}, given["request"], *extra)

    handler.__signature__ = signature  # type: ignore[attr-defined]  # read by inspect.signature (Gradio)
    handler.__annotations__ = {"request": gr.Request}  # read by typing.get_type_hints (Gradio)
    handler.__name__ = body.__name__
    return handler


def make_handlers(gr: Any, act: Actions) -> SimpleNamespace:
    """The handlers, by name, over one `Actions`."""

    def on_load(request: gr.Request):
        user = user_of(request)
        role = act.role(user)
        facets = act.facets()
        drafts = act.draft_choices()
        return (
            act.banner(user),
            gr.Tab(visible=can(role, "edit") or can(role, "remove")),  # the rule lives in kb.access
            gr.Tab(visible=can(role, "add")),
            gr.Dropdown(choices=drafts, value=drafts[0][1] if drafts else None),
            *[gr.Dropdown(choices=facets.get(k, [])) for k, _ in FILTER_FIELDS],
        )

    def facet_updates():
        facets = act.facets()
        return [gr.Dropdown(choices=facets.get(k, [])) for k, _ in FILTER_FIELDS]

    def do_search(q, filters, request):
        fields = dict(filters)
        reader_first = fields.pop(READER_FIRST, True)
        return act.search(user_of(request), q, fields, reader_first=reader_first is not False)

    def on_card(draft_id, section_key, evt: gr.EventData, request: gr.Request):
        data = evt._data or {}
        if data.get("act") == "more":
            cards, status = act.similar(user_of(request), int(data["chunk"]))
            return cards, status, gr.skip()
        status = act.pin(user_of(request), draft_id, section_key, int(data["chunk"]))
        return gr.skip(), status, act.view(user_of(request), draft_id, section_key)

    def suggest(section_key, request: gr.Request):
        return act.suggested(user_of(request), section_key)

    def on_item(draft_id, section_key, evt: gr.EventData, request: gr.Request):
        data = evt._data or {}
        act.item_action(user_of(request), str(data.get("act")), int(data["item"]))
        return act.view(user_of(request), draft_id, section_key)

    def show_draft(draft_id, section_key, request: gr.Request):
        return act.view(user_of(request), draft_id, section_key), act.section_purpose(section_key)

    def create(city, title, section_key, request: gr.Request):
        new_id = act.create_draft(user_of(request), city, title)
        return (
            gr.Dropdown(choices=act.draft_choices(), value=new_id),
            act.view(user_of(request), new_id, section_key),
            "",
            "",
        )

    def rename(draft_id, title, request: gr.Request):
        act.rename_draft(user_of(request), draft_id, title, None)
        return gr.Dropdown(choices=act.draft_choices(), value=draft_id), ""

    def delete(draft_id, ok, request: gr.Request):
        act.delete_draft(user_of(request), draft_id, ok)
        drafts = act.draft_choices()
        return gr.Dropdown(choices=drafts, value=drafts[0][1] if drafts else None), False

    def add_note(draft_id, section_key, text, request: gr.Request):
        act.add_note(user_of(request), draft_id, section_key, text)
        return act.view(user_of(request), draft_id, section_key), ""

    def exporter(fmt: str):
        def run(draft_id, request: gr.Request):
            return gr.File(value=str(act.export(user_of(request), draft_id, fmt)), visible=True)

        return run

    def refresh_drafts(draft_id):
        return gr.Dropdown(choices=act.draft_choices(), value=draft_id)

    def library(request: gr.Request):
        user = user_of(request)
        rows, docs, last = act.library(user)
        stale = act.stale_count(user)
        return (
            gr.Dataframe(value=rows, headers=LIBRARY_HEADERS),
            gr.Dropdown(choices=docs),
            render.stale_notice(stale) + last,
            gr.Button(visible=stale > 0),
        )

    def library_manifest(request: gr.Request):
        return gr.File(value=str(act.library_manifest(user_of(request))), visible=True)

    def reread(
        request: gr.Request,
        progress=gr.Progress(),  # noqa: B008 (Gradio's API: it finds the bar by this default)
    ):
        def tick(done: int, total: int, source: str) -> None:
            progress((done, total), desc=f"{source} ({done}/{total})")

        return act.reread(user_of(request), progress=tick)

    def pick_doc(doc_id, request: gr.Request):
        meta = act.metadata_of(user_of(request), doc_id)
        return [meta.get(k, [] if k in _MULTI_CHOICE else None) for k in META_FIELDS]

    def save_meta(doc_id, form, request):
        return act.update_metadata(user_of(request), doc_id, form)

    def remove(doc_id, ok, request: gr.Request):
        return act.remove(user_of(request), doc_id, ok), False

    def add(files, man, form, request, progress):
        paths = [getattr(f, "name", f) for f in files or []]
        progress(0, desc="Reading files")

        def tick(done: int, total: int, path: str) -> None:
            progress((done, total), desc=f"{Path(path).name} ({done}/{total})")

        return act.add(user_of(request), paths, getattr(man, "name", man), form, progress=tick)

    return SimpleNamespace(
        on_load=on_load,
        facet_updates=facet_updates,
        # one parameter per form field, declared from the schema's field lists (see form_handler)
        do_search=form_handler(gr, (*SEARCH_KEYS, READER_FIRST), do_search, lead=("q",)),
        on_card=on_card,
        suggest=suggest,
        on_item=on_item,
        show_draft=show_draft,
        create=create,
        rename=rename,
        delete=delete,
        add_note=add_note,
        exporter=exporter,
        refresh_drafts=refresh_drafts,
        library=library,
        library_manifest=library_manifest,
        reread=reread,
        pick_doc=pick_doc,
        save_meta=form_handler(gr, META_FIELDS, save_meta, lead=("doc_id",)),
        remove=remove,
        add=form_handler(gr, BATCH_FIELDS, add, lead=("files", "man"), progress=True),
    )
