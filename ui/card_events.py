"""What a click on a result card does: pin (all, highlighted sentences, a selection), create a draft
in place and pin, undo a pin, "more like this" within the active filters, open the reader, and
"Add to directory" (the Directory tab's form, prefilled from the excerpt: `ui.directory.open_form`).

A card is re-drawn where it was clicked, saying what happened ("Pinned to §3 · undo", "already
there"), from the cards the panel shows (kept in the session, `Shown`). No gradio import at module
level: `make_card_handlers` gets the module, like `ui.handlers`.
"""

from typing import Any

from ui import render
from ui.actions import FILTER_FIELDS, YEAR_FILTERS, Actions, Shown, UiError
from ui.directory import open_form
from ui.form_handlers import form_handler, user_of
from ui.i18n import t

__all__ = ["make_card_handlers"]

GONE = ("error.excerpt_gone", "error.original_gone")  # a card's passage or original left the knowledge base


def make_card_handlers(gr: Any, act: Actions, lay: Any) -> Any:
    """on_results / on_suggestions (card clicks of the two panels), close_reader."""
    from types import SimpleNamespace

    def handle(lang, shown: Shown, working, section, filters: dict, data: dict, request: Any,
               target: str | None = None) -> dict:
        """Updates for a card click in a panel (keys: "cards", "status", "shown", plus draft and reader);
        `section`: the draft's section on screen; `target`: where Pin puts an excerpt (the Search tab's
        menu, which may leave it to the passage: AUTO_SECTION), else that section."""
        target = target or section
        user = user_of(request)
        what = str(data.get("act") or "")
        chunk = int(data["chunk"]) if data.get("chunk") not in (None, "") else None
        try:
            return _clicked(lang, shown, working, section, filters, data, user, target, what, chunk)
        except UiError as err:
            # the panel's line said the last pin's "Added to …" beside this one's error (QA pass 13)
            gr.Warning(err.text(lang), title=t(lang, "error.title"))
            out = {"status": render.message(err.text(lang), "error")}
            if err.msg.key in GONE:  # its document removed or read again meanwhile: the cards say which
                out["cards"] = act.cards(user, shown, lang, working)
            return out

    def _clicked(lang, shown: Shown, working, section, filters: dict, data: dict, user: str | None,
                 target: str, what: str, chunk: int | None) -> dict:
        if what == "more" and chunk is not None:
            cards, status, new = act.similar(user, chunk, filters, lang=lang, draft_id=working)
            return {"cards": cards, "status": status, "shown": new}
        if what == "download" and chunk is not None:
            return {"download": act.original_copy(user, chunk)}
        if what == "directory" and chunk is not None:  # "Add to directory": the form, prefilled
            hit = shown.hit(chunk)
            return {"directory": open_form(gr, act, lay, lang, chunk, data.get("quote"),
                                           hit.highlights if hit else [], working, user)}
        if what == "open" and chunk is not None:
            hit = shown.hit(chunk)
            html = act.reader(user, chunk, hit.highlights if hit else [], lang, draft_id=working)
            return {"reader": html}
        return _pinning(lang, shown, working, section, target, user, what, chunk, data)

    def _pinning(lang, shown: Shown, working, section, target, user, what: str, chunk: int | None,
                 data: dict) -> dict:
        """Pin, create a draft and pin, undo a pin: the card and the draft drawn again."""
        out: dict = {}
        notes: dict[int, render.CardState] = {}
        if what in ("pin", "pin-hl") and chunk is not None:
            if act._draft(working) is None:  # no draft yet: the card offers to create one, in place
                notes[chunk] = render.CardState(offer_create=True, city=act.home_city(user))
                out["status"] = render.say(lang, "status.need_draft")
            else:
                hit = shown.hit(chunk)
                highlights = hit.highlights if (hit and what == "pin-hl") else None
                out["status"], notes[chunk] = act.pin(user, working, target, chunk, quote=data.get("quote"),
                                                      highlights=highlights, lang=lang)
        elif what == "create-pin" and chunk is not None:
            working = act.create_draft(user, str(data.get("city") or ""), None, lang)
            out["working"] = working
            out["status"], notes[chunk] = act.pin(user, working, target, chunk, lang=lang)
        elif what == "unpin" and data.get("item") not in (None, ""):
            act.unpin(user, int(data["item"]))
            out["status"] = render.say(lang, "status.unpinned", kind="ok")
            if chunk is not None:
                notes[chunk] = render.CardState(notice=t(lang, "status.unpinned"), notice_kind="ok")
        else:
            return {}
        out["cards"] = act.cards(user, shown, lang, working, notes)
        out["draft"] = act.view(user, working, section, lang)
        return out

    def apply(got: dict, cards: Any, status: Any, state: Any, user: str | None = None) -> dict:
        ups: dict = {}
        if "cards" in got:
            ups[cards] = got["cards"]
        if "status" in got:
            ups[status] = got["status"]
        if "shown" in got:
            ups[state] = got["shown"]
        if "draft" in got:
            ups[lay.draft_html] = got["draft"]
        if "working" in got:
            choices = act.draft_choices(user)
            ups[lay.working] = got["working"]
            ups[lay.pin_draft] = gr.Dropdown(choices=choices, value=got["working"])
            ups[lay.draft_sel] = gr.Dropdown(choices=choices, value=got["working"])
        elif "draft" in got:  # item counts in the choosers' labels
            choices = act.draft_choices(user)
            ups[lay.pin_draft] = gr.Dropdown(choices=choices)
            ups[lay.draft_sel] = gr.Dropdown(choices=choices)
        if "download" in got:
            ups[lay.original_file] = gr.File(value=str(got["download"]), visible=True)
        if "directory" in got:
            ups.update(got["directory"])
        if "reader" in got:
            ups[lay.reader] = got["reader"]
            ups[lay.reader_panel] = gr.Column(visible=True)
        return ups

    def on_results(lang, shown, working, section, pin_section, flt, evt, request):
        """A card click in the search results; `flt`: the search form's filters ("more like this" keeps
        them); `pin_section`: the Search tab's "Section" menu."""
        got = handle(lang, shown, working, section, flt, evt._data or {}, request, target=pin_section)
        return apply(got, lay.results, lay.search_status, lay.shown, user_of(request))

    def on_suggestions(lang, shown, working, section, evt: gr.EventData, request: gr.Request):
        got = handle(lang, shown, working, section, {}, evt._data or {}, request)
        return apply(got, lay.suggestions, lay.suggest_status, lay.suggest_shown, user_of(request))

    def on_reader(lang, shown, working, section, pin_section, evt: gr.EventData, request: gr.Request):
        """A click in the reader: its Pin (the reader is drawn again, saying where the excerpt went)."""
        data = evt._data or {}
        got = handle(lang, shown, working, section, {}, data, request, target=pin_section)
        if data.get("act") in ("pin", "create-pin") and data.get("chunk") not in (None, "") and "draft" in got:
            hit = shown.hit(int(data["chunk"]))
            got["reader"] = act.reader(user_of(request), int(data["chunk"]), hit.highlights if hit else [], lang,
                                       draft_id=got.get("working", working), notice=got.get("status", ""))
        return apply(got, lay.results, lay.search_status, lay.shown, user_of(request))

    def close_reader():
        """Another tab: the reader and an original's download box (shown once it was fetched) go."""
        return gr.Column(visible=False), gr.File(value=None, visible=False)

    def panel(cards: Any, status: Any, state: Any):
        """A handler for the card clicks of another panel of cards (the atlas's cell and examples panels)."""

        def on_panel(lang, shown, working, section, evt: gr.EventData, request: gr.Request):
            got = handle(lang, shown, working, section, {}, evt._data or {}, request)
            return apply(got, cards, status, state, user_of(request))

        return on_panel

    # the search form's filters as parameters, one per field (ui.form_handlers)
    results = form_handler(gr, (*FILTER_FIELDS, *YEAR_FILTERS), on_results,
                           lead=("lang", "shown", "working", "section", "pin_section"), event=True)
    return SimpleNamespace(on_results=results, on_suggestions=on_suggestions, on_reader=on_reader,
                           close_reader=close_reader, panel=panel)
