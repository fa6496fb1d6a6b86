"""Workspaces: a city's or a team's place, holding its drafts (and its directory and roster), with
its members and their role in it (drafter or viewer).

The documents stay shared across the network; drafts belong to one workspace each and are seen only
inside it, unless their drafters share one read-only with another workspace or the whole network
(`NETWORK`). Who may do what with a draft is `kb.access.policy`; this module stores the places, the
members and the shares, and records every change in the audit trail.
"""

from __future__ import annotations

import builtins
import sqlite3
from collections.abc import Callable, Collection
from dataclasses import dataclass

from kb.audit.trail import record
from kb.store.catalog import Catalog, now

__all__ = ["Workspace", "Workspaces", "WorkspaceError", "MEMBER_ROLES", "NETWORK"]

MEMBER_ROLES = ("drafter", "viewer")
NETWORK = 0  # a share with the whole network (every signed-in user)


class WorkspaceError(ValueError):
    """A workspace change that cannot be made; the message says why."""


@dataclass(frozen=True)
class Workspace:
    id: int
    name: str
    created_at: str


class Workspaces:
    """The workspaces of one catalog.

    Args:
        catalog: the KB's catalog.
        actor: who makes the changes, for the audit trail.
        users: the configured user names, read at each change (accounts change while a server runs);
            only they can be made members. None, or none configured: single-user mode, where a
            member is any name (the UI asks no one to sign in).
    """

    def __init__(self, catalog: Catalog, actor: str = "local", *,
                 users: Callable[[], Collection[str]] | None = None) -> None:
        self.catalog = catalog
        self.actor = actor
        self.users = users

    def by(self, actor: str) -> Workspaces:
        return Workspaces(self.catalog, actor, users=self.users)

    @property
    def _db(self) -> sqlite3.Connection:
        return self.catalog.db

    # --- places ------------------------------------------------------------------------------

    def list(self) -> list[Workspace]:
        return [Workspace(r["id"], r["name"], r["created_at"])
                for r in self._db.execute("SELECT * FROM workspaces ORDER BY name COLLATE NOCASE")]

    def get(self, ws: int | str) -> Workspace:
        """A workspace by id or name (WorkspaceError when there is none)."""
        if isinstance(ws, int) or str(ws).isdigit():
            row = self._db.execute("SELECT * FROM workspaces WHERE id = ?", (int(ws),)).fetchone()
        else:
            row = self._db.execute("SELECT * FROM workspaces WHERE name = ?", (" ".join(str(ws).split()),)).fetchone()
        if row is None:
            raise WorkspaceError(f"There is no workspace {ws!r}.")
        return Workspace(row["id"], row["name"], row["created_at"])

    def create(self, name: str) -> Workspace:
        """A new workspace (a city's or a team's); names are unique, whatever their case."""
        name = " ".join((name or "").split())
        if not name:
            raise WorkspaceError("A workspace needs a name.")
        with self.catalog.transaction() as db:
            if db.execute("SELECT 1 FROM workspaces WHERE name = ?", (name,)).fetchone():
                raise WorkspaceError(f"There is already a workspace named {name!r}.")
            cur = db.execute("INSERT INTO workspaces (name, created_at) VALUES (?, ?)", (name, now()))
            ws_id = int(cur.lastrowid or 0)
            record(db, self.actor, "workspace.create", f"workspace {ws_id}", {"name": name})
        return self.get(ws_id)

    # --- members -----------------------------------------------------------------------------

    def members(self, ws: int | str) -> dict[str, str]:
        """{user: role in the workspace}."""
        ws_id = self.get(ws).id
        return {r["user"]: r["role"] for r in self._db.execute(
            "SELECT user, role FROM workspace_members WHERE workspace_id = ? ORDER BY user", (ws_id,))}

    def memberships(self, user: str | None) -> dict[int, str]:
        """{workspace id: the user's role there}."""
        if not user:
            return {}
        return {r[0]: r[1] for r in self._db.execute(
            "SELECT workspace_id, role FROM workspace_members WHERE user = ?", (user,))}

    def set_member(self, ws: int | str, user: str, role: str) -> str | None:
        """Add a member, or change their role (drafter: reads and edits the workspace's drafts; viewer: reads).

        Returns:
            Their role before (None: they were not a member); the same role changes nothing and
            records nothing.

        Raises:
            WorkspaceError: an unknown role or workspace, or a user who is not configured (while
                users are, see `users`).
        """
        if role not in MEMBER_ROLES:
            raise WorkspaceError(f"Unknown workspace role {role!r}; use one of: {', '.join(MEMBER_ROLES)}.")
        if not user:
            raise WorkspaceError("Name the user to add.")
        self._check_user(user)
        place = self.get(ws)
        with self.catalog.transaction() as db:
            before = db.execute("SELECT role FROM workspace_members WHERE workspace_id = ? AND user = ?",
                                (place.id, user)).fetchone()
            if before is not None and before[0] == role:
                return role
            db.execute("INSERT INTO workspace_members (workspace_id, user, role) VALUES (?,?,?)"
                       " ON CONFLICT (workspace_id, user) DO UPDATE SET role = excluded.role", (place.id, user, role))
            record(db, self.actor, "workspace.member", f"workspace {place.id}",
                   {"user": user, "before": before[0] if before else None, "after": role})
        return str(before[0]) if before else None

    def _check_user(self, user: str) -> None:
        """A member must be one of the configured users: a mistyped name would hold a role no one can use."""
        known = self.users() if self.users is not None else ()
        if known and user not in known:
            raise WorkspaceError(f"There is no user {user!r}; add their account first.")

    def remove_member(self, ws: int | str, user: str) -> None:
        """Take a member out of a workspace (WorkspaceError when they are not one: nothing to remove)."""
        place = self.get(ws)
        with self.catalog.transaction() as db:
            cur = db.execute("DELETE FROM workspace_members WHERE workspace_id = ? AND user = ?", (place.id, user))
            if not cur.rowcount:
                raise WorkspaceError(f"{user!r} is not a member of {place.name}; nothing was changed.")
            record(db, self.actor, "workspace.member", f"workspace {place.id}", {"user": user, "after": None})

    # --- drafts ------------------------------------------------------------------------------

    def workspace_of(self, draft_id: int) -> int | None:
        row = self._db.execute("SELECT workspace_id FROM drafts WHERE id = ?", (int(draft_id),)).fetchone()
        return row[0] if row else None

    def shares(self, draft_id: int) -> builtins.list[int]:
        """Where a draft is shared read-only: workspace ids, NETWORK (0) for everyone signed in."""
        return [r[0] for r in self._db.execute(
            "SELECT target FROM draft_shares WHERE draft_id = ? ORDER BY target", (int(draft_id),))]

    def share(self, draft_id: int, target: int | str | None) -> None:
        """Share a draft read-only with a workspace (id or name), or with the whole network (None)."""
        to = NETWORK if target in (None, NETWORK, "network") else self.get(target).id
        with self.catalog.transaction() as db:
            db.execute("INSERT OR IGNORE INTO draft_shares (draft_id, target) VALUES (?, ?)", (int(draft_id), to))
            record(db, self.actor, "draft.share", f"draft {draft_id}", {"with": "network" if to == NETWORK else to})

    def unshare(self, draft_id: int, target: int | str | None) -> bool:
        """Stop sharing a draft with a workspace or the network; False (and nothing recorded in the
        audit trail) when it was not shared with it."""
        to = NETWORK if target in (None, NETWORK, "network") else self.get(target).id
        with self.catalog.transaction() as db:
            gone = db.execute("DELETE FROM draft_shares WHERE draft_id = ? AND target = ?", (int(draft_id), to))
            if not gone.rowcount:
                return False
            record(db, self.actor, "draft.unshare", f"draft {draft_id}", {"with": "network" if to == NETWORK else to})
        return True

    def move_draft(self, draft_id: int, ws: int | str) -> None:
        """Put a draft in another workspace (a coordinator's sorting, e.g. after the migration)."""
        place = self.get(ws)
        with self.catalog.transaction() as db:
            before = db.execute("SELECT workspace_id FROM drafts WHERE id = ?", (int(draft_id),)).fetchone()
            if before is None:
                raise WorkspaceError(f"There is no draft {draft_id}.")
            db.execute("UPDATE drafts SET workspace_id = ? WHERE id = ?", (place.id, int(draft_id)))
            record(db, self.actor, "draft.move", f"draft {draft_id}", {"before": before[0], "after": place.id})
