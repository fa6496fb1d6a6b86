"""Deleting a draft to the trash and restoring it: its row, its items and its shares, same ids."""

from __future__ import annotations

import json

from kb.audit.trail import record
from kb.store.catalog import now, raise_floor
from kb.trash.related import capture, highest_ids, put_back
from kb.trash.store import TrashError, TrashItem, TrashTable

__all__ = ["trash_draft", "restore_draft"]


def trash_draft(table: TrashTable, draft_id: int, actor: str) -> TrashItem:
    """Move a draft (with its items and shares) to the trash. Raises TrashError for an unknown draft."""
    db = table.catalog.db
    row = db.execute("SELECT * FROM drafts WHERE id = ?", (int(draft_id),)).fetchone()
    if row is None:
        raise TrashError(f"There is no draft {draft_id}.")
    # the draft and every row deleted with it: items, shares, and its directory and roster (kb.directory)
    rows = capture(db, "drafts", [row["id"]])
    items = rows.get("draft_items", [])
    payload = {"rows": rows}
    with table.catalog.transaction() as tx:
        tx.execute(
            "INSERT INTO trash (kind, item_id, title, source, workspace_id, removed_by, removed_at, purge_after,"
            " payload) VALUES ('draft',?,?,?,?,?,?,?,?)",
            (row["id"], row["title"], row["city"], row["workspace_id"], actor, now(), table.purge_after(),
             json.dumps(payload, ensure_ascii=False)),
        )
        for name, highest in highest_ids(rows).items():
            raise_floor(tx, name, highest)
        tx.execute("DELETE FROM drafts WHERE id = ?", (row["id"],))
        record(tx, actor, "draft.delete", f"draft {row['id']}",
               {"title": row["title"], "items": len(items), "to": "trash"})
    item = table.find("draft", row["id"])
    assert item is not None
    return item


def restore_draft(table: TrashTable, item: TrashItem, actor: str) -> int:
    """Put a trashed draft back under its id (in its workspace, if that still exists). Returns its id."""
    payload = table.payload(item)
    db = table.catalog.db
    if db.execute("SELECT 1 FROM drafts WHERE id = ?", (item.item_id,)).fetchone():
        raise TrashError(f"Draft {item.item_id}'s id is in use; it cannot be restored under it.")
    rows = dict(payload["rows"])
    draft = dict(rows["drafts"][0])
    ws = draft.get("workspace_id")
    if ws is not None and not db.execute("SELECT 1 FROM workspaces WHERE id = ?", (ws,)).fetchone():
        draft["workspace_id"] = None  # its workspace was deleted meanwhile: it comes back unassigned
    rows["drafts"] = [draft]
    # shares with a workspace deleted meanwhile are dropped (0: the whole network)
    rows["draft_shares"] = [s for s in rows.get("draft_shares", []) if s["target"] == 0 or db.execute(
        "SELECT 1 FROM workspaces WHERE id = ?", (s["target"],)).fetchone()]
    with table.catalog.transaction() as tx:
        put_back(tx, rows, exact={"drafts", "draft_items"})
        tx.execute("DELETE FROM trash WHERE id = ?", (item.id,))
        record(tx, actor, "draft.restore", f"draft {item.item_id}", {"title": item.title})
    return item.item_id
