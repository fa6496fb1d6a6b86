"""The page's components, laid out in tabs (no event wiring here: see `ui/app.py`).

Built inside a `gr.Blocks` context; returns every component the handlers read or update. Every
fixed text is a catalogue key (`L("...")`, see `ui.i18n`), which Gradio shows in the page language;
choices that name data (document types, countries, framework sections) are filled per language by
`ui.handlers.language_updates`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kb import METADATA_FIELDS, MetadataField
from ui.actions import BATCH_FIELDS, FILTER_FIELDS, META_FIELDS, YEAR_FILTERS, Actions, Shown
from ui.admin import build_admin, build_share
from ui.atlas_ui import build_examples_panel, build_overview_panel, build_prefer, build_profile_panel
from ui.directory import directory_state, directory_tabs
from ui.draft_actions import AUTO_SECTION
from ui.group import group_tab
from ui.i18n import LANGUAGES
from ui.i18n import label as L
from ui.jobs_ui import build_jobs_panel
from ui.page_js import CLICK_JS
from ui.render import LIBRARY_HEADERS, OUTCOME_HEADERS
from ui.render_base import TABLE_BUTTONS

__all__ = ["Layout", "build_layout", "CLICK_JS", "CHOICE_FIELDS"]

# Metadata fields whose values are chosen from a list (their labels are `choice.<field>.<value>`).
CHOICE_FIELDS = tuple(f.name for f in METADATA_FIELDS if f.kind in ("choice", "choices"))


def _choices(field: MetadataField) -> list[tuple[str, str]]:
    """Every allowed value of a field (the API checks values against these); labels are set per language."""
    return [("", "")] * (field.kind == "choice") + [(v, v) for v in field.choices]


def _meta_form(gr: Any, names: tuple[str, ...], prefix: str, hints: dict[str, str] | None = None) -> dict[str, Any]:
    """A control for each of these metadata fields (kb.METADATA_FIELDS), keyed by name, one row per
    field group (META_FIELDS: the Library's edit form; BATCH_FIELDS: the Add documents form), each
    with the element id `<prefix>-<field>`; `hints`: a field's hint key where this form needs its own."""
    f: dict[str, Any] = {}
    fields = [m for m in METADATA_FIELDS if m.name in names]
    for group in dict.fromkeys(m.group for m in fields):
        with gr.Row():
            for m in fields:
                if m.group == group:
                    f[m.name] = _control(gr, m, f"{prefix}-{m.name}", (hints or {}).get(m.name))
    return f


def _control(gr: Any, field: MetadataField, elem_id: str, hint: str | None = None) -> Any:
    """The form control for one field: label `field.<name>`, hint `hint` or `help.<name>` (when the
    schema gives the field a placeholder); the allowed values live with validation, the form offers those."""
    label = L(f"field.{field.name}")
    if field.kind == "choice":
        return gr.Dropdown(_choices(field), value="", label=label, elem_id=elem_id)
    if field.kind == "choices":
        return gr.Dropdown(_choices(field), multiselect=True, label=label, elem_id=elem_id)
    # text, and a year too: a Number box cannot be empty
    hint = hint or (f"help.{field.name}" if field.placeholder else None)
    return gr.Textbox(label=label, placeholder=L(hint) if hint else None, elem_id=elem_id)


@dataclass
class Layout:
    """Handles to the components of the page (and the session's state)."""

    c: dict[str, Any] = field(default_factory=dict)
    filters: dict[str, Any] = field(default_factory=dict)
    edit: dict[str, Any] = field(default_factory=dict)
    add_meta: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["c"][name]
        except KeyError as err:
            raise AttributeError(name) from err


def build_layout(gr: Any, act: Actions) -> Layout:
    """Create the header, the banner, the tabs (search, drafting, directory, leadership group, library,
    add documents) and the reader.

    Args:
        gr: the gradio module (imported lazily by the caller).
        act: the Actions, for initial choices and the local-mode flag.

    Returns:
        The Layout.
    """
    lay = Layout()
    c = lay.c
    sections = act.section_choices()
    first_section = sections[0][1]
    # The session: its language, the working draft and section, the cards each panel shows, the
    # last removed draft item (for "undo").
    c["lang"] = gr.State("en")
    c["working"] = gr.State(None)
    c["section"] = gr.State(first_section)
    c["shown"] = gr.State(Shown())
    c["suggest_shown"] = gr.State(Shown())
    c["removed"] = gr.State(None)
    directory_state(gr, c)
    with gr.Row(elem_id="kb-header", equal_height=True):
        c["intro"] = gr.HTML(elem_id="kb-intro", scale=5)
        c["lang_pick"] = gr.Dropdown(
            [(name, code) for code, name in LANGUAGES.items()], value="en", label=L("lang.label"),
            elem_id="kb-lang", scale=1, min_width=160,
        )
    c["banner"] = gr.HTML(act.banner(None) if act.local else "", elem_id="kb-banner")
    build_profile_panel(gr, c)  # "Your city", for comparable cities (ui.atlas_ui)
    with gr.Tabs() as tabs:
        c["tabs"] = tabs
        with gr.Tab(L("tab.search"), id="search") as search_tab:
            c["search_tab"] = search_tab
            with gr.Row():
                c["query"] = gr.Textbox(label=L("search.label"), scale=5, elem_id="kb-query",
                                        placeholder=L("search.placeholder"))
                c["search_btn"] = gr.Button(L("search.button"), variant="primary", scale=1, elem_id="kb-search-btn")
            build_prefer(gr, c)
            with gr.Accordion(L("search.filters"), open=False, elem_id="kb-filters"):
                with gr.Row():
                    # Choices are filled on load; custom values keep API calls valid.
                    lay.filters = {
                        key: gr.Dropdown(label=L(f"field.{key}"), choices=[], multiselect=True,
                                         allow_custom_value=True, elem_id=f"kb-filter-{key}")
                        for key in FILTER_FIELDS
                    }
                with gr.Row():  # a year's range: "from" and "to" boxes (a Number box cannot be empty)
                    for key in YEAR_FILTERS:
                        c[key] = gr.Textbox(label=L(f"filter.{key}"), placeholder=L("help.year"),
                                            elem_id=f"kb-{key.replace('_', '-')}")
            # the "drafter_rows" are shown only to those who may change some draft (ui.handlers)
            with gr.Row(elem_id="kb-pin-target", equal_height=True) as pin_target:
                c["pin_draft"] = gr.Dropdown(label=L("pin.draft"), choices=[], value=None, scale=3,
                                             elem_id="kb-pin-draft", info=L("pin.help"))
                c["pin_section"] = gr.Dropdown(label=L("pin.section"), choices=act.section_choices(auto=True),
                                               value=AUTO_SECTION, scale=3, elem_id="kb-pin-section")
            c["search_status"] = gr.HTML(elem_id="kb-search-status")
            drafter_rows = [pin_target]
            c["results"] = gr.HTML(elem_id="kb-results", js_on_load=CLICK_JS)
            build_overview_panel(gr, c)  # the collection at a glance: the page never opens empty
        with gr.Tab(L("tab.drafting"), id="drafting") as drafting_tab:
            c["drafting_tab"] = drafting_tab
            with gr.Row(elem_id="kb-working-draft"):
                c["draft_sel"] = gr.Dropdown(label=L("draft.working"), choices=[], value=None, scale=3,
                                             elem_id="kb-draft-sel", allow_custom_value=True)
                c["section_sel"] = gr.Dropdown(label=L("pin.section"), choices=sections, value=first_section,
                                               scale=3, elem_id="kb-section-sel")
            with gr.Row(elem_id="kb-new-draft") as new_draft:
                drafter_rows.append(new_draft)
                c["new_title"] = gr.Textbox(label=L("draft.new_title"), scale=3, placeholder=L("help.new_title"))
                c["new_city"] = gr.Textbox(label=L("field.city"), scale=2, elem_id="kb-new-city")
                c["create_btn"] = gr.Button(L("draft.create"), scale=1, elem_id="kb-create-draft")
            c["purpose"] = gr.HTML(act.section_purpose(first_section), elem_id="kb-purpose")
            c["suggest_btn"] = gr.Button(L("draft.run_suggested"), elem_id="kb-suggest")
            c["suggest_status"] = gr.HTML(elem_id="kb-suggest-status")
            c["suggestions"] = gr.HTML(elem_id="kb-suggestions", js_on_load=CLICK_JS)
            build_examples_panel(gr, c)  # examples from comparable cities, for this section
            # the note, rename/delete and share rows: shown once there is a working draft this reader may
            # change (ui.app's changing_rows), as the export row is; with none, each button only refused
            with gr.Row(elem_id="kb-note-row", visible=False) as note_row:
                c["note_row"] = note_row
                c["note"] = gr.Textbox(label=L("draft.note"), lines=2, scale=5)
                c["note_btn"] = gr.Button(L("draft.add_note"), scale=1)
            c["draft_html"] = gr.HTML(elem_id="kb-draft", js_on_load=CLICK_JS)
            with gr.Row(elem_id="kb-draft-admin", visible=False) as draft_admin:
                c["draft_admin"] = draft_admin
                c["rename_title"] = gr.Textbox(label=L("draft.rename_to"), scale=3)
                c["rename_btn"] = gr.Button(L("draft.rename"), scale=1)
                c["delete_ok"] = gr.Checkbox(label=L("common.sure"), scale=1, elem_id="kb-delete-ok")
                c["delete_btn"] = gr.Button(L("draft.delete"), variant="stop", scale=1)
            # shown once there is a working draft to export (ui.app: with none, each button only refused)
            with gr.Row(visible=False, elem_id="kb-export-row") as export_row:
                c["export_row"] = export_row
                c["docx_btn"] = gr.Button(L("export.docx"), elem_id="kb-export-docx")
                c["md_btn"] = gr.Button(L("export.markdown"), elem_id="kb-export-md")
                c["csl_btn"] = gr.Button(L("export.csl"), elem_id="kb-export-csl")
            # a link to the export's private address (ui.gate): for the person who asked, for 15 minutes
            c["export_file"] = gr.HTML("", elem_id="kb-export-file", visible=False)
            c["exports"] = gr.State([])  # the session's export links, newest first (ui.handlers.exporter)
            c["share"] = build_share(gr)  # read-only with another workspace or the network
            c["drafter_rows"] = drafter_rows  # pinning and a new draft: for whoever may start or change one
        directory_tabs(gr, c)
        group_tab(gr, c)
        with gr.Tab(L("tab.library"), id="library", visible=act.local) as library_tab:
            c["library_tab"] = library_tab
            with gr.Row():
                c["refresh_btn"] = gr.Button(L("library.refresh"), elem_id="kb-refresh")
                c["manifest_btn"] = gr.Button(L("library.manifest"), elem_id="kb-manifest-btn")
            c["manifest_file"] = gr.HTML("", elem_id="kb-manifest-file", visible=False)  # a private link
            c["table"] = gr.Dataframe(
                headers=LIBRARY_HEADERS, interactive=False, elem_id="kb-library", wrap=True, buttons=TABLE_BUTTONS,
                # id, title, source, city, country, year, type, themes, language, passages, pages, OCR, status,
                # updated: at 1280 px each short column holds its longest word ("ready", "English", "Argentina",
                # "passages"), which a narrower one broke mid-word ("rea dy"); the title and file give way
                column_widths=["3%", "12.5%", "10%", "7%", "8%", "4.5%", "7%", "9%", "7.5%", "7%", "5.5%", "5.5%", "6%", "7.5%"],
            )
            c["library_list"] = gr.HTML(elem_id="kb-library-list")  # the table on a phone (app.css)
            # a document's edit and Remove controls, hidden while there is no document (QA pass 13)
            with gr.Column(elem_id="kb-library-edit") as library_edit:
                c["library_edit"] = library_edit
                c["doc_sel"] = gr.Dropdown(label=L("library.document"), choices=[], elem_id="kb-doc-sel",
                                           allow_custom_value=True)
                lay.edit = _meta_form(gr, META_FIELDS, "kb-edit")
                c["save_btn"] = gr.Button(L("library.save"), elem_id="kb-save-meta")
                with gr.Row():
                    c["remove_ok"] = gr.Checkbox(label=L("common.sure"), elem_id="kb-remove-ok")
                    c["remove_btn"] = gr.Button(L("library.remove"), variant="stop", elem_id="kb-remove")
            c["library_status"] = gr.HTML(elem_id="kb-library-status")
            c["report"] = gr.HTML(elem_id="kb-last-report")
            # shown only when documents read by an older version, or scans OCR can now read, are waiting
            # (Actions.stale_count, Actions.ocr_pending_count)
            c["reread_btn"] = gr.Button(L("library.reread"), elem_id="kb-reread", visible=False)
            c["admin"] = build_admin(gr)  # the trash, the audit trail, the workspaces, the accounts
        with gr.Tab(L("tab.add"), id="add", visible=act.local) as add_tab:
            c["add_tab"] = add_tab
            c["uploads"] = gr.File(label=L("add.files"), file_count="multiple", elem_id="kb-upload")
            c["manifest"] = gr.File(label=L("add.manifest"), file_types=[".csv"], elem_id="kb-manifest")
            with gr.Group(elem_id="kb-add-form"):
                c["add_form_note"] = gr.Markdown(L("add.form_note"), elem_id="kb-add-form-note")
                lay.add_meta = _meta_form(gr, BATCH_FIELDS, "kb-add", hints={"title": "help.title_one_file"})
            c["add_btn"] = gr.Button(L("add.button"), variant="primary", elem_id="kb-add-btn")
            c["add_status"] = gr.HTML(elem_id="kb-add-status")
            c["outcomes"] = gr.Dataframe(
                headers=OUTCOME_HEADERS, interactive=False, elem_id="kb-outcomes", wrap=True, buttons=TABLE_BUTTONS,
                # file, outcome, reason, chunks, pages, language, title: the reason is read whole, and
                # "passages" / "passagens" fit on one line
                column_widths=["16%", "8%", "42%", "9%", "6%", "7%", "12%"],
            )
            # the outcomes as a list on a phone, in the table's place (ui.render.outcome_list, app.css)
            c["outcomes_list"] = gr.HTML(elem_id="kb-outcomes-list")
            build_jobs_panel(gr, c)  # the latest uploads and `kb add` runs, as jobs (ui.jobs_ui)
    # An original asked for from a card or the reader, under its own name (the page clicks it for you).
    c["original_file"] = gr.File(label=L("card.download"), elem_id="kb-original-file", interactive=False,
                                 visible=False)
    # The reader: a document's text inside the page, over it, opened from any card.
    with gr.Column(visible=False, elem_id="kb-reader-panel") as reader_panel:
        c["reader_panel"] = reader_panel
        c["reader_close"] = gr.Button(L("reader.close"), elem_id="kb-reader-close", size="sm")
        c["reader"] = gr.HTML(elem_id="kb-reader", js_on_load=CLICK_JS)
    return lay
