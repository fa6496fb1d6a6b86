"""Keeping what points into a document's passages pointed at passages that exist and hold its words.

A pinned excerpt (`draft_items`, kind "excerpt") and a directory entry's source (`directory_sources`)
copy their words and citation, and keep `doc_id`/`chunk_id` as plain pointers back (not foreign keys:
they outlive the document). When a document's chunks are replaced (new content under the same
source, `kb reread`, a chunker upgrade, OCR read again), every chunk it had is deleted and the new
ones get ids above the live ones: new ids, or, when its chunks held the highest ids, the same ids
for other passages. Either way the pointers no longer name the passage their words were taken from,
and a citation built from the old chunk stays under the section that chunk began with.

`relink_document` re-points them, for one document, inside the transaction that replaced its chunks
(`Catalog(replaced=relink_document)`): each row is pointed at the current chunk holding its words
(spacing aside: `find_chunk`), and its page, section and citation are rebuilt as a fresh pin
(`kb.drafting.excerpts.reference`) or a fresh "Add to directory" (`kb.directory.sources.
source_from_chunk`) builds them. A row whose words the document no longer holds keeps its words and
citation (the evidence) and loses its `chunk_id`. `stale_links` finds the rows a knowledge base from
before this holds (a chunk that is not its document's, or does not hold the row's words);
`relink_stale` repairs just those (`kb check`, and every open: `kb.upkeep.consistency`). Changes are
recorded in the audit trail as "document.relink" by "system", as the trash's purge on open is.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kb.audit.trail import record
from kb.directory.sources import find_chunk, source_from_chunk
from kb.drafting.excerpts import quote_span, quoted_section, reference
from kb.store.catalog import Catalog
from kb.types import Chunk, Document

__all__ = ["Relinked", "relink_document", "stale_links", "relink_stale", "SYSTEM"]

SYSTEM = "system"  # who the audit trail names for a repair no person asked for

# (table, its rows that point into documents: id, chunk_id, the words quoted, the section cited as JSON)
_ROWS = {
    "draft_items": "SELECT r.id, r.doc_id, r.chunk_id, r.text AS words, json_extract(r.meta, '$.section') AS section"
                   " FROM draft_items r WHERE r.kind = 'excerpt'",
    "directory_sources": "SELECT r.id, r.doc_id, r.chunk_id, r.quote AS words, r.section FROM directory_sources r"
                         " WHERE 1",
}


@dataclass
class Relinked:
    """What a relink changed.

    Attributes:
        relinked: rows now pointing at a current chunk (page, section and citation rebuilt).
        unlinked: rows whose words the document no longer holds: `chunk_id` set to NULL.
        draft_items, directory_sources: ids of the rows changed, by table.
    """

    relinked: int = 0
    unlinked: int = 0
    draft_items: list[int] = field(default_factory=list)
    directory_sources: list[int] = field(default_factory=list)

    def __iadd__(self, other: Relinked) -> Relinked:
        self.relinked += other.relinked
        self.unlinked += other.unlinked
        self.draft_items += other.draft_items
        self.directory_sources += other.directory_sources
        return self


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _relink_item(db: sqlite3.Connection, doc: Document, chunk: Chunk, row: sqlite3.Row) -> None:
    """A pinned excerpt cited as a fresh pin of its words in `chunk` would be (`Drafts.pin`)."""
    ref = reference(chunk, chunk, doc, None, row["words"])
    db.execute("UPDATE draft_items SET chunk_id = ?, citation = ?, page = ?, source = ?, meta = ? WHERE id = ?",
               (chunk.id, ref.citation, ref.page, ref.source, _dump(ref.meta), row["id"]))


def _relink_source(db: sqlite3.Connection, doc: Document, chunk: Chunk, row: sqlite3.Row) -> None:
    """A directory source cited as a fresh "Add to directory" of its words in `chunk` would be
    (`Directory.from_excerpt`)."""
    fresh = source_from_chunk(doc, chunk, row["words"], section=quoted_section(chunk, row["words"]))
    db.execute("UPDATE directory_sources SET chunk_id = ?, document = ?, title = ?, page = ?, section = ?,"
               " citation = ?, meta = ? WHERE id = ?",
               (chunk.id, fresh.document, fresh.title, fresh.page, json.dumps(list(fresh.section), ensure_ascii=False),
                fresh.citation, _dump(fresh.meta), row["id"]))


_RELINK: dict[str, Callable[[sqlite3.Connection, Document, Chunk, sqlite3.Row], None]] = {
    "draft_items": _relink_item, "directory_sources": _relink_source}


def _holds(chunk: Chunk | None, words: str) -> bool:
    return chunk is not None and quote_span(chunk.text, words) is not None


def relink_document(catalog: Catalog, doc_id: int, actor: str = SYSTEM, *, replaced: bool = True) -> Relinked:
    """Point one document's pinned excerpts and directory sources at its current chunks.

    Runs on the catalog's connection, so inside the caller's transaction (`Catalog.put_document`'s, or
    `relink_stale`'s): the rows change with the chunks or not at all.

    Args:
        catalog: the catalog, in a transaction.
        doc_id: the document.
        actor: who the audit trail names.
        replaced: its chunks were just replaced, so every row pointing into it is pointed again (a
            row left pointing at nothing too: its words may be back); False: only the rows
            `stale_links` counts (`kb check`), so a sound row keeps the citation it was pinned with.

    Returns:
        What changed (nothing for a document that is not stored).
    """
    doc = catalog.document(doc_id)
    done = Relinked()
    if doc is None:
        return done
    db = catalog.db
    chunks = catalog.chunks_of(doc_id)
    by_id = {c.id: c for c in chunks}
    for table, sql in _ROWS.items():
        for row in db.execute(sql + " AND r.doc_id = ?", (doc_id,)).fetchall():
            pointed = by_id.get(row["chunk_id"])
            if not replaced and (row["chunk_id"] is None or _holds(pointed, row["words"])):
                continue
            section = json.loads(row["section"] or "[]")
            # the chunk it points at when that holds its words (an id the new chunks took again), else the one that does
            chunk = pointed if _holds(pointed, row["words"]) else find_chunk(chunks, row["words"], section)
            if chunk is not None:
                _RELINK[table](db, doc, chunk, row)
                done.relinked += 1
            elif row["chunk_id"] is not None:  # the words are gone: the copy stays, the pointer goes
                db.execute(f"UPDATE {table} SET chunk_id = NULL WHERE id = ?", (row["id"],))
                done.unlinked += 1
            else:
                continue
            getattr(done, table).append(row["id"])
    if done.relinked or done.unlinked:
        record(db, actor, "document.relink", f"document {doc_id}",
               {"source": doc.source, "relinked": done.relinked, "unlinked": done.unlinked, "draft_items": done.draft_items,
                "directory_sources": done.directory_sources})
    return done


def stale_links(catalog: Catalog) -> dict[int, int]:
    """Pinned excerpts and directory sources whose pointer into a stored document is stale, counted by
    document id: the chunk is not one of the document's, or does not hold the row's words (its id was
    taken again by another passage). Rows of a removed document keep their pointers (restoring it from
    the trash brings the same chunks back), and a row pointing at nothing is not stale."""
    out: dict[int, int] = {}
    for sql in _ROWS.values():
        rows = catalog.db.execute(
            f"SELECT s.doc_id, s.words, c.text FROM ({sql}) s JOIN documents d ON d.id = s.doc_id"
            " LEFT JOIN chunks c ON c.id = s.chunk_id AND c.doc_id = s.doc_id WHERE s.chunk_id IS NOT NULL"
        ).fetchall()
        for doc_id, words, text in rows:
            if text is None or quote_span(text, words) is None:
                out[int(doc_id)] = out.get(int(doc_id), 0) + 1
    return out


def relink_stale(catalog: Catalog, actor: str = SYSTEM) -> Relinked:
    """Relink the rows `stale_links` counts, in one transaction."""
    done = Relinked()
    stale = stale_links(catalog)
    if stale:
        with catalog.transaction():
            for doc_id in sorted(stale):
                done += relink_document(catalog, doc_id, actor, replaced=False)
    return done
