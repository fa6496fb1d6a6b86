"""The Leadership group tab: a draft's seats (organisation, sector, role) and the panel of expected sectors,
present or missing with excerpts from other cities (`group_tab`, `wire_group`). Handlers call
`ui.group_actions`, which re-checks the role rule server-side; words are catalogue keys (`ui.i18n`).

No `from __future__ import annotations`: Gradio reads the handlers' annotations (gr.Request, gr.EventData).
"""

from collections.abc import Callable
from typing import Any

from ui.directory import user_of, value_choices
from ui.i18n import label as L
from ui.page_js import CLICK_JS

__all__ = ["group_tab", "wire_group"]


def group_tab(gr: Any, c: dict[str, Any], lang: str = "en") -> None:
    """Create the tab inside the page's gr.Tabs; its components go into `c` (keys `group_*`)."""
    with gr.Tab(L("tab.group"), id="group") as tab:
        c["group_tab"] = tab
        c["group_status"] = gr.HTML(elem_id="kb-group-status")
        with gr.Row(elem_id="kb-group-form") as form:  # shown only to those who may change the group
            c["group_form"] = form
            c["group_org"] = gr.Textbox(label=L("group.organisation"), scale=3, elem_id="kb-group-org")
            c["group_sector"] = gr.Dropdown(value_choices("sector", lang), value="", label=L("group.sector"),
                                            elem_id="kb-group-sector")
            c["group_role"] = gr.Dropdown(value_choices("role", lang, False), value="member", label=L("group.role"),
                                          elem_id="kb-group-role")
            c["group_note"] = gr.Textbox(label=L("group.note"), scale=2)
            c["group_add_btn"] = gr.Button(L("group.add"), elem_id="kb-group-add")
        c["group_view"] = gr.HTML(elem_id="kb-group", js_on_load=CLICK_JS)


def wire_group(gr: Any, act: Any, c: Any, guard: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Connect the tab's controls: the panel is drawn when the tab opens and after every change."""
    def group(lang, working, request: gr.Request):
        user = user_of(request)
        return act.group_view(user, working, lang), gr.Row(visible=act.may_change_group(user, working))

    c.group_tab.select(guard(group), [c.lang, c.working], [c.group_view, c.group_form], api_name="group_view")

    def add_seat(lang, working, org, sector, role, note, request: gr.Request):
        status = act.add_seat(user_of(request), working, org, sector, role, note, lang)
        # the form starts over for the next seat, its role too (a second "chair" came from the first)
        return status, act.group_view(user_of(request), working, lang), "", "", "", "member"

    c.group_add_btn.click(guard(add_seat), [c.lang, c.working, c.group_org, c.group_sector, c.group_role, c.group_note],
                          [c.group_status, c.group_view, c.group_org, c.group_sector, c.group_note, c.group_role],
                          api_name="group_add")

    def on_group(lang, working, evt: gr.EventData, request: gr.Request):
        data = evt._data or {}
        user, what = user_of(request), str(data.get("act") or "")
        if what == "unseat" and data.get("item"):
            status = act.unseat(user, int(data["item"]), lang)
            return {c.group_status: status, c.group_view: act.group_view(user, working, lang)}
        if what == "open" and data.get("chunk") not in (None, ""):
            return {c.reader: act.reader(user, int(data["chunk"]), [], lang, draft_id=working),
                    c.reader_panel: gr.Column(visible=True)}
        return {}

    c.group_view.kb_action(guard(on_group), [c.lang, c.working], [c.group_status, c.group_view, c.reader,
                                                                  c.reader_panel], api_name="group_action")
