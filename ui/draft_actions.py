"""The drafter's operations: drafts, pinning (all of an excerpt, its highlighted sentences or a
selection), undoing a pin or a removal, notes and export; each checked against the caller's role."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kb.access import LOCAL, Ticket, WorkspaceError, can
from kb.drafting import ItemGone
from kb.drafting.drafts import Draft, DraftError, DraftItem, Drafts
from kb.drafting.excerpts import QUOTE_GAP, quote_holds, quote_span
from kb.drafting.export import FORMATS, export
from kb.drafting.file_names import slug
from ui import render
from ui.actions_base import BaseActions, UiError, kb_thread
from ui.i18n import t
from ui.render_base import Markup

__all__ = ["DraftActions", "slug", "export_name", "find_quote", "AUTO_SECTION"]

# The Search tab's default pin target: the section the passage speaks to most (its framework label),
# so a first pin does not land in §1 because no one chose a section.
AUTO_SECTION = "auto"
EXPORT_EXTENSION = {"docx": ".docx", "markdown": ".md", "csl-json": ".json"}


def export_name(title: str, fmt: str, lang: str = "en") -> str:
    """riverton-local-prevention-framework-draft.docx, its last word in the drafter's language
    ("…-borrador.docx", "…-referencias.json"); no "-draft-draft" when the title ends with that word."""
    stem = slug(title)
    word = slug(t(lang, "export.name_references" if fmt == "csl-json" else "export.name_draft"))
    if not stem.endswith(word):
        stem = f"{stem}-{word}"
    return stem + EXPORT_EXTENSION[fmt]


def find_quote(text: str, selection: str) -> str | None:
    """The exact part of `text` a browser selection stands for (spacing and the card's "…" aside)."""
    wanted = selection.strip().strip("…").strip()
    span = quote_span(text, wanted) if wanted else None
    return text[span[0]:span[1]] if span else None


def highlighted_quote(text: str, sentences: Sequence[str], skip: Sequence[str] = ()) -> str | None:
    """The highlighted sentences of a passage as a quotation: verbatim and in their order, sentences
    next to each other as one run, runs apart joined by QUOTE_GAP (" […] "), so what the card did not
    highlight is not quoted. A sentence that only repeats the document's title or the section heading
    (`skip`: the citation names both) is left out; None when nothing is left."""
    heads = {" ".join(h.split()).casefold() for h in skip if h}
    spans = sorted({(a, a + len(s)) for s in sentences
                    if s and (a := text.find(s)) >= 0 and " ".join(s.split()).casefold() not in heads})
    runs: list[list[int]] = []
    for a, b in spans:
        if runs and (a <= runs[-1][1] or not text[runs[-1][1]:a].strip()):
            runs[-1][1] = max(runs[-1][1], b)
        else:
            runs.append([a, b])
    return QUOTE_GAP.join(text[a:b] for a, b in runs) or None


def highlighted_span(text: str, sentences: Sequence[str]) -> str | None:
    """The passage from the first highlighted sentence to the end of the last, verbatim (a directory
    entry's source quote: one run of the text)."""
    spans = [(text.find(s), text.find(s) + len(s)) for s in sentences if s and text.find(s) >= 0]
    if not spans:
        return None
    return text[min(a for a, _ in spans): max(b for _, b in spans)]


class DraftActions(BaseActions):
    """What the drafting controls, and the pin buttons of result cards, do."""

    @property
    def drafts(self) -> Drafts:
        return self.kb.drafts

    def _drafts_of(self, user: str | None) -> Drafts:
        """The drafts, with changes recorded in the audit trail as the caller's."""
        return self.drafts.by(user or LOCAL)

    @kb_thread
    def draft_choices(self, user: str | None = None) -> list[tuple[str, int]]:
        """The drafts the caller may see (their workspaces', and those shared with them)."""
        visible = self.kb.draft_access.visible(self.caller(user))
        return render.draft_choices(self.drafts.list(only=visible))

    @kb_thread
    def first_draft(self, user: str | None, choices: list[tuple[str, int]]) -> int | None:
        """The draft a session starts working on: of `choices` the caller may change, the one they
        last changed (so a colleague's newer draft in the same workspace does not silently become
        where their pins go), else the first they may change in a workspace of theirs (a draft only
        shared with them for reading made every pin fail), else the first they may read.

        A coordinator may change every city's draft, but one who belongs to a city's workspace and
        has no draft there starts on none, so the card offers one for their city: another city's
        private draft is never where their first pin silently goes."""
        caller = self.caller(user)
        access = self.kb.draft_access
        editable = [int(i) for _, i in choices if access.can_edit(caller, int(i))]
        if not editable:
            return choices[0][1] if choices else None
        mine = self.kb.last_drafts(user or LOCAL)  # the actor its changes are recorded under
        last = next((i for i in mine if i in editable), None)
        if last is not None:
            return last
        member = access.workspaces.memberships(caller.name)
        own = [i for i in editable if access.workspaces.workspace_of(i) in member]
        if own:
            return own[0]
        return None if caller.network_wide and member else editable[0]

    def may_draft(self, user: str | None) -> bool:
        """Whether this reader may change some draft: start one in a workspace, or edit one they see.
        A reader of shared drafts only is shown no drafting controls (each would only refuse)."""
        caller = self.caller(user)
        if not can(caller.role, "draft"):
            return False
        access = self.kb.draft_access
        if caller.network_wide or access.creatable(caller):
            return True
        return any(access.can_edit(caller, d) for d in access.visible(caller) or ())

    @kb_thread
    def home_city(self, user: str | None) -> str:
        """The city a reader's first draft is for, when they draft in one workspace only: its name
        (the card's "create a draft" offer starts with it filled in)."""
        ws = self.kb.draft_access.workspaces
        drafting = [i for i, role in ws.memberships(user).items() if role == "drafter"]
        return ws.get(drafting[0]).name if len(drafting) == 1 else ""

    def card_rights(self, user: str | None, draft_id: Any) -> render.CardRights:
        """What a result card offers this reader, so that no button only refuses when clicked:
        Pin when the working draft is one they may change (with none chosen, when they may start
        one); "Add to directory" when the working draft's directory or the network's is theirs to change."""
        caller = self.caller(user)
        if draft_id not in (None, "") and str(draft_id).isdigit():
            pin = self.kb.draft_access.can_edit(caller, int(draft_id))
            directory = pin or self.may_edit_directory(user, caller.role, None)
        else:
            pin = caller.network_wide or bool(self.kb.draft_access.creatable(caller))
            directory = self.may_edit_directory(user, caller.role, None)
        return render.CardRights(pin=pin and can(caller.role, "draft"), directory=directory)

    def _workspace_for(self, user: str | None, city: str) -> int:
        """Where a new draft goes: the caller's workspace named after the city, else their first one
        where they draft; a coordinator (or single-user mode) gets one named after the city."""
        caller = self.caller(user)
        name = city or "Unassigned"
        places = self.kb.draft_access.creatable(caller)
        same = [w for w in places if w.name.casefold() == name.casefold()]
        if same:
            return same[0].id
        if caller.network_wide:
            try:
                return self.kb.workspaces(user or LOCAL).create(name).id
            except WorkspaceError as err:
                raise UiError("error.draft", detail=str(err)) from err
        if places:
            return places[0].id
        raise UiError("error.workspace.none")

    def section_choices(self, lang: str = "en", auto: bool = False) -> list[tuple[str, str]]:
        """The framework's sections as menu choices; `auto`: led by "the passage's own section" (the
        Search tab's pin target, `AUTO_SECTION`)."""
        return [(t(lang, "pin.auto"), AUTO_SECTION)] * auto + [
            (f"§{n} {render.section_title(s, lang)}", s.key) for n, s in enumerate(self.drafts.framework.sections, start=1)]

    def section_purpose(self, section_key: str | None, lang: str = "en") -> str:
        return render.section_purpose(self.drafts.framework.section(section_key or ""), lang)

    def _section_label(self, key: str, lang: str) -> tuple[int, str]:
        for n, s in enumerate(self.drafts.framework.sections, start=1):
            if s.key == key:
                return n, render.section_title(s, lang)
        return 0, t(lang, "draft.other_section")

    def _draft(self, draft_id: Any) -> Draft | None:
        if draft_id in (None, ""):
            return None
        try:
            return self.drafts.get(int(draft_id))
        except (DraftError, TypeError, ValueError):
            return None

    def _do(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except ItemGone as err:  # removed meanwhile: in another page, or by a co-drafter
            raise UiError("error.draft_item_gone") from err
        except DraftError as err:
            raise UiError("error.draft", detail=str(err)) from err

    @kb_thread
    def view(self, user: str | None, draft_id: Any, section_key: str | None = None, lang: str = "en",
             removed: DraftItem | None = None) -> str:
        self.check(user, "draft")
        self.require_draft(user, draft_id, edit=False, what="view")
        draft = self._draft(draft_id)
        if draft is None:  # "create one above" only for who may: a viewer is told none is shared yet
            return render.draft_view(None, section_key, lang, editable=self.may_draft(user))
        editable = self.kb.draft_access.can_edit(self.caller(user), draft.id)
        return render.draft_view(draft, section_key, lang, removed, editable=editable)

    @kb_thread
    def may_export(self, user: str | None, draft_id: Any) -> bool:
        """Whether the export buttons are shown: only with a working draft this reader may read (with
        none, each only said "Choose a draft to export")."""
        draft = self._draft(draft_id)
        return draft is not None and self.kb.draft_access.can_read(self.caller(user), draft.id)

    @kb_thread
    def card_states(self, draft_id: Any, chunk_ids: Sequence[int], lang: str = "en") -> dict[int, render.CardState]:
        """For each chunk the working draft quotes, where (section number and title) and which item."""
        draft = self._draft(draft_id)
        states: dict[int, render.CardState] = {}
        if draft is None:
            return states
        wanted = set(chunk_ids)
        for item in draft.items():
            if item.kind == "excerpt" and item.chunk_id in wanted:
                number, title = self._section_label(item.section_key, lang)
                states.setdefault(item.chunk_id, render.CardState()).pinned.append(
                    render.PinnedAt(item.id, number, title))
        return states

    # --- drafts ------------------------------------------------------------------------------

    @kb_thread
    def create_draft(self, user: str | None, city: str, title: str | None = None, lang: str = "en") -> int:
        """A new draft; with no title, it is named for its city ("Riverton local prevention framework")."""
        self.check(user, "draft")
        city = " ".join((city or "").split())
        title = " ".join((title or "").split())
        if not title:
            title = t(lang, "draft.default_title", city=city) if city else t(lang, "draft.default_title_nocity")
        ws = self._workspace_for(user, city)
        return self._do(lambda: self._drafts_of(user).create(city, title, ws)).id

    @kb_thread
    def rename_draft(self, user: str | None, draft_id: Any, title: str, city: str | None) -> None:
        self.check(user, "draft")
        self.require_draft(user, draft_id, edit=True, what="rename")
        if self._draft(draft_id) is None:
            raise UiError("error.choose_draft")
        if not (title or "").strip():
            raise UiError("error.draft_title")
        self._do(lambda: self._drafts_of(user).rename(int(draft_id), title, city or None))

    @kb_thread
    def delete_draft(self, user: str | None, draft_id: Any, confirmed: bool) -> None:
        self.check(user, "draft")
        self.require_draft(user, draft_id, edit=True, what="delete")
        if self._draft(draft_id) is None:
            raise UiError("error.choose_draft")
        if not confirmed:
            raise UiError("error.confirm_delete_draft")
        self._do(lambda: self._drafts_of(user).delete(int(draft_id)))

    # --- pinning -----------------------------------------------------------------------------

    @kb_thread
    def pin(self, user: str | None, draft_id: Any, section_key: str | None, chunk_id: int, *,
            quote: str | None = None, highlights: Sequence[str] | None = None,
            lang: str = "en") -> tuple[str, render.CardState]:
        """Pin a stored chunk (or its highlighted sentences, or a selection of it) into a draft section.

        Returns:
            (status line HTML, what the clicked card says: nothing new when added, since the card
            then shows where it is pinned; "already there" for a duplicate).
        """
        self.check(user, "draft")
        self.require_draft(user, draft_id, edit=True, what="pin")
        draft = self._draft(draft_id)
        if draft is None:
            raise UiError("error.choose_draft")
        if section_key == AUTO_SECTION:
            section_key = self.kb.chunk_section(int(chunk_id)) or self.drafts.framework.sections[0].key
        if not section_key or self.drafts.framework.section(section_key) is None:
            raise UiError("error.choose_section")
        chunk = self.kb.chunk(int(chunk_id))
        if chunk is None:
            raise UiError("error.excerpt_gone")
        part = None
        if quote is not None and quote.strip():
            part = find_quote(chunk.text, quote)
            if part is None:
                raise UiError("error.selection_not_found")
        elif highlights:
            doc = self.kb.document(chunk.doc_id)
            part = highlighted_quote(chunk.text, highlights, (doc.title if doc else "", *chunk.section))
        number, title = self._section_label(section_key, lang)
        # the same words of this passage already in the section ("Pin", then "Pin highlighted sentences"):
        # no second copy cited twice; said on the card, and what to do to pin the longer quotation
        wanted = self.drafts.quoted(chunk, part)
        there = self.drafts.overlapping(int(draft.id), section_key, chunk.id, wanted)
        if there is not None:
            held = quote_holds(there.text, wanted)  # else it holds what is there, and more
            text = t(lang, "status.duplicate" if held else "status.overlap", number=str(number), section=title)
            return render.message(text, "info"), render.CardState(notice=text, notice_kind="info")
        self._do(lambda: self._drafts_of(user).pin(int(draft.id), section_key, chunk, quote=part))
        key = "status.pinned_part" if part else "status.pinned"
        # The draft is named: a colleague's draft may be the working one, and the words say where they went.
        # the draft's title is isolated (a Spanish one on an Arabic page); the section is the page's own words
        return (render.say(lang, key, draft=render.draft_title(draft.title, draft.city), number=Markup(str(number)),
                           section=Markup(render.esc(title)), kind="ok"), render.CardState())

    @kb_thread
    def unpin(self, user: str | None, item_id: int) -> DraftItem:
        """Take a pinned item out again (the card's "undo"); returns it."""
        self.check(user, "draft")
        item = self._do(lambda: self.drafts.item(int(item_id)))
        self.require_draft(user, item.draft_id, edit=True, what="unpin")
        return self._do(lambda: self._drafts_of(user).remove_item(int(item_id)))

    @kb_thread
    def add_note(self, user: str | None, draft_id: Any, section_key: str | None, text: str) -> None:
        self.check(user, "draft")
        self.require_draft(user, draft_id, edit=True, what="add_note")
        if self._draft(draft_id) is None:
            raise UiError("error.choose_draft")
        if not (text or "").strip():
            raise UiError("error.note_empty")
        self._do(lambda: self._drafts_of(user).add_note(int(draft_id), section_key or "", text))

    @kb_thread
    def item_action(self, user: str | None, act: str, item_id: int) -> DraftItem | None:
        """up / down / remove one draft item; a removed item is returned, for `restore_item`."""
        self.check(user, "draft")
        item = self._do(lambda: self.drafts.item(int(item_id)))
        self.require_draft(user, item.draft_id, edit=True, what=f"item {act}")
        drafts = self._drafts_of(user)
        if act in ("up", "down"):
            self._do(lambda: drafts.move(int(item_id), -1 if act == "up" else 1))
            return None
        if act == "remove":
            return self._do(lambda: drafts.remove_item(int(item_id)))
        raise UiError("error.unknown_action", action=str(act))

    @kb_thread
    def restore_item(self, user: str | None, item: DraftItem | None) -> None:
        """Undo the removal of an item: it returns to its section and place."""
        self.check(user, "draft")
        if item is None:
            raise UiError("error.nothing_to_undo")
        self.require_draft(user, item.draft_id, edit=True, what="restore_item")
        self._do(lambda: self._drafts_of(user).restore_item(item))

    @kb_thread
    def export(self, user: str | None, draft_id: Any, fmt: str, lang: str = "en") -> Ticket:
        """Write the draft as `fmt` under a clean name (riverton-local-prevention-framework-draft.docx),
        for the caller alone: a private address that expires (`kb.access.ExportShelf`, `ui.gate`)."""
        self.check(user, "draft")
        self.require_draft(user, draft_id, edit=False, what="export")
        draft = self._draft(draft_id)
        if draft is None:
            raise UiError("error.choose_draft_export")
        if fmt not in FORMATS:
            raise UiError("error.unknown_format", fmt=str(fmt))
        appendices = self.export_appendices(user, draft.id, lang)
        worded = render.draft_in(draft, lang)  # the template's headings in the drafter's language
        ticket = self.shelf.put(self.owner(user), export_name(draft.title, fmt, lang), lambda path: export(
            worded, fmt, path, references_heading=t(lang, "export.references"), appendices=appendices,
            cite=lambda item: render.item_citation_text(item, lang), language=lang,
            section_note=lambda section: t(lang, "export.section_note", section=section),
            genre=lambda code: render.choice_name("doc_type", code, lang)))
        self.kb.audit.record(user or LOCAL, "draft.export", f"draft {draft.id}", {"format": fmt})
        return ticket

    def export_appendices(self, user: str | None, draft_id: int, lang: str) -> list[Any]:
        """Parts exported after the draft's sections (the directory's actions add the city's directory
        and leadership group)."""
        return []
