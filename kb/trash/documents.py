"""Removing a document to the trash and restoring it exactly: same ids, same rows in every signal.

Removal writes, before anything is deleted, the document's rows of every ranking signal the KB
keeps (each signal's `rows_of`: FAISS vectors, latent terms, paragraph vectors, and one added later;
a signal that keeps none, like BM25, is encoded again from the index text, which costs no model)
and a copy of its original into `trash/document-<id>/`; then one catalog transaction moves its
catalog rows into the `trash` table, raises the id floors and records the removal in the audit
trail; then the signals drop its chunks, so search stops finding it at once. A crash in between
leaves either the document or its trash entry, and `kb check` mends the indexes from the catalog.

Restore does the reverse with the saved rows, so nothing is embedded again and a query scores
exactly as before the removal. When the same file (source name or bytes) was added again
meanwhile, the newer copy stays: restore refuses with TrashConflict, unless asked to keep the
trashed one as a separate document (`as_copy`, under a new source name).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np

from kb.audit.trail import record
from kb.indexing.index_text import index_rows
from kb.indexing.indexes import Indexes
from kb.store.catalog import now, raise_floor
from kb.store.originals import original_path
from kb.trash.related import capture, highest_ids, put_back
from kb.trash.rows import load_rows, save_rows
from kb.trash.store import TrashConflict, TrashError, TrashItem, TrashTable
from kb.types import Document

__all__ = ["trash_document", "restore_document"]


def _folder(table: TrashTable, doc_id: int) -> Path:
    return table.folder / f"document-{doc_id}"


def trash_document(table: TrashTable, indexes: Indexes, doc: Document, actor: str) -> TrashItem:
    """Move a document, its chunks, its signals' rows and its original to the trash.

    Returns:
        Its trash entry.
    """
    catalog, home = table.catalog, table.home
    db = catalog.db
    # the document's row and every row deleted with it: chunks, facets, and what later tables keep of them
    rows = capture(db, "documents", [doc.id])
    ids = np.asarray(sorted(r["id"] for r in rows.get("chunks", [])), dtype=np.int64)
    folder = _folder(table, doc.id)
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    signals: list[str] = []
    for s in indexes.active():
        kept = np.intersect1d(ids, s.ids())
        kept_rows = s.rows_of(kept) if len(kept) else None
        if kept_rows is not None:
            save_rows(tmp / f"{s.name}.npz", kept, kept_rows)
            signals.append(s.name)
    original = original_path(home, doc)
    if original is not None:
        shutil.copyfile(original, tmp / f"original{original.suffix}")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    payload = {
        "rows": rows,
        "signals": signals,
        "original": f"original{original.suffix}" if original is not None else None,
    }
    with catalog.transaction() as tx:
        tx.execute(
            "INSERT INTO trash (kind, item_id, title, source, sha256, removed_by, removed_at, purge_after,"
            " payload, folder) VALUES ('document',?,?,?,?,?,?,?,?,?)",
            (doc.id, doc.title, doc.source, doc.sha256, actor, now(), table.purge_after(),
             json.dumps(payload, ensure_ascii=False), str(folder.relative_to(home))),
        )
        for name, highest in highest_ids(rows).items():
            raise_floor(tx, name, highest)
        tx.execute("DELETE FROM documents WHERE id = ?", (doc.id,))
        record(tx, actor, "document.remove", f"document {doc.id}",
               {"title": doc.title, "source": doc.source, "chunks": len(ids), "to": "trash"})
    indexes.remove(ids)
    indexes.save()
    # The stored original goes once no live document has the same bytes (the trash keeps its copy).
    if original is not None and catalog.document_by_sha(doc.sha256) is None:
        original.unlink(missing_ok=True)
    item = table.find("document", doc.id)
    assert item is not None
    return item


def _free_source(table: TrashTable, source: str) -> str:
    n, name = 1, f"{source} (restored)"
    while table.catalog.document_by_source(name) is not None:
        n += 1
        name = f"{source} (restored {n})"
    return name


def restore_document(table: TrashTable, indexes: Indexes, item: TrashItem, actor: str, *,
                     as_copy: bool = False) -> Document:
    """Put a trashed document back under its ids, with the very rows its signals had.

    Args:
        as_copy: when the same file was added again meanwhile, keep this one as a separate document
            (source "NAME (restored)") instead of refusing.

    Returns:
        The restored document. Raises TrashConflict when a newer copy exists and `as_copy` is False.
    """
    catalog, home = table.catalog, table.home
    payload = table.payload(item)
    newer = catalog.document_by_source(item.source) or catalog.document_by_sha(item.sha256)
    rows = payload["rows"]
    doc_row = dict(rows["documents"][0])
    if newer is not None and not as_copy:
        raise TrashConflict(
            f"“{item.source}” was added again after it was removed (now document {newer.id}, “{newer.title}”). "
            "The newer copy stays. Purge the trashed one, or restore it as a separate document.",
            newer.id,
        )
    if newer is not None and catalog.document_by_source(item.source) is not None:
        doc_row["source"] = _free_source(table, item.source)
    ids = np.asarray(sorted(c["id"] for c in rows.get("chunks", [])), dtype=np.int64)
    taken = catalog.chunks(ids.tolist())
    if catalog.document(item.item_id) is not None or taken:
        raise TrashError(f"Document {item.item_id}'s ids are in use; it cannot be restored under them.")
    folder = home / item.folder if item.folder else None
    if folder is not None and payload.get("original") and doc_row.get("stored_path"):
        target = home / doc_row["stored_path"]
        if not target.exists() and (folder / payload["original"]).exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / payload["original"], target)
    with catalog.transaction() as tx:
        put_back(tx, rows, exact={"documents", "chunks"}, replace={"documents": {"source": doc_row["source"]}})
        tx.execute("DELETE FROM trash WHERE id = ?", (item.id,))
        record(tx, actor, "document.restore", f"document {item.item_id}",
               {"title": item.title, "source": doc_row["source"], "as_copy": doc_row["source"] != item.source})
    _restore_rows(indexes, folder, set(payload.get("signals", [])), ids)
    table.drop_folder(item)
    restored = catalog.document(item.item_id)
    assert restored is not None
    return restored


def _restore_rows(indexes: Indexes, folder: Path | None, saved: set[str], ids: np.ndarray) -> None:
    """Every kept signal gets its saved rows back; one without saved rows is filled as `kb check`
    would (its `repair`: through the cache; an optional signal from the cache only)."""
    if not len(ids):
        return
    by_id: dict[int, str] | None = None
    for s in indexes.active():
        done = np.zeros(0, dtype=np.int64)
        path = folder / f"{s.name}.npz" if folder is not None else None
        if s.name in saved and path is not None and path.exists():
            done, rows = load_rows(path)
            s.add(done, rows)
        missing = np.setdiff1d(ids, done)
        if len(missing):
            by_id = by_id if by_id is not None else dict(index_rows(indexes.catalog, ids))
            s.repair(missing, [by_id[int(i)] for i in missing])
    indexes.mark_changed()
    indexes.save()
