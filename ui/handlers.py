"""What each control of the web app does when used: read the signed-in user, call `Actions`, format.

`make_handlers` is called by `ui.app.build_app` with the imported gradio module, so the handlers'
annotations (gr.Request, gr.EventData) are real classes when Gradio reads them to inject the
request; hence no `from __future__ import annotations` here either. Every handler's first input is
the page language (`lay.lang`): what it returns is in that language, and `ui.app`'s guard shows a
refusal (UiError) in it too. No user-facing words here: they are keys of `ui.i18n`.
"""

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from kb import METADATA_FIELDS
from kb.access import can
from kb.directory.folding import fold
from ui import render
from ui.actions import BATCH_FIELDS, FILTER_FIELDS, META_FIELDS, YEAR_FILTERS, Actions, UiError
from ui.card_events import make_card_handlers
from ui.directory import directory_language_updates
from ui.draft_actions import AUTO_SECTION
from ui.form_handlers import form_handler, user_of
from ui.i18n import LANGUAGES, direction, language_label, normalize, region_name, t, theme_name, theme_tag
from ui.i18n import label as L
from ui.i18n.locale import country_name
from ui.layout import CHOICE_FIELDS, Layout
from ui.upload_progress import UploadLine, with_progress

__all__ = ["make_handlers", "user_of", "filter_choices", "form_handler", "SEARCH_KEYS"]

# The search form's inputs after the query, in order: the filter menus, then the year range boxes.
SEARCH_KEYS = (*FILTER_FIELDS, *YEAR_FILTERS)
EXPORTS_KEPT = 6  # export links a session keeps in view (each works for a while, for its owner only)
_MULTI_CHOICE = {f.name for f in METADATA_FIELDS if f.kind == "choices"}  # multi-select menus: [] when empty


def _label(key: str, value: str, lang: str) -> str:
    if key == "country":
        return country_name(value, lang)
    if key == "language":  # "und" as the language chart says it, not the bare code
        return language_label(value, lang)
    if key in CHOICE_FIELDS:
        return t(lang, f"choice.{key}.{value}")
    if key == "themes":
        return theme_name(value, lang)
    if key == "region":
        return region_name(value, lang)
    return value


def filter_choices(act: Actions, lang: str) -> dict[str, list[tuple[str, str]]]:
    """Each filter's values as (label in the page language, value) pairs; countries and languages
    in the order of their names in that language, not of their codes (ar, de, en... was "Arabic,
    German, English")."""
    facets = act.facets()

    def values(key: str) -> list[str]:
        if key == "themes":  # a theme stored by its name ("derivación") and by its tag is one choice
            return list(dict.fromkeys(theme_tag(v) for v in facets.get(key, [])))
        return list(facets.get(key, []))

    out = {k: [(_label(k, v, lang), v) for v in values(k)] for k in FILTER_FIELDS}  # in the filters' order
    for key in ("country", "language", "region"):
        if key in out:
            out[key].sort(key=lambda pair: fold(pair[0]))  # "Égypte" with the E's
    return out


def form_choices(lang: str) -> dict[str, list[tuple[str, str]]]:
    """Each choice field's allowed values (ingest.schema) as (label in the page language, value) pairs;
    a single choice may be left empty."""
    return {f.name: [("", "")] * (f.kind == "choice") + [(t(lang, f"choice.{f.name}.{v}"), v) for v in f.choices]
            for f in METADATA_FIELDS if f.name in CHOICE_FIELDS}


def make_handlers(gr: Any, act: Actions, lay: Layout) -> SimpleNamespace:
    """The handlers, by name, over one `Actions` and the page's layout."""

    def language_updates(lang: str, user: str | None) -> dict:
        """Everything the server writes in the page language, for `lang` (on load and on a switch)."""
        role = act.role(user)
        drafter = act.may_draft(user)
        forms = form_choices(lang)
        sections = act.section_choices(lang)
        ups = {
            lay.lang: lang,
            lay.lang_pick: gr.Dropdown(value=lang),
            lay.intro: render.intro(lang),
            lay.banner: act.banner(user, lang),
            # the rule is kb.access'; the labels are sent again so that the tab strip re-reads them in `lang`,
            # each with its visibility: the strip re-reads only a tab whose visibility is sent (one sent
            # its label alone kept the browser's language: "Drafting" on a Spanish page, until clicked)
            lay.search_tab: gr.Tab(label=L("tab.search"), visible=True),
            lay.drafting_tab: gr.Tab(label=L("tab.drafting"), visible=True),
            lay.library_tab: gr.Tab(label=L("tab.library"), visible=can(role, "edit") or can(role, "remove")),
            lay.add_tab: gr.Tab(label=L("tab.add"), visible=can(role, "add")),
            lay.directory_tab: gr.Tab(label=L("tab.directory"), visible=True),
            lay.group_tab: gr.Tab(label=L("tab.group"), visible=True),
            # pinning and a new draft: for those who may change some draft (the note, rename and share rows
            # follow the working draft: ui.app, changing_rows)
            **{row: gr.Row(visible=drafter) for row in lay.drafter_rows},
            lay.query: gr.Textbox(rtl=direction(lang) == "rtl"),
            lay.pin_section: gr.Dropdown(choices=act.section_choices(lang, auto=True)),
            lay.section_sel: gr.Dropdown(choices=sections),
            # Gradio's table shows the headers of its value, not of a headers-only update (the
            # Library's table is sent with its rows on a switch, below); the last batch's outcomes
            # stay in the upload jobs panel below it
            lay.outcomes: gr.Dataframe(value={"data": [], "headers": render.outcome_headers(lang)}),
            lay.outcomes_list: "",
        }
        for key, choices in filter_choices(act, lang).items():
            ups[lay.filters[key]] = gr.Dropdown(choices=choices)
        for form in (lay.edit, lay.add_meta):
            for key in CHOICE_FIELDS:
                ups[form[key]] = gr.Dropdown(choices=forms[key])
        ups.update(directory_language_updates(gr, lay, act, lang, user))
        return ups

    def on_load(lang_hint, request: gr.Request):
        lang = normalize(lang_hint)
        drafts = act.draft_choices(user_of(request))
        working = act.first_draft(user_of(request), drafts)
        ups = language_updates(lang, user_of(request))
        ups.update({
            lay.working: working,
            lay.pin_draft: gr.Dropdown(choices=drafts, value=working),
            lay.draft_sel: gr.Dropdown(choices=drafts, value=working),
            lay.draft_html: act.view(user_of(request), working, None, lang),
            lay.purpose: act.section_purpose(act.section_choices()[0][1], lang),
            # a drafter of one workspace starts their drafts for its city (the box started empty,
            # and a draft typed for another city went into their workspace all the same)
            lay.new_city: act.home_city(user_of(request)),
        })
        return ups

    def switch_language(lang, section, working, shown, suggest_shown, examples_shown, cell_shown,
                        request: gr.Request):
        lang = normalize(lang)
        user = user_of(request)
        ups = language_updates(lang, user)
        role = act.role(user)
        if can(role, "edit") or can(role, "remove"):  # who has the Library tab: its table, relabelled
            rows, _, _ = act.library(user, lang)
            ups[lay.table] = gr.Dataframe(value=rows, headers=render.library_headers(lang))
            ups[lay.library_list] = render.library_list(rows, lang)
        ups.update({
            lay.purpose: act.section_purpose(section, lang),
            lay.draft_html: act.view(user_of(request), working, section, lang),
            lay.search_status: "",
        })
        # every panel of cards shown is drawn again in the new language, and its status line said again
        # in it (cleared where the panel did not keep what it said)
        for cards, status, state in ((lay.results, lay.search_status, shown),
                                     (lay.suggestions, lay.suggest_status, suggest_shown),
                                     (lay.examples, lay.examples_status, examples_shown),
                                     (lay.cell_cards, lay.cell_status, cell_shown)):
            if state.hits:
                ups.update({cards: act.cards(user, state, lang, working), status: state.status(lang)})
        return ups

    def facet_updates(lang):
        return [gr.Dropdown(choices=c) for c in filter_choices(act, lang).values()]

    def draft_updates(working, choices=None, user=None):
        """The working draft in both choosers (Search's "pin to" and the Drafting tab): the drafts `user` sees."""
        choices = act.draft_choices(user) if choices is None else choices
        return gr.Dropdown(choices=choices, value=working), gr.Dropdown(choices=choices, value=working)

    # One parameter per form field (form_handler): Gradio injects gr.Request only into positional
    # parameters, and API callers see named inputs. profile, prefer_on: the session's city profile and
    # "prefer comparable cities" (ui.atlas_ui).
    def do_search(lang, working, q, flt, profile, prefer_on, reader_first, request):
        return act.search(user_of(request), q, flt, lang=lang, draft_id=working,
                          prefer=profile if prefer_on else None, reader_first=reader_first is not False)

    def choose_draft(lang, value, section, shown, request: gr.Request):
        """A draft chosen in either chooser becomes the working draft everywhere."""
        pin, sel = draft_updates(value, user=user_of(request))
        cards = act.cards(user_of(request), shown, lang, value) if shown.hits else gr.skip()
        return value, pin, sel, act.view(user_of(request), value, section, lang), cards

    def drafting_opened(lang, working, section, request: gr.Request):
        """The Drafting tab, opened: the drafts as they are now (QA pass 13: a colleague's new draft or
        rename showed only after a reload, and "No draft yet" invited a second draft for the city). A
        working draft deleted meanwhile gives way to the one a session would start on."""
        user = user_of(request)
        drafts = act.draft_choices(user)
        if str(working) not in {str(i) for _, i in drafts}:
            working = act.first_draft(user, drafts)
        pin, sel = draft_updates(working, drafts)
        return working, pin, sel, act.view(user, working, section, lang)

    def choose_section(lang, key, working, request: gr.Request):
        """A section chosen in either menu is the draft's section on screen and where Pin puts excerpts;
        "the passage's own section" (Search's menu only) leaves the draft's section as it is."""
        if key == AUTO_SECTION:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return (key, gr.Dropdown(choices=act.section_choices(lang, auto=True), value=key),
                gr.Dropdown(choices=act.section_choices(lang), value=key),
                act.section_purpose(key, lang), act.view(user_of(request), working, key, lang))

    def suggest(lang, working, section_key, request: gr.Request):
        return act.suggested(user_of(request), section_key, lang=lang, draft_id=working)

    def on_item(lang, working, section_key, removed, evt: gr.EventData, request: gr.Request):
        data = evt._data or {}
        user = user_of(request)
        if data.get("act") == "open-source" and str(data.get("chunk") or "").isdigit():  # the pin's passage
            return (gr.skip(), gr.skip(), gr.skip(), gr.skip(),
                    act.reader(user, int(data["chunk"]), [], lang, draft_id=working), gr.Column(visible=True))
        if data.get("act") == "restore":
            act.restore_item(user, removed)
            removed = None
        elif not str(data.get("item") or "").isdigit():  # no item named (an API call without a button)
            return gr.skip()
        else:
            try:
                removed = act.item_action(user, str(data.get("act")), int(data["item"])) or removed
            except UiError as err:
                if err.msg.key != "error.draft_item_gone":
                    raise
                gr.Warning(err.text(lang), title=t(lang, "toast.note"))  # and the draft is drawn as it is now, without that excerpt
        return (act.view(user, working, section_key, lang, removed), removed, *draft_updates(working, user=user),
                gr.skip(), gr.skip())

    def create(lang, city, title, section_key, request: gr.Request):
        user = user_of(request)
        new_id = act.create_draft(user, city, title, lang)
        choices = act.draft_choices(user)  # read once: for the menus and for the toast's name
        # said in words: with no title or city, the new draft looks like the one it replaces in the menu
        name = next((label for label, i in choices if i == new_id), "")
        gr.Info(t(lang, "draft.created", name=render.draft_name(name)), title=t(lang, "toast.done"))
        return (new_id, *draft_updates(new_id, choices), act.view(user, new_id, section_key, lang), "",
                act.home_city(user))

    def rename(lang, working, section_key, title, request: gr.Request):
        user = user_of(request)
        act.rename_draft(user, working, title, None)
        # the draft's heading too (QA pass 13: only the menus took the new title)
        return (*draft_updates(working, user=user), "", act.view(user, working, section_key, lang))

    def delete(lang, working, ok, request: gr.Request):
        """Deleted, the draft is said to be in the trash, and which draft is now the working one (the one
        a session would start on): the view switched to another draft without a word (QA pass 13)."""
        user = user_of(request)
        name = next((label for label, i in act.draft_choices(user) if str(i) == str(working)), "")
        act.delete_draft(user, working, ok)
        drafts = act.draft_choices(user)
        new = act.first_draft(user, drafts)  # as a new session would: one this reader may change
        said = t(lang, "draft.deleted", name=render.draft_name(name), days=act.kb.settings.trash_days)
        now = next((label for label, i in drafts if i == new), None)
        if now is not None:
            said += " " + t(lang, "draft.now_working", name=render.draft_name(now))
        gr.Info(said, title=t(lang, "toast.done"))
        return (new, *draft_updates(new, drafts), act.view(user, new, None, lang), False)

    def add_note(lang, working, section_key, text, request: gr.Request):
        act.add_note(user_of(request), working, section_key, text)
        return (act.view(user_of(request), working, section_key, lang), "", *draft_updates(working, user=user_of(request)))

    def exporter(fmt: str):
        def run(lang, working, exports, request: gr.Request):
            """The new export's link above the session's earlier ones (one per file name, the last
            EXPORTS_KEPT): a Markdown export no longer takes the place of the DOCX made before it."""
            ticket = act.export(user_of(request), working, fmt, lang)
            links = [(act.export_url(ticket), ticket.name)]
            links += [(url, name) for url, name in (exports or []) if name != ticket.name][: EXPORTS_KEPT - 1]
            return gr.HTML(render.download_links(links, lang), visible=True), links

        return run

    def library(lang, request: gr.Request):
        """The table, and a document's edit and Remove controls only when there is a document: an
        empty library offered to edit or remove nothing, and said nothing of where to add (QA pass 13)."""
        user = user_of(request)
        rows, docs, last = act.library(user, lang)
        stale, scans = act.stale_count(user), act.ocr_pending_count(user)
        if not docs:
            last = render.say(lang, "search.empty_kb_add" if can(act.role(user), "add") else "search.empty_kb")
        return (
            gr.Dataframe(value=rows, headers=render.library_headers(lang)),
            render.library_list(rows, lang),
            gr.Dropdown(choices=docs),
            render.stale_notice(stale, lang, scans) + last,
            gr.Button(visible=stale + scans > 0),
            gr.Column(visible=bool(docs)),
        )

    def library_manifest(lang, request: gr.Request):
        ticket = act.library_manifest(user_of(request))
        return gr.HTML(render.download_link(act.export_url(ticket), ticket.name, lang), visible=True)

    def reread(lang, request: gr.Request, progress=gr.Progress()):  # noqa: B008 (Gradio finds the bar by it)
        def work(report: Callable[[float, str], None]) -> str:
            def tick(done: int, total: int, source: str) -> None:
                report(done / max(total, 1), t(lang, "progress.file", name=source, done=done, total=total))

            return act.reread(user_of(request), progress=tick, lang=lang)

        return with_progress(progress, work)

    def pick_doc(lang, doc_id, request: gr.Request):
        meta = act.metadata_of(user_of(request), doc_id, lang)
        return [meta.get(k, [] if k in _MULTI_CHOICE else None) for k in META_FIELDS]

    def save_meta(lang, doc_id, form, request):
        return act.update_metadata(user_of(request), doc_id, form, lang)

    def remove(lang, doc_id, ok, request: gr.Request):
        return act.remove(user_of(request), doc_id, ok, lang), False

    def add(lang, files, man, form, request, progress):
        paths = [getattr(f, "name", f) for f in files or []]

        def work(report: Callable[[float, str], None]) -> Any:
            line = UploadLine(lang, len(paths), report)
            if paths:
                line.start(paths[0])
            return act.add(user_of(request), paths, getattr(man, "name", man), form, progress=line.tick,
                           step=line.step, lang=lang, waiting=line.waiting)

        status, rows = with_progress(progress, work)
        cleared = [[] if k in _MULTI_CHOICE else "" for k in BATCH_FIELDS]
        # headers again: given rows alone, Gradio would fall back to the layout's untranslated keys
        return (status + render.say(lang, "add.form_cleared"),
                gr.Dataframe(value=rows, headers=render.outcome_headers(lang)), render.outcome_list(rows, lang),
                None, None, *cleared)

    cards = make_card_handlers(gr, act, lay)
    return SimpleNamespace(
        on_load=on_load, switch_language=switch_language, facet_updates=facet_updates,
        # one parameter per form field, declared from the schema's field lists (see form_handler)
        do_search=form_handler(gr, SEARCH_KEYS, do_search, lead=("lang", "working", "q"),
                               tail={"profile": None, "prefer_on": False, "reader_first": True}),
        choose_draft=choose_draft, drafting_opened=drafting_opened, choose_section=choose_section, suggest=suggest,
        on_item=on_item,
        create=create, rename=rename, delete=delete, add_note=add_note, exporter=exporter, library=library,
        library_manifest=library_manifest, reread=reread, pick_doc=pick_doc,
        save_meta=form_handler(gr, META_FIELDS, save_meta, lead=("lang", "doc_id")),
        remove=remove, add=form_handler(gr, BATCH_FIELDS, add, lead=("lang", "files", "man"), progress=True),
        languages=LANGUAGES, **vars(cards),
    )
