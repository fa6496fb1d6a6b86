"""`kb workspace`: create workspaces, add members with their role, share and move drafts."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kb.access.users import load_users
from kb.access.workspaces import NETWORK, WorkspaceError, Workspaces
from kb.audit import actor_of
from kb.cli.words import print_json
from kb.settings import Settings
from kb.store.catalog import Catalog

__all__ = ["run_workspace"]

_ARGS = {"list": 0, "create": 1, "member": 2, "unmember": 2, "share": 2, "unshare": 2, "move": 2}
DEFAULT_ROLE = "drafter"  # a member's role when --role is not given


def run_workspace(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `kb workspace` action; returns the exit status."""
    if len(args.args) != _ARGS[args.action]:
        print(f"kb: workspace {args.action} takes {_ARGS[args.action]} argument(s); see kb workspace --help",
              file=sys.stderr)
        return 2
    catalog = Catalog(settings.catalog_path)
    try:
        ws = Workspaces(catalog, actor_of(None), users=lambda: load_users(settings.home))
        if args.action == "list":
            return _list(ws, args.json, single_user=not load_users(settings.home))
        print(_change(ws, catalog, args))
        return 0
    except ValueError as err:  # WorkspaceError; a malformed users file
        print(f"kb: {err}", file=sys.stderr)
        return 2
    finally:
        catalog.close()


def _list(ws: Workspaces, as_json: bool, *, single_user: bool) -> int:
    places: list[dict[str, Any]] = [{"id": w.id, "name": w.name, "members": ws.members(w.id)} for w in ws.list()]
    if as_json:
        print_json(places)
        return 0
    for p in places:
        members = ", ".join(f"{u} ({r})" for u, r in p["members"].items()) or "no members"
        print(f"{p['id']:>4}  {p['name']}: {members}")
    if not places:
        mode = ("in single-user mode every draft is in one implicit workspace; " if single_user else "")
        print(f"No workspaces yet: {mode}`kb workspace create NAME` makes one for a city or a team")
    return 0


def _change(ws: Workspaces, catalog: Catalog, args: argparse.Namespace) -> str:
    """Make one change (WorkspaceError when it cannot be made); returns the line that says what was done."""
    a = args.args
    if args.action == "create":
        return f"created workspace {ws.create(a[0]).id} {a[0]}"
    if args.action == "member":
        return _member(ws, a[0], a[1], args.role)
    if args.action == "unmember":
        ws.remove_member(a[0], a[1])
        return f"{a[1]} is no longer a member of {ws.get(a[0]).name}"
    if args.action in ("share", "unshare"):
        if not a[0].isdigit() or ws.workspace_of(int(a[0])) is None and not _draft_exists(catalog, int(a[0])):
            raise WorkspaceError(f"There is no draft {a[0]}.")
        target = NETWORK if a[1] == "network" else a[1]
        (ws.share if args.action == "share" else ws.unshare)(int(a[0]), target)
        where = "the whole network" if target == NETWORK else ws.get(a[1]).name
        return f"draft {a[0]} is {'now' if args.action == 'share' else 'no longer'} shared read-only with {where}"
    ws.move_draft(int(a[0]) if a[0].isdigit() else -1, a[1])
    return f"draft {a[0]} is now in {ws.get(a[1]).name}"


def _member(ws: Workspaces, place: str, user: str, role: str | None) -> str:
    """`member NAME USER [--role R]`: the line names the role given, and says when it was the default."""
    given = role or DEFAULT_ROLE
    before = ws.set_member(place, user, given)
    name = ws.get(place).name
    default = "" if role else f" (the default role; --role viewer makes {user} a reader only)"
    if before == given:
        return f"{user} already is a {given} in {name}; nothing changed{default}"
    return f"{user} is now a {given} in {name}{default}"


def _draft_exists(catalog: Catalog, draft_id: int) -> bool:
    return catalog.db.execute("SELECT 1 FROM drafts WHERE id = ?", (draft_id,)).fetchone() is not None
