"""The trash's own table: what waits in it, until when, and the ids it keeps from being reused.

A removed document or draft is one `trash` row (its catalog rows as JSON, the folder under the KB
home's `trash/` that holds its signals' rows and its original) until `purge_after`; `id_floors`
holds the highest ids of every table whose rows wait here, so that `kb.store.catalog.next_id` never
gives them to new rows and a restore finds its ids free.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kb.store.catalog import Catalog

__all__ = ["TrashItem", "TrashError", "TrashConflict", "TrashTable", "row_dict", "stamp"]


class TrashError(Exception):
    """Something in the trash cannot be done as asked; the message says why and what to do."""


class TrashConflict(TrashError):
    """A restore would clash with a newer document (the same file added again meanwhile)."""

    def __init__(self, message: str, newer_id: int) -> None:
        super().__init__(message)
        self.newer_id = newer_id


@dataclass(frozen=True)
class TrashItem:
    """A removed document or draft waiting in the trash.

    Attributes:
        id: the trash entry.
        kind: "document" or "draft".
        item_id: the document's or draft's id (given back by a restore).
        title, source: what it was (source: a document's file name).
        removed_by, removed_at: who removed it and when (UTC).
        purge_after: when it is purged for good (UTC).
        workspace_id: a draft's workspace.
    """

    id: int
    kind: str
    item_id: int
    title: str
    source: str
    sha256: str
    removed_by: str
    removed_at: str
    purge_after: str
    workspace_id: int | None
    folder: str | None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("id", "kind", "item_id", "title", "source", "removed_by",
                                             "removed_at", "purge_after", "workspace_id")}


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def row_dict(row: sqlite3.Row) -> dict[str, Any]:
    """A catalog row as JSON-safe values (a BLOB as {"hex": ...})."""
    return {k: ({"hex": row[k].hex()} if isinstance(row[k], bytes) else row[k]) for k in row.keys()}  # noqa: SIM118


def from_json(value: Any) -> Any:
    return bytes.fromhex(value["hex"]) if isinstance(value, dict) and "hex" in value else value


class TrashTable:
    """The `trash` rows of one catalog and their folders under `home/trash/`."""

    def __init__(self, catalog: Catalog, home: Path, days: float) -> None:
        self.catalog = catalog
        self.home = home
        self.days = days

    @property
    def folder(self) -> Path:
        return self.home / "trash"

    def purge_after(self, moment: datetime | None = None) -> str:
        return stamp((moment or datetime.now(UTC)) + timedelta(days=self.days))

    def items(self, kind: str | None = None) -> list[TrashItem]:
        """Everything in the trash, most recently removed first."""
        sql = "SELECT * FROM trash" + (" WHERE kind = ?" if kind else "") + " ORDER BY removed_at DESC, id DESC"
        return [self._item(r) for r in self.catalog.db.execute(sql, (kind,) if kind else ())]

    def find(self, kind: str, item_id: int) -> TrashItem | None:
        row = self.catalog.db.execute("SELECT * FROM trash WHERE kind = ? AND item_id = ?",
                                      (kind, int(item_id))).fetchone()
        return self._item(row) if row else None

    def payload(self, item: TrashItem) -> dict[str, Any]:
        row = self.catalog.db.execute("SELECT payload FROM trash WHERE id = ?", (item.id,)).fetchone()
        if row is None:
            raise TrashError(f"The {item.kind} {item.item_id} is no longer in the trash.")
        return dict(json.loads(row[0]))

    def expired(self, moment: datetime | None = None) -> list[TrashItem]:
        """Items whose period is over."""
        rows = self.catalog.db.execute("SELECT * FROM trash WHERE purge_after <= ? ORDER BY id",
                                       (stamp(moment or datetime.now(UTC)),))
        return [self._item(r) for r in rows]

    def drop_folder(self, item: TrashItem) -> None:
        if item.folder:
            shutil.rmtree(self.home / item.folder, ignore_errors=True)

    @staticmethod
    def _item(r: sqlite3.Row) -> TrashItem:
        return TrashItem(r["id"], r["kind"], r["item_id"], r["title"], r["source"], r["sha256"], r["removed_by"],
                         r["removed_at"], r["purge_after"], r["workspace_id"], r["folder"])
