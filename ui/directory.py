"""The Directory tab: its components (`directory_tabs`) and what each control does (`wire_directory`),
and "Add to directory" on a search card (`open_form`); the Leadership group tab is `ui.group`. Handlers read the signed-in user and call `ui.directory_actions` (which re-checks
the role rule server-side); no user-facing words here, only catalogue keys (`ui.i18n`).

No `from __future__ import annotations`: Gradio reads the handlers' annotations (gr.Request, gr.EventData).
"""

from collections.abc import Callable
from typing import Any

from kb.directory import FILTER_FIELDS, KINDS, PREVENTION_LEVELS, ROSTER_ROLES, SECTORS
from ui.directory_actions import FORM_FIELDS
from ui.form_handlers import cleared_first
from ui.i18n import label as L
from ui.i18n import t
from ui.page_js import CLICK_JS
from ui.render import download_link
from ui.render_base import say

__all__ = ["directory_state", "directory_tabs", "value_choices", "wire_directory", "directory_language_updates",
           "directory_language_outputs", "open_form", "card_outputs", "CHOICES"]

CHOICES = {"kind": KINDS, "sector": SECTORS, "prevention_level": PREVENTION_LEVELS, "role": ROSTER_ROLES}


def value_choices(field: str, lang: str, blank: bool = True) -> list[tuple[str, str]]:
    return [("", "")] * blank + [(t(lang, f"choice.{field}.{v}"), v) for v in CHOICES[field]]


def directory_state(gr: Any, c: dict[str, Any]) -> None:
    """The session's directory state (created outside gr.Tabs: a non-tab child there confuses its tab strip)."""
    c["dir_editing"] = gr.State(None)  # "id:fingerprint" of the entry the form edits (None: a new one)
    c["dir_sources"] = gr.State([])  # the sources the form will keep
    c["dir_candidates"] = gr.State([])
    c["dir_removed"] = gr.State(None)


def directory_tabs(gr: Any, c: dict[str, Any], lang: str = "en") -> None:
    """Create the Directory tab inside the page's gr.Tabs; its components go into `c` (keys `dir_*`)."""
    with gr.Tab(L("tab.directory"), id="directory") as tab:
        c["directory_tab"] = tab
        # choices are written per language on load; a custom value keeps API calls valid (the server checks it)
        c["dir_scope"] = gr.Dropdown(label=L("directory.scope"), choices=[], value="network", allow_custom_value=True,
                                     elem_id="kb-dir-scope")
        with gr.Row():
            c["dir_query"] = gr.Textbox(label=L("directory.search_label"), scale=5, elem_id="kb-dir-query")
            c["dir_search_btn"] = gr.Button(L("directory.search_button"), scale=1, elem_id="kb-dir-search")
        with gr.Accordion(L("directory.filters"), open=False), gr.Row():
            c["dir_filters"] = {
                key: gr.Dropdown(label=L("field.themes" if key == "themes" else f"entry.{key}"), choices=[],
                                 multiselect=True, allow_custom_value=True, elem_id=f"kb-dir-filter-{key}")
                for key in FILTER_FIELDS
            }
        c["dir_status"] = gr.HTML(elem_id="kb-dir-status")
        c["dir_list"] = gr.HTML(elem_id="kb-dir-list", js_on_load=CLICK_JS)
        with gr.Accordion(L("directory.form"), open=False, elem_id="kb-dir-form") as form_box:
            c["dir_form_box"] = form_box
            c["dir_form_note"] = gr.HTML(elem_id="kb-dir-form-note")
            f: dict[str, Any] = {}
            with gr.Row():
                f["name"] = gr.Textbox(label=L("entry.name"), scale=3, elem_id="kb-dir-name")
                f["kind"] = gr.Dropdown(value_choices("kind", lang), value="", label=L("entry.kind"), elem_id="kb-dir-kind")
                f["sector"] = gr.Dropdown(value_choices("sector", lang), value="", label=L("entry.sector"),
                                          elem_id="kb-dir-sector")
                f["city"] = gr.Textbox(label=L("entry.city"), elem_id="kb-dir-city")
            with gr.Row():
                f["organisation"] = gr.Textbox(label=L("entry.organisation"))
                f["target_group"] = gr.Textbox(label=L("entry.target_group"))
                f["prevention_level"] = gr.Dropdown(value_choices("prevention_level", lang, False), multiselect=True,
                                                    label=L("entry.prevention_level"))
            with gr.Row():
                f["themes"] = gr.Textbox(label=L("field.themes"), placeholder=L("help.themes"))
                f["languages"] = gr.Textbox(label=L("entry.languages"), placeholder=L("help.themes"))
            f["description"] = gr.Textbox(label=L("entry.description"), lines=2)
            f["access"] = gr.Textbox(label=L("entry.access"))
            with gr.Group():
                gr.Markdown(L("directory.contact_note"))
                with gr.Row():
                    f["address"] = gr.Textbox(label=L("entry.address"), elem_id="kb-dir-address")
                    f["phone"] = gr.Textbox(label=L("entry.phone"), elem_id="kb-dir-phone")
                    f["email"] = gr.Textbox(label=L("entry.email"), elem_id="kb-dir-email")
                    f["website"] = gr.Textbox(label=L("entry.website"), elem_id="kb-dir-website")
                    f["contact_point"] = gr.Textbox(label=L("entry.contact_point"))
                f["public"] = gr.Checkbox(label=L("entry.public"), elem_id="kb-dir-public")
            c["dir_form"] = f
            c["dir_form_source"] = gr.HTML(elem_id="kb-dir-form-source")
            with gr.Row():
                c["dir_save_btn"] = gr.Button(L("directory.save"), variant="primary", elem_id="kb-dir-save")
                c["dir_merge_btn"] = gr.Button(L("directory.merge"), visible=False, elem_id="kb-dir-merge")
                c["dir_new_btn"] = gr.Button(L("directory.form_new"), elem_id="kb-dir-new")
            c["dir_form_status"] = gr.HTML(elem_id="kb-dir-form-status")
        with gr.Accordion(L("directory.candidates"), open=False, elem_id="kb-dir-candidates-box") as cand_box:
            c["dir_cand_box"] = cand_box
            with gr.Row():
                c["dir_doc"] = gr.Dropdown(label=L("directory.document"), choices=[], scale=4, allow_custom_value=True,
                                           elem_id="kb-dir-doc")
                c["dir_find_btn"] = gr.Button(L("directory.find"), scale=1, elem_id="kb-dir-find")
            c["dir_cand_status"] = gr.HTML(elem_id="kb-dir-cand-status")
            c["dir_pick"] = gr.CheckboxGroup(label=L("directory.pick"), choices=[], elem_id="kb-dir-pick")
            c["dir_accept_btn"] = gr.Button(L("directory.accept"), elem_id="kb-dir-accept")
        with gr.Accordion(L("directory.io"), open=False, elem_id="kb-dir-io"):
            with gr.Row() as import_row:
                c["dir_import_row"] = import_row
                c["dir_csv"] = gr.File(label=L("directory.csv_file"), file_types=[".csv"], elem_id="kb-dir-csv")
                with gr.Column():
                    c["dir_merge_rows"] = gr.Checkbox(label=L("directory.merge_rows"), elem_id="kb-dir-merge-rows")
                    c["dir_import_btn"] = gr.Button(L("directory.import"), elem_id="kb-dir-import")
            c["dir_import_report"] = gr.HTML(elem_id="kb-dir-import-report")
            with gr.Row():
                c["dir_csv_btn"] = gr.Button(L("directory.export_csv"), elem_id="kb-dir-export-csv")
                c["dir_docx_btn"] = gr.Button(L("directory.export_docx"), elem_id="kb-dir-export-docx")
            # a link to the export's private address (ui.gate): for the person who asked, for 15 minutes
            c["dir_export_file"] = gr.HTML("", elem_id="kb-dir-export-file", visible=False)


def directory_language_outputs(c: Any) -> list[Any]:
    """The components `directory_language_updates` writes (added to the page's language outputs)."""
    f = c.dir_form
    return [f["kind"], f["sector"], f["prevention_level"], c.group_sector, c.group_role, c.dir_scope,
            c.directory_tab, c.group_tab]


def directory_language_updates(gr: Any, c: Any, act: Any, lang: str, user: str | None = None) -> dict:
    """The choices the server writes in the page language (kinds, sectors, roles, scopes)."""
    f = c.dir_form
    return {
        f["kind"]: gr.Dropdown(choices=value_choices("kind", lang)),
        f["sector"]: gr.Dropdown(choices=value_choices("sector", lang)),
        f["prevention_level"]: gr.Dropdown(choices=value_choices("prevention_level", lang, False)),
        c.group_sector: gr.Dropdown(choices=value_choices("sector", lang)),
        c.group_role: gr.Dropdown(choices=value_choices("role", lang, False)),
        c.dir_scope: gr.Dropdown(choices=act.scope_choices(lang, user)),
    }


def user_of(request: Any) -> str | None:
    """The signed-in user's name (None in local single-user mode); as `ui.handlers.user_of`, kept here
    so that this module does not import the handlers, which import it."""
    return getattr(request, "username", None) if request is not None else None


def _filters_of(values: tuple) -> dict:
    return dict(zip(FILTER_FIELDS, values, strict=True))


def form_outputs(c: Any) -> list[Any]:
    """The components the entry form is filled through (fields, kept sources, edited id, source view, box, merge)."""
    return [*(c.dir_form[k] for k in FORM_FIELDS), c.dir_sources, c.dir_editing, c.dir_form_source, c.dir_form_box,
            c.dir_merge_btn]


def form_updates(gr: Any, values: dict | None, sources: list, note: str, editing: Any, lang: str) -> list:
    """Values for `form_outputs`: the form filled (or emptied), opened, the merge offer hidden."""
    from kb.directory import Source
    from ui.directory_render import form_source

    values = values or {}
    empty = {k: ([] if k == "prevention_level" else (False if k == "public" else "")) for k in FORM_FIELDS}
    shown = form_source([Source.from_dict(s) for s in sources], lang, note)
    return [*(values.get(k, empty[k]) for k in FORM_FIELDS), sources, editing, shown,
            gr.Accordion(open=True, visible=True), gr.Button(visible=False)]


def editor_outputs(c: Any) -> list[Any]:
    """The parts of the tab that change a directory: the entry form, the candidates, the CSV import."""
    return [c.dir_form_box, c.dir_cand_box, c.dir_import_row]


def editor_updates(gr: Any, editable: bool) -> list[Any]:
    """Values for `editor_outputs`: shown only to a reader who may change the chosen directory."""
    return [gr.Accordion(visible=editable), gr.Accordion(visible=editable), gr.Row(visible=editable)]


def default_scope(act: Any, working: Any, user: Any) -> str:
    """Where a new entry goes: the working draft's directory when the user may edit it, else the network's."""
    from kb.directory import may_edit

    return str(working) if working not in (None, "") and may_edit(act.role(user), int(working)) else "network"


def card_outputs(c: Any) -> list[Any]:
    """What "Add to directory" on a card updates: the form, the tab, the chosen directory."""
    return [*form_outputs(c), c.tabs, c.dir_scope, c.dir_form_status]


def open_form(gr: Any, act: Any, c: Any, lang: str, chunk: int, quote: Any, highlights: Any, working: Any,
              user: Any) -> dict:
    """"Add to directory" on a card: the Directory tab opens with the form prefilled from the excerpt."""
    values, sources, note = act.prefill(user, chunk, quote, highlights, lang)
    ups = dict(zip(form_outputs(c), form_updates(gr, values, sources, note, None, lang), strict=True))
    ups.update({c.tabs: gr.Tabs(selected="directory"),
                c.dir_scope: gr.Dropdown(choices=act.scope_choices(lang, user), value=default_scope(act, working, user)),
                c.dir_form_status: ""})
    return ups


def wire_directory(gr: Any, act: Any, c: Any, guard: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Connect the two tabs' controls (the cards' "Add to directory" goes through `open_form`)."""
    f = c.dir_form
    form_list = [f[k] for k in FORM_FIELDS]
    filter_list = list(c.dir_filters.values())
    list_out = [c.dir_list, c.dir_status]
    form_out = form_outputs(c)

    def open_tab(lang, scope, working, request: gr.Request):
        user = user_of(request)
        choices = act.scope_choices(lang, user)
        valid = {v for _, v in choices}
        scope = scope if scope in valid else default_scope(act, working, user)
        html, status = act.directory_view(user, scope, "", {}, lang)
        facets = act.directory_facets()
        return (gr.Dropdown(choices=choices, value=scope), html, status, gr.Dropdown(choices=act.document_choices()),
                *(gr.Dropdown(choices=facets.get(k, [])) for k in FILTER_FIELDS),
                *editor_updates(gr, act.may_edit_scope(user, scope)))

    c.directory_tab.select(guard(open_tab), [c.lang, c.dir_scope, c.working],
                           [c.dir_scope, *list_out, c.dir_doc, *filter_list, *editor_outputs(c)], api_name=False)

    # Explicit parameters (not *args): Gradio injects gr.Request only into positional parameters.
    def search(lang, scope, query, sector, kind, city, prevention_level, themes, request: gr.Request):
        flt = _filters_of((sector, kind, city, prevention_level, themes))
        return act.directory_view(user_of(request), scope, query, flt, lang)

    search_in = [c.lang, c.dir_scope, c.dir_query, *filter_list]
    c.dir_search_btn.click(guard(search), search_in, list_out, api_name="directory_search")
    c.dir_query.submit(guard(search), search_in, list_out, api_name=False)

    def pick_scope(lang, scope, working, query, sector, kind, city, prevention_level, themes, request: gr.Request):
        """A directory picked from the menu is listed; text typed into it that names none (the menu takes
        typed values, for API callers' draft ids) puts the menu back on the working one, with a word."""
        user = user_of(request)
        choices = act.scope_choices(lang, user)
        flt = _filters_of((sector, kind, city, prevention_level, themes))
        if scope in {v for _, v in choices}:
            return (gr.skip(), *act.directory_view(user, scope, query, flt, lang),
                    *editor_updates(gr, act.may_edit_scope(user, scope)))
        back = default_scope(act, working, user)
        html, _ = act.directory_view(user, back, query, flt, lang)
        return (gr.Dropdown(choices=choices, value=back), html, say(lang, "directory.pick_scope", typed=scope),
                *editor_updates(gr, act.may_edit_scope(user, back)))

    c.dir_scope.input(guard(pick_scope), [c.lang, c.dir_scope, c.working, c.dir_query, *filter_list],
                      [c.dir_scope, *list_out, *editor_outputs(c)], api_name=False)

    def save(merge: bool):
        def run(lang, scope, editing, sources, name, kind, sector, city, organisation, target_group,
                prevention_level, themes, languages, description, access, address, phone, email, website,
                contact_point, public, request: gr.Request):
            values = (name, kind, sector, city, organisation, target_group, prevention_level, themes, languages,
                      description, access, address, phone, email, website, contact_point, public)
            form = dict(zip(FORM_FIELDS, values, strict=True))
            status, saved = act.save_entry(user_of(request), scope, editing, form, sources, merge=merge, lang=lang)
            if saved is None:  # the same programme is there: the form keeps everything, merging is offered
                return [status, gr.skip(), gr.skip(), *([gr.skip()] * len(form_out[:-1])), gr.Button(visible=True)]
            html, count = act.directory_view(user_of(request), scope, "", {}, lang)
            return [status, html, count, *form_updates(gr, None, [], "", None, lang)]

        return run

    save_in = [c.lang, c.dir_scope, c.dir_editing, c.dir_sources, *form_list]
    save_out = [c.dir_form_status, *list_out, *form_out]
    # the last save's "Saved …" is cleared first: a refusal's toast never stands beside it (QA pass 14)
    cleared_first(c.dir_save_btn, c.dir_form_status).then(guard(save(False)), save_in, save_out,
                                                          api_name="directory_save")
    cleared_first(c.dir_merge_btn, c.dir_form_status).then(guard(save(True)), save_in, save_out,
                                                           api_name="directory_merge")

    def new_entry(lang):
        return ["", *form_updates(gr, None, [], "", None, lang)]

    c.dir_new_btn.click(new_entry, c.lang, [c.dir_form_status, *form_out], api_name=False)

    def on_list(lang, scope, query, removed, working, sector, kind, city, prevention_level, themes,
                evt: gr.EventData, request: gr.Request):
        filters = (sector, kind, city, prevention_level, themes)
        data = evt._data or {}
        user, what = user_of(request), str(data.get("act") or "")
        item = data.get("item")
        notice = ""
        ups: dict = {}
        if what == "edit" and item:
            values, sources, name, editing = act.entry_form(user, int(item))
            note = t(lang, "directory.form_editing", name=name)
            ups.update(dict(zip(form_out, form_updates(gr, values, sources, note, editing, lang), strict=True)))
        elif what == "remove" and item:
            removed = act.remove_entry(user, int(item))
            notice = say(lang, "directory.removed", name=removed.name, kind="ok") + (
                f'<button class="kb-act" data-act="restore">{t(lang, "directory.undo")}</button>')
        elif what == "restore":
            act.restore_entry(user, removed)
            removed = None
        elif what == "seat" and item:
            notice = act.seat_entry(user, working, int(item), lang)
        elif what == "open-source" and data.get("chunk") not in (None, ""):
            ups[c.reader] = act.reader(user, int(data["chunk"]), [], lang, draft_id=working)
            ups[c.reader_panel] = gr.Column(visible=True)
            return ups
        else:
            return ups
        html, status = act.directory_view(user, scope, query, _filters_of(filters), lang, notice=notice)
        ups.update({c.dir_list: html, c.dir_status: status, c.dir_removed: removed})
        return ups

    c.dir_list.kb_action(guard(on_list), [c.lang, c.dir_scope, c.dir_query, c.dir_removed, c.working, *filter_list],
                         [*list_out, c.dir_removed, *form_out, c.reader, c.reader_panel], api_name="directory_entry")

    def find(lang, scope, doc_id, request: gr.Request):
        choices, status, cands = act.find_candidates(user_of(request), scope, doc_id, lang)
        return gr.CheckboxGroup(choices=choices, value=[]), status, cands

    c.dir_find_btn.click(guard(find), [c.lang, c.dir_scope, c.dir_doc], [c.dir_pick, c.dir_cand_status, c.dir_candidates],
                         api_name="directory_candidates")

    def accept(lang, scope, cands, picked, request: gr.Request):
        status = act.accept_candidates(user_of(request), scope, cands, picked, lang)
        html, count = act.directory_view(user_of(request), scope, "", {}, lang)
        return status, html, count, gr.CheckboxGroup(value=[])

    c.dir_accept_btn.click(guard(accept), [c.lang, c.dir_scope, c.dir_candidates, c.dir_pick],
                           [c.dir_cand_status, *list_out, c.dir_pick], api_name="directory_accept")

    def do_import(lang, scope, upload, merge, request: gr.Request):
        report = act.import_csv(user_of(request), scope, getattr(upload, "name", upload), merge, lang)
        html, count = act.directory_view(user_of(request), scope, "", {}, lang)
        return report, html, count

    c.dir_import_btn.click(guard(do_import), [c.lang, c.dir_scope, c.dir_csv, c.dir_merge_rows],
                           [c.dir_import_report, *list_out], api_name="directory_import")

    def exporter(fmt: str):
        def run(lang, scope, request: gr.Request):
            ticket = act.export_directory(user_of(request), scope, fmt, lang)
            return gr.HTML(download_link(act.export_url(ticket), ticket.name, lang), visible=True)

        return run

    c.dir_csv_btn.click(guard(exporter("csv")), [c.lang, c.dir_scope], c.dir_export_file,
                        api_name="directory_export_csv")
    c.dir_docx_btn.click(guard(exporter("docx")), [c.lang, c.dir_scope], c.dir_export_file,
                         api_name="directory_export_docx")
