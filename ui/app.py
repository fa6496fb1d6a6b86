"""The Gradio web app: search, drafting, library and add-documents tabs over one KnowledgeBase.

Gradio is imported inside `build_app` (it takes ~3 s), after `GRADIO_ANALYTICS_ENABLED=False` is
set, so importing this module is cheap and the app never calls out to the internet. Handlers are a
few lines each: they read the signed-in user from the request and call `ui.actions.Actions`, which
holds the logic and re-checks the role rule server-side.
"""

# No `from __future__ import annotations` here: Gradio reads handler annotations (gr.Request,
# gr.EventData) at run time, and string annotations of names local to build_app cannot be resolved.
import functools
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.roles import User, authenticate, can, load_users
from ui import render
from ui.actions import FILTER_FIELDS, META_FIELDS, Actions, UiError
from ui.layout import build_layout
from ui.render import LIBRARY_HEADERS

if TYPE_CHECKING:
    import gradio as gr

    from kb.knowledge_base import KnowledgeBase

__all__ = ["build_app", "serve", "launch_options"]

STATIC = Path(__file__).resolve().parent / "static"


def _gradio() -> Any:
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before the import: no telemetry, no version check
    import gradio

    return gradio


def _user(request: Any) -> str | None:
    return getattr(request, "username", None) if request is not None else None


def _guard(gr: Any, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run `fn`; a UiError becomes a gr.Error the page shows (and an API caller receives)."""

    @functools.wraps(fn)  # Gradio reads the signature (gr.Request, gr.EventData) through __wrapped__
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UiError as err:
            raise gr.Error(str(err), print_exception=False) from err

    return run


def build_app(kb: "KnowledgeBase", users: Mapping[str, User] | None = None) -> "gr.Blocks":
    """Build the web app (not launched).

    Args:
        kb: an open KnowledgeBase.
        users: configured users; None reads them from the KB home / environment (`kb.roles.load_users`),
            {} means local single-user mode.

    Returns:
        The gr.Blocks; launch it with `launch_options(...)` or use `serve`.
    """
    gr = _gradio()
    users = load_users(kb.settings.home) if users is None else users
    act = Actions(kb, users)

    def guard(fn: Callable[..., Any]) -> Callable[..., Any]:
        return _guard(gr, fn)

    with gr.Blocks(title="Prevention knowledge base", analytics_enabled=False) as app:
        c = build_layout(gr, act)
        filter_list = list(c.filters.values())
        edit_list = [c.edit[k] for k in META_FIELDS]
        add_list = [c.add_meta[k] for k in META_FIELDS if k in c.add_meta]
        library_out = [c.table, c.doc_sel, c.report, c.reread_btn]

        # --- handlers: read the user, call Actions, format ---------------------------------------
        def on_load(request: gr.Request):
            user = _user(request)
            role = act.role(user)
            facets = act.facets()
            drafts = act.draft_choices()
            return (
                act.banner(user),
                gr.Tab(visible=can(role, "edit") or can(role, "remove")),  # the rule lives in kb.roles
                gr.Tab(visible=can(role, "add")),
                gr.Dropdown(choices=drafts, value=drafts[0][1] if drafts else None),
                *[gr.Dropdown(choices=facets.get(k, [])) for k, _ in FILTER_FIELDS],
            )

        def facet_updates():
            facets = act.facets()
            return [gr.Dropdown(choices=facets.get(k, [])) for k, _ in FILTER_FIELDS]

        # Explicit parameters (not *args): Gradio injects gr.Request only into positional parameters,
        # and API callers see named inputs.
        def do_search(
            q,
            city,
            country,
            region,
            doc_type,
            themes,
            language,
            population_band,
            prevention_level,
            year_min,
            year_max,
            request: gr.Request,
        ):
            flt = {
                "city": city,
                "country": country,
                "region": region,
                "doc_type": doc_type,
                "themes": themes,
                "language": language,
                "population_band": population_band,
                "prevention_level": prevention_level,
                "year_min": year_min,
                "year_max": year_max,
            }
            return act.search(_user(request), q, flt)

        def on_card(draft_id, section_key, evt: gr.EventData, request: gr.Request):
            data = evt._data or {}
            if data.get("act") == "more":
                cards, status = act.similar(_user(request), int(data["chunk"]))
                return cards, status, gr.skip()
            status = act.pin(_user(request), draft_id, section_key, int(data["chunk"]))
            return gr.skip(), status, act.view(_user(request), draft_id, section_key)

        def suggest(section_key, request: gr.Request):
            return act.suggested(_user(request), section_key)

        def on_item(draft_id, section_key, evt: gr.EventData, request: gr.Request):
            data = evt._data or {}
            act.item_action(_user(request), str(data.get("act")), int(data["item"]))
            return act.view(_user(request), draft_id, section_key)

        def show_draft(draft_id, section_key, request: gr.Request):
            return act.view(_user(request), draft_id, section_key), act.section_purpose(section_key)

        def create(city, title, section_key, request: gr.Request):
            new_id = act.create_draft(_user(request), city, title)
            return (
                gr.Dropdown(choices=act.draft_choices(), value=new_id),
                act.view(_user(request), new_id, section_key),
                "",
                "",
            )

        def rename(draft_id, title, request: gr.Request):
            act.rename_draft(_user(request), draft_id, title, None)
            return gr.Dropdown(choices=act.draft_choices(), value=draft_id), ""

        def delete(draft_id, ok, request: gr.Request):
            act.delete_draft(_user(request), draft_id, ok)
            drafts = act.draft_choices()
            return gr.Dropdown(choices=drafts, value=drafts[0][1] if drafts else None), False

        def add_note(draft_id, section_key, text, request: gr.Request):
            act.add_note(_user(request), draft_id, section_key, text)
            return act.view(_user(request), draft_id, section_key), ""

        def exporter(fmt: str):
            def run(draft_id, request: gr.Request):
                return gr.File(value=str(act.export(_user(request), draft_id, fmt)), visible=True)

            return run

        def refresh_drafts(draft_id):
            return gr.Dropdown(choices=act.draft_choices(), value=draft_id)

        def library(request: gr.Request):
            user = _user(request)
            rows, docs, last = act.library(user)
            stale = act.stale_count(user)
            return (
                gr.Dataframe(value=rows, headers=LIBRARY_HEADERS),
                gr.Dropdown(choices=docs),
                render.stale_notice(stale) + last,
                gr.Button(visible=stale > 0),
            )

        def library_manifest(request: gr.Request):
            return gr.File(value=str(act.library_manifest(_user(request))), visible=True)

        def reread(
            request: gr.Request,
            progress=gr.Progress(),  # noqa: B008 (Gradio's API: it finds the bar by this default)
        ):
            def tick(done: int, total: int, source: str) -> None:
                progress((done, total), desc=f"{source} ({done}/{total})")

            return act.reread(_user(request), progress=tick)

        def pick_doc(doc_id, request: gr.Request):
            meta = act.metadata_of(_user(request), doc_id)
            return [meta.get(k, [] if k == "prevention_level" else None) for k in META_FIELDS]

        def save_meta(
            doc_id,
            title,
            city,
            country,
            region,
            doc_type,
            themes,
            year,
            population_band,
            prevention_level,
            source_url,
            licence,
            request: gr.Request,
        ):
            form = {
                "title": title,
                "city": city,
                "country": country,
                "region": region,
                "doc_type": doc_type,
                "themes": themes,
                "year": year,
                "population_band": population_band,
                "prevention_level": prevention_level,
                "source_url": source_url,
                "licence": licence,
            }
            return act.update_metadata(_user(request), doc_id, form)

        def remove(doc_id, ok, request: gr.Request):
            return act.remove(_user(request), doc_id, ok), False

        def add(
            files,
            man,
            city,
            country,
            region,
            doc_type,
            themes,
            year,
            population_band,
            prevention_level,
            source_url,
            licence,
            request: gr.Request,
            progress=gr.Progress(),  # noqa: B008 (Gradio's API: it finds the bar by this default)
        ):
            form = {
                "city": city,
                "country": country,
                "region": region,
                "doc_type": doc_type,
                "themes": themes,
                "year": year,
                "population_band": population_band,
                "prevention_level": prevention_level,
                "source_url": source_url,
                "licence": licence,
            }
            paths = [getattr(f, "name", f) for f in files or []]
            progress(0, desc="Reading files")

            def tick(done: int, total: int, path: str) -> None:
                progress((done, total), desc=f"{Path(path).name} ({done}/{total})")

            return act.add(_user(request), paths, getattr(man, "name", man), form, progress=tick)

        # --- wiring ------------------------------------------------------------------------------
        app.load(
            guard(on_load),
            None,
            [c.banner, c.library_tab, c.add_tab, c.draft_sel, *filter_list],
            api_name=False,
        )
        search_inputs = [c.query, *filter_list, c.year_min, c.year_max]
        c.search_btn.click(guard(do_search), search_inputs, [c.results, c.search_status], api_name="search")
        c.query.submit(guard(do_search), search_inputs, [c.results, c.search_status], api_name=False)
        c.results.kb_action(
            guard(on_card),
            [c.draft_sel, c.section_sel],
            [c.results, c.search_status, c.draft_html],
            api_name="card_action",
        ).then(refresh_drafts, c.draft_sel, c.draft_sel, api_name=False)
        c.suggestions.kb_action(
            guard(on_card),
            [c.draft_sel, c.section_sel],
            [c.suggestions, c.suggest_status, c.draft_html],
            api_name=False,
        ).then(refresh_drafts, c.draft_sel, c.draft_sel, api_name=False)
        c.draft_html.kb_action(
            guard(on_item), [c.draft_sel, c.section_sel], c.draft_html, api_name="draft_item"
        )
        c.draft_sel.change(
            guard(show_draft), [c.draft_sel, c.section_sel], [c.draft_html, c.purpose], api_name=False
        )
        c.section_sel.change(
            guard(show_draft), [c.draft_sel, c.section_sel], [c.draft_html, c.purpose], api_name=False
        )
        c.suggest_btn.click(
            guard(suggest), c.section_sel, [c.suggestions, c.suggest_status], api_name="suggested"
        )
        c.create_btn.click(
            guard(create),
            [c.new_city, c.new_title, c.section_sel],
            [c.draft_sel, c.draft_html, c.new_title, c.new_city],
            api_name="create_draft",
        )
        c.rename_btn.click(
            guard(rename),
            [c.draft_sel, c.rename_title],
            [c.draft_sel, c.rename_title],
            api_name="rename_draft",
        )
        c.delete_btn.click(
            guard(delete), [c.draft_sel, c.delete_ok], [c.draft_sel, c.delete_ok], api_name="delete_draft"
        )
        c.note_btn.click(
            guard(add_note), [c.draft_sel, c.section_sel, c.note], [c.draft_html, c.note], api_name="add_note"
        ).then(refresh_drafts, c.draft_sel, c.draft_sel, api_name=False)
        for btn, fmt in ((c.docx_btn, "docx"), (c.md_btn, "markdown"), (c.csl_btn, "csl-json")):
            btn.click(
                guard(exporter(fmt)), c.draft_sel, c.export_file, api_name=f"export_{fmt.replace('-', '_')}"
            )
        c.refresh_btn.click(guard(library), None, library_out, api_name="library")
        c.manifest_btn.click(guard(library_manifest), None, c.manifest_file, api_name="library_manifest")
        c.reread_btn.click(guard(reread), None, c.library_status, api_name="reread").then(
            guard(library), None, library_out, api_name=False
        )
        c.library_tab.select(guard(library), None, library_out, api_name=False)
        c.doc_sel.change(guard(pick_doc), c.doc_sel, edit_list, api_name=False)
        c.save_btn.click(
            guard(save_meta), [c.doc_sel, *edit_list], c.library_status, api_name="update_metadata"
        ).then(guard(library), None, library_out, api_name=False).then(
            facet_updates, None, filter_list, api_name=False
        )
        c.remove_btn.click(
            guard(remove),
            [c.doc_sel, c.remove_ok],
            [c.library_status, c.remove_ok],
            api_name="remove_document",
        ).then(guard(library), None, library_out, api_name=False).then(
            facet_updates, None, filter_list, api_name=False
        )
        c.add_btn.click(
            guard(add),
            [c.uploads, c.manifest, *add_list],
            [c.add_status, c.outcomes],
            api_name="add_documents",
        ).then(guard(library), None, library_out, api_name=False).then(
            facet_updates, None, filter_list, api_name=False
        )
    app.queue(default_concurrency_limit=1)
    app.kb_actions = act  # type: ignore[attr-defined]  # for tests and the lead's wiring
    return app


def launch_options(kb: "KnowledgeBase", users: Mapping[str, User] | None = None) -> dict[str, Any]:
    """Keyword arguments for `Blocks.launch`: offline, files dir served, auth when users exist."""
    users = load_users(kb.settings.home) if users is None else users
    files_dir = kb.settings.files_dir
    exports_dir = kb.settings.home / "exports"
    for folder in (files_dir, exports_dir):
        folder.mkdir(parents=True, exist_ok=True)
    opts: dict[str, Any] = {
        "share": False,
        "allowed_paths": [str(files_dir), str(exports_dir)],
        "css_paths": [STATIC / "app.css"],
        "show_error": True,
        "quiet": True,
        "ssr_mode": False,
    }
    if users:
        opts["auth"] = lambda name, password: authenticate(users, name, password)
        opts["auth_message"] = "Sign in with your knowledge base user name."
    return opts


def serve(
    kb: "KnowledgeBase",
    host: str = "127.0.0.1",
    port: int = 7860,
    users: Mapping[str, User] | None = None,
    *,
    block: bool = True,
) -> "gr.Blocks":
    """Build and launch the app on host:port (blocking unless block=False).

    Args:
        kb: an open KnowledgeBase.
        host, port: where to listen; loopback by default.
        users: see `build_app`.
        block: wait until the server stops (False returns once it is up, for tests).

    Returns:
        The launched gr.Blocks (call `.close()` to stop it).
    """
    users = load_users(kb.settings.home) if users is None else users
    app = build_app(kb, users)
    app.launch(server_name=host, server_port=port, prevent_thread_lock=not block, **launch_options(kb, users))
    return app
