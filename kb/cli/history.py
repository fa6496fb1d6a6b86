"""`kb restore`, `kb trash` and `kb log`: what was removed, bringing it back, and who changed what."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kb.cli.words import plural
from kb.trash import TrashError

__all__ = ["HISTORY_COMMANDS", "run_history"]

HISTORY_COMMANDS = ("restore", "trash", "log")


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def run_history(args: argparse.Namespace, kb: Any) -> int:
    """Run one of HISTORY_COMMANDS on an open KnowledgeBase; returns the exit status."""
    try:
        if args.command == "restore":
            doc = kb.restore(args.doc, as_copy=args.as_copy)
            print(f"restored {doc.id} {doc.source} ({plural(doc.chunk_count, 'chunk')})")
            return 0
        if args.command == "trash":
            return _trash(args, kb)
        return _log(args, kb)
    except TrashError as err:
        print(f"kb: {err}", file=sys.stderr)
        return 2


def _trash(args: argparse.Namespace, kb: Any) -> int:
    """`kb trash [list]` shows what waits; `kb trash purge [--all | DOC ...]` empties it."""
    if args.action == "list" and (args.all or args.docs):  # a bare `kb trash --all` must not just list
        raise TrashError("--all and DOC ids go with purge: kb trash purge --all, or kb trash purge DOC ...")
    if args.action == "list":
        items = kb.trash.items()
        if args.json:
            _print_json([i.to_dict() for i in items])
            return 0
        for i in items:
            print(f"{i.kind:<8} {i.item_id:>5}  {i.title}  [{i.source}]  removed {i.removed_at} by {i.removed_by}"
                  f", purged after {i.purge_after}")
        print(f"{len(items)} in the trash")
        return 0
    chosen = None
    if args.all:
        chosen = kb.trash.items()
    elif args.docs:
        chosen = []
        for doc_id in args.docs:
            item = kb.trash.find("document", doc_id)
            if item is None:
                raise TrashError(f"There is no document {doc_id} in the trash.")
            chosen.append(item)
    purged = kb.purge_trash(chosen)
    if args.json:
        _print_json([i.to_dict() for i in purged])
    else:
        for i in purged:
            print(f"purged {i.kind} {i.item_id} {i.title}")
        print(f"{len(purged)} purged")
    return 0


def _log(args: argparse.Namespace, kb: Any) -> int:
    entries = kb.log(since=args.since, user=args.user, action=args.action)
    if args.json:
        _print_json([e.to_dict() for e in entries])
        return 0
    for e in entries:
        detail = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in e.detail.items())
        print(f"{e.at}  {e.actor:<16} {e.action:<18} {e.target:<14} {detail}")
    print(plural(len(entries), "entry", "entries"))
    return 0
