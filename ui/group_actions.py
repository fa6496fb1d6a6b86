"""What the Leadership group tab does: a draft's seats and the panel of the sectors its network's guidance
expects, each operation checked against the caller's role (the rule is `kb.directory.access`: those who
draft change their draft's group). Every change of a seat is recorded in the audit trail as the caller's
(`kb.directory.roster`). No gradio import.
"""

from __future__ import annotations

from typing import Any

from kb.access import LOCAL
from kb.directory import DirectoryError, RosterMember, SeatTaken
from ui import directory_render as view
from ui.actions_base import UiError, kb_thread
from ui.directory_actions import DirectoryActions
from ui.i18n import Msg, t
from ui.render_base import Markup, said, say

__all__ = ["GroupActions"]


class GroupActions(DirectoryActions):
    """The leadership group's operations (mixed into `ui.actions.Actions`)."""

    @kb_thread
    def group_view(self, user: str | None, draft_id: Any, lang: str = "en", notice: str = "") -> str:
        role = self.check(user, "search")
        self.require_draft(user, draft_id, edit=False, what="group")
        draft = self._draft(draft_id)
        if draft is None:  # "choose or create a draft" only for who may start one
            return f'<p class="kb-empty">{t(lang, "group.no_draft" if self.may_draft(user) else "group.no_draft_read")}</p>'
        def excerpts(expected: Any, city: str, k: int) -> list[Any]:
            return self.kb.sector_excerpts(expected.search, city, k, draft.id, words=expected.words)

        members = self.kb.roster.members(draft.id)  # read once: the list and the missing sectors agree
        checks = self.kb.roster.check(draft.id, excerpts, draft.city, members=members)
        exp = self.kb.roster.expectations
        return notice + view.group_view(Markup(said(lang, "group.draft", title=draft.title)), members,
                                        checks, lang, can_edit=self.may_edit_directory(user, role, draft.id),
                                        guidance={"title": exp.title, "page": exp.page})

    @kb_thread
    def may_change_group(self, user: str | None, draft_id: Any) -> bool:
        """Whether the Add seat form can work for this reader: a working draft whose group is theirs to change."""
        draft = self._draft(draft_id)
        return draft is not None and self.may_edit_directory(user, self.role(user), draft.id)

    def _group_draft(self, user: str | None, draft_id: Any) -> int:
        draft = self._draft(draft_id)
        if draft is None:
            raise UiError("error.group.choose_draft")
        self._edit_check(user, draft.id)
        return draft.id

    @kb_thread
    def add_seat(self, user: str | None, draft_id: Any, organisation: str, sector: str, role: str, note: str,
                 lang: str = "en") -> str:
        did = self._group_draft(user, draft_id)
        if not (organisation or "").strip():
            raise UiError("error.group.organisation")
        if not sector:
            raise UiError("error.group.sector", other=Msg("choice.sector.other"))
        try:
            seat = self.kb.roster.add(did, RosterMember(organisation, sector, role or "member", note or ""),
                                   by=user or LOCAL)
        except DirectoryError as err:
            raise _refused(err) from err
        return say(lang, "group.added", name=seat.organisation, kind="ok")

    @kb_thread
    def seat_entry(self, user: str | None, draft_id: Any, entry_id: Any, lang: str = "en") -> str:
        did = self._group_draft(user, draft_id)
        entry = self._entry(entry_id)
        if not entry.sector:
            raise UiError("error.group.no_sector", name=entry.name)
        try:
            seat = self.kb.roster.add_entry(did, entry, by=user or LOCAL)
        except DirectoryError as err:  # "has a seat already" was shown in English, as kb words it
            raise _refused(err) from err
        return say(lang, "group.added", name=seat.organisation, kind="ok")

    @kb_thread
    def unseat(self, user: str | None, member_id: Any, lang: str = "en") -> str:
        try:
            member = self.kb.roster.member(int(member_id))
        except DirectoryError:  # a colleague removed it first: the group is drawn again as it is (QA pass 13)
            return say(lang, "group.seat_gone", kind="info")
        except (TypeError, ValueError) as err:
            raise UiError("error.group.other", detail=str(err)) from err
        self._group_draft(user, member.draft_id)
        self.kb.roster.remove(member.id or 0, by=user or LOCAL)
        return say(lang, "group.removed", name=member.organisation, kind="ok")


def _refused(err: DirectoryError) -> UiError:
    """Why the roster refused a seat, in the reader's language: taken already (by whom, as what), or else."""
    if isinstance(err, SeatTaken):
        return UiError("error.group.seated", name=err.seated.organisation, role=Msg(f"choice.role.{err.seated.role}"))
    return UiError("error.group.other", detail=str(err))
