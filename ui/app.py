"""The Gradio web app: search, drafting, library and add-documents tabs over one KnowledgeBase.

Gradio is imported inside `build_app` (it takes ~3 s), after `GRADIO_ANALYTICS_ENABLED=False` is
set, so importing this module is cheap and the app never calls out to the internet. This module
lays out the page (`ui.layout`) and wires each control to its handler (`ui.handlers`: a few lines
each, reading the signed-in user and calling `ui.actions.Actions`, which holds the logic and
re-checks the role rule server-side).
"""

# No `from __future__ import annotations` here: Gradio reads handler annotations (gr.Request,
# gr.EventData) at run time, and string annotations of names local to build_app cannot be resolved.
import functools
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.access import User, authenticate, load_users
from ui.actions import BATCH_FIELDS, META_FIELDS, YEAR_FILTERS, Actions, UiError
from ui.admin import wire_admin
from ui.atlas_ui import wire_atlas
from ui.directory import card_outputs, directory_language_outputs, wire_directory
from ui.form_handlers import cleared_first, user_of
from ui.group import wire_group
from ui.handlers import make_handlers
from ui.i18n import DEFAULT, LANGUAGES, gradio_i18n, t
from ui.jobs_ui import wire_jobs
from ui.layout import CHOICE_FIELDS, build_layout
from ui.page_a11y import a11y_head
from ui.page_js import AFTER_CARD_JS, APPLY_LANG_JS, DETECT_LANG_JS, EARLY_OVERVIEW_HEAD

if TYPE_CHECKING:
    import gradio as gr

    from kb.knowledge_base import KnowledgeBase

__all__ = ["build_app", "serve", "launch_options"]

STATIC = Path(__file__).resolve().parent / "static"


def _gradio() -> Any:
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before the import: no telemetry, no version check
    import gradio

    return gradio


def _guard(gr: Any, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run `fn`; a UiError becomes a gr.Error the page shows (and an API caller receives), in the
    page language: every handler's first argument. A handler's empty dict (a button's event called
    with no button named, as an API call can) changes nothing: Gradio took it for one value of many
    and failed with "didn't return enough output values"."""

    @functools.wraps(fn)  # Gradio reads the signature (gr.Request, gr.EventData) through __wrapped__
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            out = fn(*args, **kwargs)
            return gr.skip() if isinstance(out, dict) and not out else out
        except UiError as err:
            lang = args[0] if args and isinstance(args[0], str) and args[0] in LANGUAGES else DEFAULT
            raise gr.Error(err.text(lang), title=t(lang, "error.title"), print_exception=False) from err

    return run


def progress_on_displays(gr: Any, app: Any) -> None:
    """Show each event's progress on what the event displays (HTML, tables), never on the form fields
    it also updates (Gradio's "Error" pill of a failed event is hidden by app.css: the toast says it).

    A badge over a field covers it until dismissed, so after "Give the organisation that holds the
    seat" the Organisation box could not be typed in, nor "I am sure" ticked after "tick I am sure".
    The message itself is the toast (`_guard`). An event that displays nothing shows no progress.
    """
    displays = (gr.HTML, gr.Markdown, gr.Dataframe)
    for fn in app.fns.values():
        if fn.show_progress == "hidden" or fn.show_progress_on is not None:
            continue
        shown = [o for o in fn.outputs if isinstance(o, displays)]
        fields = [o for o in fn.outputs if isinstance(o, (gr.components.FormComponent, gr.File))
                  and getattr(o, "interactive", None) is not False]
        if not fields:
            continue
        if shown:
            fn.show_progress_on = shown[:1]  # one bar: an upload showed the same progress twice
        else:
            fn.show_progress = "hidden"


# Gradio's queue: reads (search, more like this, drafts, exports, listings) run this many at once (the
# KB keeps each one consistent: kb.serving); writes to the library (remove, metadata)
# share one slot, WRITE, so they run one after another and never hold a reader's slot.
READS = 8
WRITE = {"concurrency_limit": 1, "concurrency_id": "kb-write"}
# An upload and a re-read are jobs (kb.jobs) that the worker runs one at a time; their events only submit
# one and follow it, so they take no write slot (QA pass 13: a metadata save waited 76 s behind an upload,
# and a second coordinator's upload behind the first's whole job).
FOLLOW = {"concurrency_limit": READS, "concurrency_id": "kb-jobs"}
# Searches, the heavy reads (two model passes, fusion, highlights: ~80 ms of CPU each), run as many at
# once as there are cores and wait their turn beyond that: 20 at once on 2 cores, all run together,
# finished together after 2.3-2.7 s; taken two by two, the first answers come at once (evals/server_bench).
SEARCH = {"concurrency_limit": max(2, os.cpu_count() or 2), "concurrency_id": "kb-search"}


def build_app(kb: "KnowledgeBase", users: Mapping[str, User] | None = None, jobs: str = "process") -> "gr.Blocks":
    """Build the web app (not launched).

    Args:
        kb: an open KnowledgeBase.
        users: configured users; None reads them from the KB home / environment (`kb.access.load_users`),
            {} means local single-user mode.

    Returns:
        The gr.Blocks; launch it with `launch_options(...)` (which passes the message catalogue) or use `serve`.
    """
    gr = _gradio()
    users = load_users(kb.settings.home) if users is None else users
    # uploads are ingest jobs run by a worker started now (jobs a stopped server left resume): in a
    # process at lower CPU priority ("process"), a thread ("inline") or on Ray ("ray:ADDRESS")
    act = Actions(kb, users, jobs=jobs)
    # the overview every page opens with reads the whole catalog: read it once now, in the background,
    # so the first visitor's page is not the one that pulls it from disk
    threading.Thread(target=kb.overview, name="kb-warm-overview", daemon=True).start()

    def guard(fn: Callable[..., Any]) -> Callable[..., Any]:
        return _guard(gr, fn)

    with gr.Blocks(title=t(DEFAULT, "app.name"), analytics_enabled=False) as app:
        c = build_layout(gr, act)
        h = make_handlers(gr, act, c)
        filter_list = list(c.filters.values())
        year_list = [getattr(c, key) for key in YEAR_FILTERS]  # the year range boxes
        edit_list = [c.edit[k] for k in META_FIELDS]
        add_list = [c.add_meta[k] for k in BATCH_FIELDS]
        library_out = [c.table, c.library_list, c.doc_sel, c.report, c.reread_btn, c.library_edit]
        language_out = [c.lang, c.lang_pick, c.intro, c.banner, c.search_tab, c.drafting_tab, c.library_tab, c.add_tab,
                        c.query, c.pin_section,
                        c.section_sel, c.table, c.library_list, c.outcomes, c.outcomes_list, *filter_list,
                        *[f[k] for f in (c.edit, c.add_meta) for k in CHOICE_FIELDS], *c.drafter_rows]
        drafts_out = [c.working, c.pin_draft, c.draft_sel]
        card_out = [c.results, c.search_status, c.shown, c.suggestions, c.suggest_status, c.suggest_shown,
                    c.draft_html, *drafts_out, c.reader, c.reader_panel, c.original_file, *card_outputs(c)]
        language_out += directory_language_outputs(c)

        # --- the page language ---------------------------------------------------------------------
        loaded = app.load(guard(h.on_load), c.lang_pick, [*language_out, *drafts_out, c.draft_html, c.purpose, c.new_city],
                          js=DETECT_LANG_JS, api_name=False).then(None, c.lang_pick, None, js=APPLY_LANG_JS)
        c.lang_pick.input(None, c.lang_pick, None, js=APPLY_LANG_JS).then(
            guard(h.switch_language), [c.lang_pick, c.section, c.working, c.shown, c.suggest_shown, c.examples_shown,
                                       c.cell_shown],
            [*language_out, c.purpose, c.draft_html, c.results, c.search_status, c.suggestions, c.suggest_status,
             c.examples, c.examples_status, c.cell_cards, c.cell_status], api_name=False)

        # --- search and cards ------------------------------------------------------------------------
        search_inputs = [c.lang, c.working, c.query, *filter_list, *year_list, c.profile, c.prefer_on, c.reader_first]
        search_out = [c.results, c.search_status, c.shown]
        c.search_btn.click(guard(h.do_search), search_inputs, search_out, api_name="search", **SEARCH)
        c.query.submit(guard(h.do_search), search_inputs, search_out, api_name=False, **SEARCH)
        c.results.kb_action(
            guard(h.on_results), [c.lang, c.shown, c.working, c.section, c.pin_section, *filter_list, *year_list],
            card_out, api_name="card_action",
        ).then(None, None, None, js=AFTER_CARD_JS)
        c.suggestions.kb_action(
            guard(h.on_suggestions), [c.lang, c.suggest_shown, c.working, c.section], card_out, api_name=False,
        ).then(None, None, None, js=AFTER_CARD_JS)
        c.reader.kb_action(guard(h.on_reader), [c.lang, c.shown, c.working, c.section, c.pin_section], card_out,
                           api_name=False).then(None, None, None, js=AFTER_CARD_JS)
        c.reader_close.click(h.close_reader, None, [c.reader_panel, c.original_file], api_name=False)
        # they stayed over the next tab
        c.tabs.select(h.close_reader, None, [c.reader_panel, c.original_file], api_name=False)

        # --- drafting --------------------------------------------------------------------------------
        c.drafting_tab.select(guard(h.drafting_opened), [c.lang, c.working, c.section], [*drafts_out, c.draft_html],
                              api_name=False)
        for chooser in (c.pin_draft, c.draft_sel):
            chooser.input(guard(h.choose_draft), [c.lang, chooser, c.section, c.shown],
                          [*drafts_out, c.draft_html, c.results], api_name=False)
        for chooser in (c.pin_section, c.section_sel):
            chooser.input(guard(h.choose_section), [c.lang, chooser, c.working],
                          [c.section, c.pin_section, c.section_sel, c.purpose, c.draft_html], api_name=False)
        c.draft_html.kb_action(
            guard(h.on_item), [c.lang, c.working, c.section, c.removed], [c.draft_html, c.removed, c.pin_draft,
                                                                           c.draft_sel, c.reader, c.reader_panel],
            api_name="draft_item",
        ).then(None, None, None, js=AFTER_CARD_JS)  # "Open" on a pin: the reader at its passage
        c.suggest_btn.click(guard(h.suggest), [c.lang, c.working, c.section],
                            [c.suggestions, c.suggest_status, c.suggest_shown], api_name="suggested")
        created = c.create_btn.click(guard(h.create), [c.lang, c.new_city, c.new_title, c.section],
                                     [*drafts_out, c.draft_html, c.new_title, c.new_city], api_name="create_draft")
        c.rename_btn.click(guard(h.rename), [c.lang, c.working, c.section, c.rename_title],
                           [c.pin_draft, c.draft_sel, c.rename_title, c.draft_html], api_name="rename_draft")
        c.delete_btn.click(guard(h.delete), [c.lang, c.working, c.delete_ok],
                           [*drafts_out, c.draft_html, c.delete_ok], api_name="delete_draft")
        c.note_btn.click(guard(h.add_note), [c.lang, c.working, c.section, c.note],
                         [c.draft_html, c.note, c.pin_draft, c.draft_sel], api_name="add_note")

        def changing_rows(lang: str, working: Any, request: gr.Request) -> list[Any]:
            """The note, rename/delete and share rows, for a working draft this reader may change only;
            the export buttons for one they may read."""
            shown = act.may_change_draft(user_of(request), working)
            return [gr.Row(visible=shown)] * 3 + [gr.Row(visible=act.may_export(user_of(request), working))]

        c.working.change(guard(changing_rows), [c.lang, c.working],
                         [c.note_row, c.draft_admin, c.share.row, c.export_row], api_name=False)
        for btn, fmt in ((c.docx_btn, "docx"), (c.md_btn, "markdown"), (c.csl_btn, "csl-json")):
            btn.click(guard(h.exporter(fmt)), [c.lang, c.working, c.exports], [c.export_file, c.exports],
                      api_name=f"export_{fmt.replace('-', '_')}")

        # --- the directory and the leadership group (ui.directory) ------------------------------------
        wire_directory(gr, act, c, guard)
        trash_listing = wire_admin(gr, act, c, guard, after_restore=[(guard(h.library), c.lang, library_out),
                                                                    (h.facet_updates, c.lang, filter_list)])
        wire_group(gr, act, c, guard)

        # --- library and adding ----------------------------------------------------------------------
        c.refresh_btn.click(guard(h.library), c.lang, library_out, api_name="library")
        c.manifest_btn.click(guard(h.library_manifest), c.lang, c.manifest_file, api_name="library_manifest")
        # each of the Library's actions first clears the last one's outcome (ui.form_handlers.cleared_first)
        cleared_first(c.reread_btn, c.library_status).then(
            guard(h.reread), c.lang, c.library_status, api_name="reread", **FOLLOW,
        ).then(guard(h.library), c.lang, library_out, api_name=False)
        c.library_tab.select(guard(h.library), c.lang, library_out, api_name=False)
        c.doc_sel.change(guard(h.pick_doc), [c.lang, c.doc_sel], edit_list, api_name=False)
        cleared_first(c.save_btn, c.library_status).then(
            guard(h.save_meta), [c.lang, c.doc_sel, *edit_list], c.library_status, api_name="update_metadata",
            **WRITE,
        ).then(guard(h.library), c.lang, library_out, api_name=False).then(
            h.facet_updates, c.lang, filter_list, api_name=False
        )
        removed = cleared_first(c.remove_btn, c.library_status).then(
            guard(h.remove), [c.lang, c.doc_sel, c.remove_ok], [c.library_status, c.remove_ok],
            api_name="remove_document", **WRITE,
        )
        # the menu and the form let go of the removed document (its bare id stayed in the menu)
        removed.success(lambda: None, None, c.doc_sel, api_name=False)
        removed.then(guard(h.library), c.lang, library_out, api_name=False).then(
            h.facet_updates, c.lang, filter_list, api_name=False
        ).then(*trash_listing, api_name=False)
        c.add_btn.click(
            guard(h.add), [c.lang, c.uploads, c.manifest, *add_list],
            [c.add_status, c.outcomes, c.outcomes_list, c.uploads, c.manifest, *add_list], api_name="add_documents",
            **FOLLOW,
        ).then(guard(h.library), c.lang, library_out, api_name=False).then(
            h.facet_updates, c.lang, filter_list, api_name=False
        )
        wire_atlas(gr, app, c, h, act, guard, (h.do_search, search_inputs, search_out), created)
        wire_jobs(gr, loaded, c, act, guard)
    progress_on_displays(gr, app)
    app.queue(default_concurrency_limit=READS)
    app.kb_actions = act  # type: ignore[attr-defined]  # for tests and the lead's wiring
    return app


def launch_options(
    kb: "KnowledgeBase", users: Mapping[str, User] | None = None, act: Actions | None = None
) -> dict[str, Any]:
    """Keyword arguments for `Blocks.launch`: offline, auth when users exist, and `ui.gate` in front.

    No folder of the KB home is in `allowed_paths`: stored originals and exports are served by
    `ui.gate`, which checks who asks (`act`: the app's Actions, `app.kb_actions`; without it, no gate).
    """
    users = load_users(kb.settings.home) if users is None else users
    opts: dict[str, Any] = {
        "share": False,
        "allowed_paths": [],
        "css_paths": [STATIC / "app.css"],
        "head": (EARLY_OVERVIEW_HEAD if act is not None else "") + a11y_head(),  # the overview's route is ui.gate's
        "i18n": gradio_i18n(),
        "footer_links": ["api", "gradio", "settings"],  # not the run history (Gradio leaves it in English)
        "show_error": True,
        "quiet": True,
        "ssr_mode": False,
    }
    if act is not None:
        from starlette.middleware import Middleware

        from ui.gate import Gate

        opts["app_kwargs"] = {"middleware": [Middleware(Gate, act=act)]}
    if users:
        # Read through `act` when there is one, so accounts changed from the page apply at once.
        opts["auth"] = lambda name, password: authenticate(act.users if act is not None else users, name, password)
        opts["auth_message"] = t(DEFAULT, "auth.message")
    return opts


def serve(
    kb: "KnowledgeBase",
    host: str = "127.0.0.1",
    port: int = 7860,
    users: Mapping[str, User] | None = None,
    *,
    block: bool = True,
    jobs: str = "process",
) -> "gr.Blocks":
    """Build and launch the app on host:port (blocking unless block=False).

    Args:
        kb: an open KnowledgeBase.
        host, port: where to listen; loopback by default.
        users: see `build_app`.
        block: wait until the server stops (False returns once it is up, for tests).
        jobs: where uploads are read and embedded (see `build_app`).

    Returns:
        The launched gr.Blocks (call `.close()` to stop it).
    """
    users = load_users(kb.settings.home) if users is None else users
    app = build_app(kb, users, jobs=jobs)
    app.launch(server_name=host, server_port=port, prevent_thread_lock=not block,
               **launch_options(kb, users, app.kb_actions))  # type: ignore[attr-defined]
    return app
