"""Who may see and change what in the directory: the rule every entry point (UI, HTTP API) applies.

- Everyone who may search sees entries; contact fields (address, phone, e-mail, website, contact point)
  only when the entry is public or the reader may edit documents (a coordinator; local mode).
- The network directory is edited by coordinators; a draft's directory and roster by those who draft.
Workspaces (issue 20) will narrow "those who draft" to a draft's own people: `may_edit` takes the
scope (None = network, else the draft id) so that rule can be added here alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.access import ROLES, PermissionDenied, can
from kb.directory.records import Entry

__all__ = ["may_see_contact", "visible", "may_edit", "require_edit"]


def may_see_contact(role: str | None, entry: Entry) -> bool:
    return entry.public or can(role, "edit")


def visible(entries: Iterable[Entry], role: str | None) -> list[Entry]:
    """The entries as this reader may see them (contact fields withheld where the rule says so)."""
    return [e if may_see_contact(role, e) else e.without_contact() for e in entries]


def may_edit(role: str | None, draft_id: int | None) -> bool:
    """Whether `role` may change the network directory (None) or a draft's directory and roster."""
    return can(role, "edit") if draft_id is None else can(role, "draft")


def require_edit(role: str | None, draft_id: int | None) -> None:
    """PermissionDenied (naming the role and the directory) unless `may_edit`."""
    if not may_edit(role, draft_id):
        who = f"a {role}" if role in ROLES else "an unknown user"
        where = "the network directory" if draft_id is None else "this draft's directory"
        raise PermissionDenied(f"Not allowed: {who} cannot change {where}; ask a coordinator.")
