"""Who may see and change which draft (and the directory and roster a draft owns): one call each.

The rules, for a caller with an account role (`kb.access.roles`) and workspace memberships:
- single-user mode (LOCAL) and coordinators (a network-wide role) see and change every draft;
- a drafter of a draft's workspace sees and changes it, and creates drafts there;
- a viewer of a draft's workspace sees it;
- a draft shared read-only with another workspace is seen by that workspace's members, one shared
  with the network by everyone signed in;
- nobody else sees it. A refusal is recorded in the audit trail (action "refused").
The directory and roster a draft owns follow the draft's edit rule; the network's own directory
and roster are changed by coordinators (`can_edit_directory`).
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.access.roles import LOCAL, PermissionDenied
from kb.access.workspaces import NETWORK, Workspace, Workspaces
from kb.audit.trail import AuditTrail
from kb.store.catalog import Catalog

__all__ = ["Caller", "DraftAccess"]


@dataclass(frozen=True)
class Caller:
    """Who asks: a user name (None in single-user mode) and their account role."""

    name: str | None
    role: str

    @property
    def network_wide(self) -> bool:
        return self.role in (LOCAL, "coordinator")


class DraftAccess:
    """The draft rules over one catalog's workspaces (see module docstring)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.workspaces = Workspaces(catalog)
        self.audit = AuditTrail(catalog)

    def _shared_with(self, draft_id: int) -> set[int]:
        return set(self.workspaces.shares(draft_id))

    def can_read(self, caller: Caller, draft_id: int) -> bool:
        if caller.network_wide:
            return True
        member = self.workspaces.memberships(caller.name)
        ws = self.workspaces.workspace_of(draft_id)
        if ws is not None and ws in member:
            return True
        shared = self._shared_with(draft_id)
        return NETWORK in shared or bool(shared & set(member))

    def can_edit(self, caller: Caller, draft_id: int) -> bool:
        if caller.network_wide:
            return True
        ws = self.workspaces.workspace_of(draft_id)
        return ws is not None and self.workspaces.memberships(caller.name).get(ws) == "drafter"

    def can_edit_directory(self, caller: Caller, draft_id: int | None) -> bool:
        """Whether the caller may change the directory and roster of draft `draft_id` (None: the network's)."""
        if draft_id is None:
            return caller.network_wide
        return self.can_edit(caller, draft_id)

    def can_create_in(self, caller: Caller, ws_id: int) -> bool:
        return caller.network_wide or self.workspaces.memberships(caller.name).get(ws_id) == "drafter"

    def visible(self, caller: Caller) -> set[int] | None:
        """Ids of the drafts the caller may see (None: every draft)."""
        if caller.network_wide:
            return None
        member = set(self.workspaces.memberships(caller.name))
        marks = ",".join("?" * len(member)) or "NULL"
        rows = self.catalog.db.execute(
            f"SELECT id FROM drafts WHERE workspace_id IN ({marks}) UNION "
            f"SELECT draft_id FROM draft_shares WHERE target = ? OR target IN ({marks})",
            [*member, NETWORK, *member],
        )
        return {r[0] for r in rows}

    def creatable(self, caller: Caller) -> list[Workspace]:
        """The workspaces where the caller may start a draft."""
        return [w for w in self.workspaces.list() if self.can_create_in(caller, w.id)]

    def require(self, caller: Caller, draft_id: int, *, edit: bool, what: str = "") -> None:
        """Raise PermissionDenied (and record the refusal) unless the caller may read (or edit) the draft.

        A draft the caller may not even see is refused with the same words as one that does not exist.
        """
        allowed = self.can_edit(caller, draft_id) if edit else self.can_read(caller, draft_id)
        if allowed:
            return
        self.audit.record(caller.name or LOCAL, "refused", f"draft {draft_id}",
                          {"asked": what or ("edit" if edit else "read"), "role": caller.role})
        if edit and self.can_read(caller, draft_id):
            raise PermissionDenied("Not allowed: this draft is shared with you read-only; its workspace's drafters "
                                   "edit it.")
        raise PermissionDenied(f"There is no draft {draft_id} in your workspaces.")
