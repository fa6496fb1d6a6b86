"""The page's components, laid out in tabs (no event wiring here: see `ui/app.py`).

Built inside a `gr.Blocks` context; returns every component the handlers read or update.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb import METADATA_FIELDS, MetadataField
from ui.actions import BATCH_FIELDS, FILTER_FIELDS, META_FIELDS, Actions
from ui.render import LIBRARY_HEADERS, OUTCOME_HEADERS

__all__ = ["Layout", "build_layout", "CLICK_JS"]

# Clicks on card and draft-item buttons become one custom event carrying the button's data.
# The reader's-language switch (moves to ui/i18n with the message catalogue).
READER_FIRST_LABEL = "My language first"
READER_FIRST_INFO = ("Where the same text exists in several languages, show the version in the language "
                     "of the question first; the others are listed as “also in”.")

CLICK_JS = """
element.addEventListener('click', (e) => {
  const b = e.target.closest('button.kb-act');
  if (!b) return;
  e.preventDefault();
  trigger('kb_action', {act: b.dataset.act, chunk: b.dataset.chunk || null, item: b.dataset.item || null});
});
"""


def _meta_form(gr: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """A control for each of these metadata fields (kb.METADATA_FIELDS), keyed by name, one row per
    field group (META_FIELDS: the Library's edit form; BATCH_FIELDS: the Add documents form)."""
    f: dict[str, Any] = {}
    fields = [m for m in METADATA_FIELDS if m.name in names]
    for group in dict.fromkeys(m.group for m in fields):
        with gr.Row():
            for m in fields:
                if m.group == group:
                    f[m.name] = _control(gr, m)
    return f


def _control(gr: Any, field: MetadataField) -> Any:
    """The form control for one field: the allowed values live with validation, the form offers those."""
    if field.kind == "choice":
        return gr.Dropdown(["", *field.choices], value="", label=field.label)
    if field.kind == "choices":
        return gr.Dropdown(list(field.choices), multiselect=True, label=field.label)
    # text, and a year too: a Number box cannot be empty
    return gr.Textbox(label=field.label, placeholder=field.placeholder or None)


@dataclass
class Layout:
    """Handles to the components of the page."""

    add_btn: Any
    add_meta: Any
    add_status: Any
    add_tab: Any
    banner: Any
    create_btn: Any
    csl_btn: Any
    delete_btn: Any
    delete_ok: Any
    doc_sel: Any
    docx_btn: Any
    draft_html: Any
    draft_sel: Any
    edit: Any
    filters: Any
    export_file: Any
    library_status: Any
    library_tab: Any
    manifest_btn: Any
    manifest_file: Any
    manifest: Any
    md_btn: Any
    new_city: Any
    new_title: Any
    note: Any
    note_btn: Any
    outcomes: Any
    purpose: Any
    query: Any
    refresh_btn: Any
    remove_btn: Any
    remove_ok: Any
    rename_btn: Any
    rename_title: Any
    report: Any
    reread_btn: Any
    results: Any
    save_btn: Any
    search_btn: Any
    search_status: Any
    reader_first: Any
    section_sel: Any
    suggest_btn: Any
    suggest_status: Any
    suggestions: Any
    table: Any
    uploads: Any
    year_max: Any
    year_min: Any


def build_layout(gr: Any, act: Actions) -> Layout:
    """Create the banner, the working-draft row and the four tabs.

    Args:
        gr: the gradio module (imported lazily by the caller).
        act: the Actions, for initial choices (drafts, sections, facets) and the local-mode flag.

    Returns:
        The Layout.
    """
    sections = act.section_choices()
    banner = gr.HTML(act.banner(None) if act.local else "", elem_id="kb-banner")
    with gr.Row(elem_id="kb-working-draft"):
        draft_sel = gr.Dropdown(
            label="Working draft",
            choices=act.draft_choices(),
            value=None,
            scale=3,
            elem_id="kb-draft-sel",
            allow_custom_value=True,
        )
        section_sel = gr.Dropdown(
            label="Section", choices=sections, value=sections[0][1], scale=3, elem_id="kb-section-sel"
        )
    with gr.Tabs():
        with gr.Tab("Search", id="search"):
            with gr.Row():
                query = gr.Textbox(
                    label="Search in any language",
                    scale=5,
                    elem_id="kb-query",
                    placeholder="e.g. ¿Quién preside el grupo local? / من يرأس مجموعة القيادة؟",
                )
                search_btn = gr.Button("Search", variant="primary", scale=1, elem_id="kb-search-btn")
            with gr.Accordion("Filters", open=False):
                with gr.Row():
                    facets = act.facets()
                    # Choices are refreshed on load and after changes; custom values keep API calls valid.
                    filters = {
                        key: gr.Dropdown(
                            label=label,
                            choices=facets.get(key, []),
                            multiselect=True,
                            allow_custom_value=True,
                        )
                        for key, label in FILTER_FIELDS
                    }
                with gr.Row():
                    year_min = gr.Textbox(label="Year from", placeholder="e.g. 2015")
                    year_max = gr.Textbox(label="Year to", placeholder="e.g. 2025")
            reader_first = gr.Checkbox(label=READER_FIRST_LABEL, info=READER_FIRST_INFO, value=True,
                                       elem_id="kb-reader-first")
            search_status = gr.HTML(elem_id="kb-search-status")
            results = gr.HTML(elem_id="kb-results", js_on_load=CLICK_JS)
        with gr.Tab("Drafting", id="drafting"):
            with gr.Row():
                new_title = gr.Textbox(label="New draft title", scale=3)
                new_city = gr.Textbox(label="City", scale=2)
                create_btn = gr.Button("Create draft", scale=1, elem_id="kb-create-draft")
            purpose = gr.HTML(act.section_purpose(sections[0][1]), elem_id="kb-purpose")
            suggest_btn = gr.Button("Run this section's suggested searches", elem_id="kb-suggest")
            suggest_status = gr.HTML()
            suggestions = gr.HTML(elem_id="kb-suggestions", js_on_load=CLICK_JS)
            with gr.Row():
                note = gr.Textbox(label="Your own text for this section", lines=2, scale=5)
                note_btn = gr.Button("Add note", scale=1)
            draft_html = gr.HTML(elem_id="kb-draft", js_on_load=CLICK_JS)
            with gr.Row():
                rename_title = gr.Textbox(label="Rename draft to", scale=3)
                rename_btn = gr.Button("Rename", scale=1)
                delete_ok = gr.Checkbox(label="I am sure", scale=1)
                delete_btn = gr.Button("Delete draft", variant="stop", scale=1)
            with gr.Row():
                docx_btn = gr.Button("Export DOCX", elem_id="kb-export-docx")
                md_btn = gr.Button("Export Markdown", elem_id="kb-export-md")
                csl_btn = gr.Button("Export references (CSL-JSON)", elem_id="kb-export-csl")
            export_file = gr.File(
                label="Exported file", elem_id="kb-export-file", interactive=False, visible=False
            )
        with gr.Tab("Library", id="library", visible=act.local) as library_tab:
            with gr.Row():
                refresh_btn = gr.Button("Refresh", elem_id="kb-refresh")
                manifest_btn = gr.Button("Download metadata (CSV)", elem_id="kb-manifest-btn")
            manifest_file = gr.File(
                label="Every document's metadata, as a manifest CSV that kb add --manifest reads back",
                elem_id="kb-manifest-file", interactive=False, visible=False,
            )
            table = gr.Dataframe(
                headers=LIBRARY_HEADERS,
                interactive=False,
                elem_id="kb-library",
                wrap=True,
                # id, title, source, city, country, year, type, themes, language, chunks, pages, status, updated
                column_widths=[
                    "3%",
                    "20%",
                    "13%",
                    "8%",
                    "6%",
                    "5%",
                    "8%",
                    "9%",
                    "6%",
                    "5%",
                    "4%",
                    "5%",
                    "8%",
                ],
            )
            doc_sel = gr.Dropdown(label="Document", choices=[], elem_id="kb-doc-sel", allow_custom_value=True)
            edit = _meta_form(gr, META_FIELDS)
            save_btn = gr.Button("Save metadata", elem_id="kb-save-meta")
            with gr.Row():
                remove_ok = gr.Checkbox(label="I am sure", elem_id="kb-remove-ok")
                remove_btn = gr.Button("Remove document", variant="stop", elem_id="kb-remove")
            library_status = gr.HTML(elem_id="kb-library-status")
            report = gr.HTML(elem_id="kb-last-report")
            # shown only when documents read by an older version are waiting (see Actions.stale_count)
            reread_btn = gr.Button("Read them again", elem_id="kb-reread", visible=False)
        with gr.Tab("Add documents", id="add", visible=act.local) as add_tab:
            uploads = gr.File(
                label="Files (PDF, DOCX, HTML, Markdown, text)",
                file_count="multiple",
                elem_id="kb-upload",
            )
            manifest = gr.File(
                label="Manifest CSV (optional: a `file` column plus metadata columns)",
                file_types=[".csv"],
                elem_id="kb-manifest",
            )
            add_meta = _meta_form(gr, BATCH_FIELDS)
            add_btn = gr.Button("Add documents", variant="primary", elem_id="kb-add-btn")
            add_status = gr.HTML(elem_id="kb-add-status")
            outcomes = gr.Dataframe(
                headers=OUTCOME_HEADERS, interactive=False, elem_id="kb-outcomes", wrap=True
            )

    return Layout(
        add_btn=add_btn,
        add_meta=add_meta,
        add_status=add_status,
        add_tab=add_tab,
        banner=banner,
        create_btn=create_btn,
        csl_btn=csl_btn,
        delete_btn=delete_btn,
        delete_ok=delete_ok,
        doc_sel=doc_sel,
        docx_btn=docx_btn,
        draft_html=draft_html,
        draft_sel=draft_sel,
        edit=edit,
        filters=filters,
        export_file=export_file,
        library_status=library_status,
        library_tab=library_tab,
        manifest_btn=manifest_btn,
        manifest_file=manifest_file,
        manifest=manifest,
        md_btn=md_btn,
        new_city=new_city,
        new_title=new_title,
        note=note,
        note_btn=note_btn,
        outcomes=outcomes,
        purpose=purpose,
        query=query,
        refresh_btn=refresh_btn,
        reread_btn=reread_btn,
        remove_btn=remove_btn,
        remove_ok=remove_ok,
        rename_btn=rename_btn,
        rename_title=rename_title,
        report=report,
        results=results,
        save_btn=save_btn,
        search_btn=search_btn,
        search_status=search_status,
        reader_first=reader_first,
        section_sel=section_sel,
        suggest_btn=suggest_btn,
        suggest_status=suggest_status,
        suggestions=suggestions,
        table=table,
        uploads=uploads,
        year_max=year_max,
        year_min=year_min,
    )
