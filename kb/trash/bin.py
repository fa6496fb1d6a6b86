"""Trash: one entry point over the trash of one KB (documents, drafts, purge).

Items wait `days` (Settings.trash_days, `KB_TRASH_DAYS`, default 30) and are purged when a KB opens
after their period, or by `kb trash purge`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from kb.audit.trail import record
from kb.indexing.indexes import Indexes
from kb.store.catalog import Catalog
from kb.trash.documents import restore_document, trash_document
from kb.trash.drafts import restore_draft, trash_draft
from kb.trash.store import TrashError, TrashItem, TrashTable
from kb.types import Document

__all__ = ["Trash"]


class Trash:
    """The trash of one knowledge base.

    Args:
        catalog: the KB's catalog.
        indexes: the KB's signals (a document's rows go to the trash and come back from it).
        home: the KB home (its `trash/` folder).
        days: how long an item waits before it is purged.
    """

    def __init__(self, catalog: Catalog, indexes: Indexes, home: Path, days: float) -> None:
        self.table = TrashTable(catalog, home, days)
        self.indexes = indexes

    def items(self, kind: str | None = None) -> list[TrashItem]:
        """What is in the trash ("document", "draft" or both), most recently removed first."""
        return self.table.items(kind)

    def find(self, kind: str, item_id: int) -> TrashItem | None:
        return self.table.find(kind, item_id)

    def _get(self, kind: str, item_id: int) -> TrashItem:
        item = self.table.find(kind, item_id)
        if item is None:
            raise TrashError(f"There is no {kind} {item_id} in the trash.")
        return item

    def remove_document(self, doc: Document, actor: str) -> TrashItem:
        return trash_document(self.table, self.indexes, doc, actor)

    def restore_document(self, doc_id: int, actor: str, *, as_copy: bool = False) -> Document:
        return restore_document(self.table, self.indexes, self._get("document", doc_id), actor, as_copy=as_copy)

    def remove_draft(self, draft_id: int, actor: str) -> TrashItem:
        return trash_draft(self.table, draft_id, actor)

    def restore_draft(self, draft_id: int, actor: str) -> int:
        return restore_draft(self.table, self._get("draft", draft_id), actor)

    def purge(self, actor: str, items: list[TrashItem] | None = None, *,
              moment: datetime | None = None) -> list[TrashItem]:
        """Delete items for good: the given ones, else those whose period is over (at `moment`).

        Returns:
            The purged items.
        """
        chosen = self.table.expired(moment) if items is None else items
        for item in chosen:
            with self.table.catalog.transaction() as tx:
                tx.execute("DELETE FROM trash WHERE id = ?", (item.id,))
                record(tx, actor, f"{item.kind}.purge", f"{item.kind} {item.item_id}",
                       {"title": item.title, "removed_at": item.removed_at, "expired": items is None})
            self.table.drop_folder(item)
        return chosen
