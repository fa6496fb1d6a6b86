"""`kb workspace`: create workspaces, add members with their role, share and move drafts."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kb.access.workspaces import NETWORK, WorkspaceError, Workspaces
from kb.audit import actor_of
from kb.settings import Settings
from kb.store.catalog import Catalog

__all__ = ["run_workspace"]

_ARGS = {"list": 0, "create": 1, "member": 2, "unmember": 2, "share": 2, "unshare": 2, "move": 2}


def run_workspace(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `kb workspace` action; returns the exit status."""
    if len(args.args) != _ARGS[args.action]:
        print(f"kb: workspace {args.action} takes {_ARGS[args.action]} argument(s); see kb workspace --help",
              file=sys.stderr)
        return 2
    catalog = Catalog(settings.catalog_path)
    try:
        ws = Workspaces(catalog, actor_of(None))
        a = args.args
        if args.action == "list":
            places: list[dict[str, Any]] = [{"id": w.id, "name": w.name, "members": ws.members(w.id)} for w in ws.list()]
            if args.json:
                print(json.dumps(places, ensure_ascii=False, indent=2))
            for p in [] if args.json else places:
                members = ", ".join(f"{u} ({r})" for u, r in p["members"].items()) or "no members"
                print(f"{p['id']:>4}  {p['name']}: {members}")
            return 0
        if args.action == "create":
            print(f"created workspace {ws.create(a[0]).id} {a[0]}")
        elif args.action == "member":
            ws.set_member(a[0], a[1], args.role)
        elif args.action == "unmember":
            return 0 if ws.remove_member(a[0], a[1]) else 1
        elif args.action in ("share", "unshare"):
            if not a[0].isdigit() or ws.workspace_of(int(a[0])) is None and not _draft_exists(catalog, int(a[0])):
                raise WorkspaceError(f"There is no draft {a[0]}.")
            target = NETWORK if a[1] == "network" else a[1]
            (ws.share if args.action == "share" else ws.unshare)(int(a[0]), target)
        elif args.action == "move":
            ws.move_draft(int(a[0]) if a[0].isdigit() else -1, a[1])
        return 0
    except WorkspaceError as err:
        print(f"kb: {err}", file=sys.stderr)
        return 2
    finally:
        catalog.close()


def _draft_exists(catalog: Catalog, draft_id: int) -> bool:
    return catalog.db.execute("SELECT 1 FROM drafts WHERE id = ?", (draft_id,)).fetchone() is not None
