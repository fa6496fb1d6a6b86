"""The atlas in the web app: the "Your city" panel, the overview under the search box, "prefer comparable
cities", the heat-map cell's passages, and a draft section's examples from comparable cities.

`ui.layout` calls the `build_*` functions where each part goes; `ui.app` calls `wire_atlas` once. No
`from __future__ import annotations` (Gradio reads the handlers' annotations, as in `ui.handlers`).
Every word is a catalogue key (`ui.i18n`, `atlas.*`).
"""

from typing import Any

from ui.actions import Actions, Shown
from ui.draft_actions import AUTO_SECTION
from ui.i18n import label as L
from ui.i18n import normalize, region_name, t
from ui.overview import KEEP_ALL_JS, OVERVIEW_JS, SHOW_CELL_JS
from ui.page_js import AFTER_CARD_JS, CLICK_JS, DETECT_LANG_JS

__all__ = ["build_profile_panel", "build_prefer", "build_overview_panel", "build_examples_panel", "wire_atlas"]


def build_profile_panel(gr: Any, c: dict) -> None:
    """"Your city": a known city, or a typed profile; remembered for the session (`c["profile"]`)."""
    c["profile"] = gr.State(None)
    c["prefer_on"] = gr.State(False)
    c["cell_shown"] = gr.State(Shown())
    c["examples_shown"] = gr.State(Shown())
    with gr.Accordion(L("atlas.profile.title"), open=False, elem_id="kb-profile"):
        with gr.Row():
            # a typed name is kept (the atlas finds "puerto almendral" or says which cities it knows):
            # without it, a name typed and not picked from the list was dropped without a word
            c["my_city"] = gr.Dropdown(label=L("atlas.profile.my_city"), info=L("atlas.profile.my_city_help"),
                                       choices=[("", "")], value="", elem_id="kb-my-city", scale=2,
                                       allow_custom_value=True)
            c["profile_band"] = gr.Dropdown(label=L("field.population_band"), choices=[("", "")], value="",
                                            elem_id="kb-profile-band", scale=1)
            c["profile_region"] = gr.Dropdown(label=L("field.region"), choices=[""], value="",
                                              elem_id="kb-profile-region", scale=1)
            c["profile_country"] = gr.Textbox(label=L("field.country"), placeholder=L("help.country"),
                                              elem_id="kb-profile-country", scale=1)
            c["profile_themes"] = gr.Textbox(label=L("field.themes"), placeholder=L("help.themes"),
                                             elem_id="kb-profile-themes", scale=2)
        c["profile_btn"] = gr.Button(L("atlas.profile.use"), elem_id="kb-profile-use")
        c["profile_status"] = gr.HTML(elem_id="kb-profile-status")


def build_prefer(gr: Any, c: dict) -> None:
    """The "prefer comparable cities" switch of the Search tab."""
    c["prefer"] = gr.Checkbox(label=L("atlas.prefer"), info=L("atlas.prefer_help"), value=False,
                              elem_id="kb-prefer")
    # the reader's language first (kb.searching.translations): the page's language is the reader's
    c["reader_first"] = gr.Checkbox(label=L("search.reader_first"), info=L("search.reader_first_help"),
                                    value=True, elem_id="kb-reader-first")


def build_overview_panel(gr: Any, c: dict) -> None:
    """The collection at a glance (open until the person closes it), and a cell's passages."""
    with gr.Accordion(L("atlas.overview_title"), open=True, elem_id="kb-overview-panel"):
        c["overview"] = gr.HTML(elem_id="kb-overview", js_on_load=OVERVIEW_JS)
        c["cell_status"] = gr.HTML(elem_id="kb-cell-status")
        c["cell_cards"] = gr.HTML(elem_id="kb-cell-cards", js_on_load=CLICK_JS)
        c["overview_refresh"] = gr.Button(L("atlas.refresh"), size="sm", elem_id="kb-overview-refresh")


def build_examples_panel(gr: Any, c: dict) -> None:
    """The chosen section's examples from comparable cities, and the draft's city profile."""
    with gr.Group(elem_id="kb-examples-panel"):
        c["examples_title"] = gr.Markdown(L("atlas.examples.title"), elem_id="kb-examples-title")
        c["draft_profile"] = gr.HTML(elem_id="kb-draft-profile")
        with gr.Row():
            c["examples_btn"] = gr.Button(L("atlas.examples.button"), elem_id="kb-examples-btn")
            c["draft_profile_btn"] = gr.Button(L("atlas.draft_profile.use"), elem_id="kb-draft-profile-btn",
                                               visible=False)  # shown for a draft the reader may change
        c["examples_status"] = gr.HTML(elem_id="kb-examples-status")
        c["examples"] = gr.HTML(elem_id="kb-examples", js_on_load=CLICK_JS)


def make_atlas_handlers(gr: Any, act: Actions, lay: Any, panel: Any) -> Any:
    from types import SimpleNamespace

    from ui.form_handlers import user_of

    def choices(lang):
        from kb import POPULATION_BANDS

        bands = [("", ""), *((t(lang, f"choice.population_band.{b}"), b) for b in POPULATION_BANDS)]
        regions = [(region_name(r, lang), r) for r in act.region_choices()]  # shown in `lang`, kept as written
        return (gr.Dropdown(choices=act.city_choices()), gr.Dropdown(choices=bands), gr.Dropdown(choices=regions))

    def refresh(lang, profile, request: gr.Request):
        return (act.overview(user_of(request), lang, profile), *choices(lang))

    def on_load(lang_hint, request: gr.Request):
        """The overview as the page opens (no profile yet), in the language the browser asks for."""
        return refresh(normalize(lang_hint), None, request)

    def overview(lang, profile, request: gr.Request):
        return act.overview(user_of(request), lang, profile)

    def after_status(lang, profile, status, request: gr.Request):
        """The overview again after a Library action's outcome (not when its status is cleared)."""
        return act.overview(user_of(request), lang, profile) if status else gr.skip()

    def set_profile(lang, my_city, band, region, country, themes, request: gr.Request):
        form = {"city": my_city, "population_band": band, "region": region, "country": country, "themes": themes}
        profile, status = act.set_profile(user_of(request), form, lang)
        return profile, status, act.overview(user_of(request), lang, profile)

    def prefer(lang, on, profile):
        if on and not profile:
            gr.Warning(t(lang, "atlas.prefer_needs_profile"), title=t(lang, "toast.note"))  # a notice; the search still runs, unchanged
        return bool(on)

    def cell(lang, working, profile, evt: gr.EventData, request: gr.Request):
        """A heat-map cell's passages, or (its "show all" button) the map with every city."""
        data = evt._data or {}
        if data.get("act") == "all":
            return gr.skip(), gr.skip(), gr.skip(), act.overview(user_of(request), lang, profile, all_cities=True)
        if data.get("act") != "cell":
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        hits, status = act.cell(user_of(request), str(data.get("city") or ""), str(data.get("section") or ""), lang)
        shown = Shown(hits, typed=False)  # listed, not searched for typed words
        return act.cards(user_of(request), shown, lang, working), status, shown, gr.skip()

    def examples(lang, working, section, profile, request: gr.Request):
        """The section's examples; "the passage's own section" (Search's pin menu) names no section,
        so the examples shown stay as they are."""
        if section == AUTO_SECTION:
            return gr.skip(), gr.skip(), gr.skip()
        hits, status = act.examples(user_of(request), working, section, profile, lang)
        shown = Shown(hits, typed=False)  # listed, not searched for typed words
        return act.cards(user_of(request), shown, lang, working), status, shown

    def draft_profile(lang, working, request: gr.Request):
        """The working draft's city profile, and "Use this profile" only for who may change the draft."""
        user = user_of(request)
        return (act.draft_profile_text(user, working, lang),
                gr.Button(visible=act.may_change_draft(user, working)))

    def record_profile(lang, working, profile, request: gr.Request):
        return act.record_draft_profile(user_of(request), working, profile, lang)

    def after_create(lang, working, profile, request: gr.Request):
        act.after_create(user_of(request), working, profile)
        return draft_profile(lang, working, request)

    return SimpleNamespace(
        refresh=refresh, on_load=on_load, overview=overview, after_status=after_status, set_profile=set_profile,
        prefer=prefer, cell=cell, examples=examples,
        draft_profile=draft_profile, record_profile=record_profile, after_create=after_create,
        on_cells=panel(lay.cell_cards, lay.cell_status, lay.cell_shown),
        on_examples=panel(lay.examples, lay.examples_status, lay.examples_shown),
    )


def wire_atlas(gr: Any, app: Any, c: Any, h: Any, act: Actions, guard: Any, search: tuple[Any, list, list],
               created: Any) -> Any:
    """Connect the atlas's controls; returns its handlers.

    Args:
        search: (the search handler, its inputs, its outputs), run again when "prefer" is switched.
        created: the "create draft" event: a new draft then records the session's city profile.
        app: the page; the overview is drawn on its load, in the language the browser asks for.
    """
    a = make_atlas_handlers(gr, act, c, h.panel)
    profile_out = [c.overview, c.my_city, c.profile_band, c.profile_region]
    # drawn beside the page's other load event, not after it: one round trip less before the heat map
    app.load(guard(a.on_load), c.lang_pick, profile_out, js=DETECT_LANG_JS, api_name=False)
    c.lang_pick.input(guard(a.refresh), [c.lang_pick, c.profile], profile_out, api_name=False)
    c.overview_refresh.click(guard(a.refresh), [c.lang, c.profile], profile_out, api_name="overview")
    # documents added, edited or removed; the Library's status line is first cleared by each action
    # (ui.app), a change that says nothing happened yet
    c.outcomes.change(guard(a.overview), [c.lang, c.profile], c.overview, api_name=False)
    c.library_status.change(guard(a.after_status), [c.lang, c.profile, c.library_status], c.overview,
                            api_name=False)
    do_search, search_in, search_out = search
    c.profile_btn.click(
        guard(a.set_profile), [c.lang, c.my_city, c.profile_band, c.profile_region, c.profile_country,
                               c.profile_themes], [c.profile, c.profile_status, c.overview], api_name="set_profile",
    ).then(guard(do_search), search_in, search_out, api_name=False)  # with "prefer" on, the order may change
    c.prefer.input(a.prefer, [c.lang, c.prefer, c.profile], c.prefer_on, api_name=False).then(
        guard(do_search), search_in, search_out, api_name=False)
    c.overview.change(None, None, None, js=KEEP_ALL_JS, api_name=False)
    c.overview.kb_action(guard(a.cell), [c.lang, c.working, c.profile],
                         [c.cell_cards, c.cell_status, c.cell_shown, c.overview], api_name="overview_cell",
                         ).then(None, None, None, js=SHOW_CELL_JS)
    card_out = [c.draft_html, c.working, c.pin_draft, c.draft_sel, c.reader, c.reader_panel, c.original_file]
    c.cell_cards.kb_action(guard(a.on_cells), [c.lang, c.cell_shown, c.working, c.section],
                           [c.cell_cards, c.cell_status, c.cell_shown, *card_out], api_name=False,
                           ).then(None, None, None, js=AFTER_CARD_JS)
    c.examples.kb_action(guard(a.on_examples), [c.lang, c.examples_shown, c.working, c.section],
                         [c.examples, c.examples_status, c.examples_shown, *card_out], api_name=False,
                         ).then(None, None, None, js=AFTER_CARD_JS)
    examples_in = [c.lang, c.working, c.section, c.profile]
    examples_out = [c.examples, c.examples_status, c.examples_shown]
    c.examples_btn.click(guard(a.examples), examples_in, examples_out, api_name="section_examples")
    for chooser in (c.pin_section, c.section_sel):
        chooser.input(guard(a.examples), [c.lang, c.working, chooser, c.profile], examples_out, api_name=False)
    profile_shown = [c.draft_profile, c.draft_profile_btn]
    c.working.change(guard(a.draft_profile), [c.lang, c.working], profile_shown, api_name=False).then(
        guard(a.examples), examples_in, examples_out, api_name=False)
    created.then(guard(a.after_create), [c.lang, c.working, c.profile], profile_shown, api_name=False)
    c.draft_profile_btn.click(guard(a.record_profile), [c.lang, c.working, c.profile], c.draft_profile,
                              api_name="record_draft_profile")
    return a
