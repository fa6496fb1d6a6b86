"""`kb restore`, `kb trash` and `kb log`: what was removed, bringing it back, and who changed what."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kb.audit import actor_of
from kb.cli.words import plural, print_json
from kb.trash import TrashConflict, TrashError, TrashItem

__all__ = ["HISTORY_COMMANDS", "run_history", "trashed_documents"]

HISTORY_COMMANDS = ("restore", "trash", "log")



def run_history(args: argparse.Namespace, kb: Any) -> int:
    """Run one of HISTORY_COMMANDS on an open KnowledgeBase; returns the exit status."""
    try:
        if args.command == "restore":
            return _restore(args, kb)
        if args.command == "trash":
            return _trash(args, kb)
        return _log(args, kb)
    except TrashError as err:
        print(f"kb: {err}", file=sys.stderr)
        return 2


def _restore(args: argparse.Namespace, kb: Any) -> int:
    """`kb restore DOC [--as-copy]` brings a document back; `kb restore --draft ID` a deleted draft."""
    if args.draft:
        if args.as_copy:
            raise TrashError("--as-copy goes with a document; a draft comes back under its own id.")
        if not str(args.doc).isdigit():
            raise TrashError(f"A draft is restored by its id (`kb trash list` shows it), not {args.doc!r}.")
        draft_id = int(args.doc)
        item = kb.trash.find("draft", draft_id)
        kb.trash.restore_draft(draft_id, actor_of(None))  # TrashError when it is not in the trash
        print(f"restored draft {draft_id} {item.title}")
        return 0
    doc_id = _trashed_id(kb, str(args.doc))
    if kb.trash.find("document", doc_id) is None and kb.trash.find("draft", doc_id) is not None:
        raise TrashError(f"There is no document {doc_id} in the trash, but a draft {doc_id} is: "
                         f"`kb restore --draft {doc_id}` brings it back.")
    try:
        doc = kb.restore(doc_id, as_copy=args.as_copy)
    except TrashConflict as err:  # what to do next, as commands (QA pass 15)
        raise TrashError(f"{err} `kb restore {doc_id} --as-copy` keeps it beside the newer one; "
                         f"`kb trash purge {doc_id}` deletes it for good.") from err
    print(f"restored {doc.id} {doc.source} ({plural(doc.chunk_count, 'chunk')})")
    return 0


def _trashed_id(kb: Any, given: str) -> int:
    """A trashed document's id, given as its id or its source name (as `kb remove` takes it; QA pass 15:
    `kb restore plan.md` said "invalid int value")."""
    if given.isdigit():
        return int(given)
    named = trashed_documents(kb, given)
    if not named:
        raise TrashError(f"No document named {given!r} is in the trash (`kb trash list` shows what is).")
    if len(named) > 1:
        ids = ", ".join(str(i.item_id) for i in named)
        raise TrashError(f"{len(named)} documents named {given!r} are in the trash (ids {ids}): restore one by its id.")
    return int(named[0].item_id)


def trashed_documents(kb: Any, given: str) -> list[TrashItem]:
    """The documents in the trash that `given` names, by id or by source name."""
    return [i for i in kb.trash.items() if i.kind == "document" and given in (str(i.item_id), i.source)]


def _trash_line(item: TrashItem) -> str:
    """One item of `kb trash list`, ending with the command that restores it (ids of documents and
    drafts are counted apart, so the same number can be both)."""
    if item.kind == "document":
        what, how = f"[{item.source}]", f"kb restore {item.item_id}"
    else:  # a draft has no file: its `source` is the city it was drafted for
        what, how = f"(a draft for {item.source})" if item.source else "(a draft)", f"kb restore --draft {item.item_id}"
    return (f"{item.kind:<8} {item.item_id:>5}  {item.title}  {what}  removed {item.removed_at} by {item.removed_by}"
            f", purged after {item.purge_after}; restore: {how}")


def _trash(args: argparse.Namespace, kb: Any) -> int:
    """`kb trash [list]` shows what waits; `kb trash purge [--all | DOC ... | --draft ID ...]` empties it."""
    if args.action == "list" and (args.all or args.docs or args.drafts):  # `kb trash --all` must not just list
        raise TrashError("--all, DOC ids and --draft go with purge: kb trash purge --all, kb trash purge DOC ..., "
                         "or kb trash purge --draft ID ...")
    if args.action == "list":
        items = kb.trash.items()
        if args.json:
            print_json([i.to_dict() for i in items])
            return 0
        for i in items:
            print(_trash_line(i))
        print(f"{len(items)} in the trash")
        return 0
    chosen = None
    if args.all:
        chosen = kb.trash.items()
    elif args.docs or args.drafts:
        chosen = _chosen(kb, args.docs or [], args.drafts or [])
    purged = kb.purge_trash(chosen)
    if args.json:
        print_json([i.to_dict() for i in purged])
    else:
        for i in purged:
            print(f"purged {i.kind} {i.item_id} {i.title}")
        print(f"{len(purged)} purged")
    return 0


def _chosen(kb: Any, doc_ids: list[int], draft_ids: list[int]) -> list[TrashItem]:
    """The trash items `kb trash purge DOC ... --draft ID ...` names. Any id not in the trash refuses the
    whole purge (TrashError naming each one), so a typo never leaves half the list purged."""
    chosen: list[TrashItem] = []
    missing: list[str] = []
    for kind, ids in (("document", doc_ids), ("draft", draft_ids)):
        for item_id in dict.fromkeys(ids):  # an id given twice is purged once
            item = kb.trash.find(kind, item_id)
            if item is None:
                missing.append(_not_in_trash(kb, kind, item_id))
            else:
                chosen.append(item)
    if missing:
        raise TrashError("Nothing was purged: " + "; ".join(missing) + ".")
    return chosen


def _not_in_trash(kb: Any, kind: str, item_id: int) -> str:
    """Why `item_id` is not a `kind` in the trash, and the command that purges it when the other kind
    is (ids of documents and drafts are counted apart, so the same number can be either)."""
    other = "draft" if kind == "document" else "document"
    if kb.trash.find(other, item_id) is None:
        return f"there is no {kind} {item_id} in the trash"
    how = f"kb trash purge --draft {item_id}" if other == "draft" else f"kb trash purge {item_id}"
    return f"there is no {kind} {item_id} in the trash, but a {other} {item_id} is: `{how}` purges it"


def _log(args: argparse.Namespace, kb: Any) -> int:
    entries = kb.log(since=args.since, user=args.user, action=args.action)
    if args.json:
        print_json([e.to_dict() for e in entries])
        return 0
    for e in entries:
        detail = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in e.detail.items())
        print(f"{e.at}  {e.actor:<16} {e.action:<18} {e.target:<14} {detail}")
    print(plural(len(entries), "entry", "entries"))
    return 0
