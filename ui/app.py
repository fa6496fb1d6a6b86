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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.access import User, authenticate, load_users
from ui.actions import BATCH_FIELDS, META_FIELDS, Actions, UiError
from ui.handlers import make_handlers
from ui.layout import build_layout

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
        users: configured users; None reads them from the KB home / environment (`kb.access.load_users`),
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
        add_list = [c.add_meta[k] for k in BATCH_FIELDS]
        library_out = [c.table, c.doc_sel, c.report, c.reread_btn]

        h = make_handlers(gr, act)

        # --- wiring ------------------------------------------------------------------------------
        app.load(
            guard(h.on_load),
            None,
            [c.banner, c.library_tab, c.add_tab, c.draft_sel, *filter_list],
            api_name=False,
        )
        search_inputs = [c.query, *filter_list, c.year_min, c.year_max, c.reader_first]
        c.search_btn.click(guard(h.do_search), search_inputs, [c.results, c.search_status], api_name="search")
        c.query.submit(guard(h.do_search), search_inputs, [c.results, c.search_status], api_name=False)
        c.results.kb_action(
            guard(h.on_card),
            [c.draft_sel, c.section_sel],
            [c.results, c.search_status, c.draft_html],
            api_name="card_action",
        ).then(h.refresh_drafts, c.draft_sel, c.draft_sel, api_name=False)
        c.suggestions.kb_action(
            guard(h.on_card),
            [c.draft_sel, c.section_sel],
            [c.suggestions, c.suggest_status, c.draft_html],
            api_name=False,
        ).then(h.refresh_drafts, c.draft_sel, c.draft_sel, api_name=False)
        c.draft_html.kb_action(
            guard(h.on_item), [c.draft_sel, c.section_sel], c.draft_html, api_name="draft_item"
        )
        c.draft_sel.change(
            guard(h.show_draft), [c.draft_sel, c.section_sel], [c.draft_html, c.purpose], api_name=False
        )
        c.section_sel.change(
            guard(h.show_draft), [c.draft_sel, c.section_sel], [c.draft_html, c.purpose], api_name=False
        )
        c.suggest_btn.click(
            guard(h.suggest), c.section_sel, [c.suggestions, c.suggest_status], api_name="suggested"
        )
        c.create_btn.click(
            guard(h.create),
            [c.new_city, c.new_title, c.section_sel],
            [c.draft_sel, c.draft_html, c.new_title, c.new_city],
            api_name="create_draft",
        )
        c.rename_btn.click(
            guard(h.rename),
            [c.draft_sel, c.rename_title],
            [c.draft_sel, c.rename_title],
            api_name="rename_draft",
        )
        c.delete_btn.click(
            guard(h.delete), [c.draft_sel, c.delete_ok], [c.draft_sel, c.delete_ok], api_name="delete_draft"
        )
        c.note_btn.click(
            guard(h.add_note), [c.draft_sel, c.section_sel, c.note], [c.draft_html, c.note], api_name="add_note"
        ).then(h.refresh_drafts, c.draft_sel, c.draft_sel, api_name=False)
        for btn, fmt in ((c.docx_btn, "docx"), (c.md_btn, "markdown"), (c.csl_btn, "csl-json")):
            btn.click(
                guard(h.exporter(fmt)), c.draft_sel, c.export_file, api_name=f"export_{fmt.replace('-', '_')}"
            )
        c.refresh_btn.click(guard(h.library), None, library_out, api_name="library")
        c.manifest_btn.click(guard(h.library_manifest), None, c.manifest_file, api_name="library_manifest")
        c.reread_btn.click(guard(h.reread), None, c.library_status, api_name="reread").then(
            guard(h.library), None, library_out, api_name=False
        )
        c.library_tab.select(guard(h.library), None, library_out, api_name=False)
        c.doc_sel.change(guard(h.pick_doc), c.doc_sel, edit_list, api_name=False)
        c.save_btn.click(
            guard(h.save_meta), [c.doc_sel, *edit_list], c.library_status, api_name="update_metadata"
        ).then(guard(h.library), None, library_out, api_name=False).then(
            h.facet_updates, None, filter_list, api_name=False
        )
        c.remove_btn.click(
            guard(h.remove),
            [c.doc_sel, c.remove_ok],
            [c.library_status, c.remove_ok],
            api_name="remove_document",
        ).then(guard(h.library), None, library_out, api_name=False).then(
            h.facet_updates, None, filter_list, api_name=False
        )
        c.add_btn.click(
            guard(h.add),
            [c.uploads, c.manifest, *add_list],
            [c.add_status, c.outcomes],
            api_name="add_documents",
        ).then(guard(h.library), None, library_out, api_name=False).then(
            h.facet_updates, None, filter_list, api_name=False
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
