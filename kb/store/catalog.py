"""The SQLite catalog: documents, their chunks and filterable facets.

The catalog is the source of truth. The vector and lexical indexes are derived from it and can
always be rebuilt from it (plus the embedding cache). Every change to a document and its chunks is
one transaction, so a crash leaves either the old document or the new one, never half of either.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ingest import ChunkDraft
from kb.store.facets import documents_sql, write_facets
from kb.store.migrations import apply_migrations
from kb.types import Chunk, Document

__all__ = ["Catalog", "Replaced", "now", "next_id", "raise_floor"]

# Called inside the transaction that replaces a stored document's chunks, as replaced(catalog, doc id),
# once its new chunks are in: what points at the old ones from elsewhere (pinned excerpts, directory
# sources) is re-pointed in that same transaction (`kb.upkeep.relink`, which the facade passes in: it
# builds citations, which the store cannot import).
Replaced = Callable[["Catalog", int], object]


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def next_id(db: sqlite3.Connection, table: str) -> int:
    """The id a new row of `table` gets: above every live row and every row waiting in the trash.

    SQLite would give a new row the largest live id + 1, which may be the id of a trashed row; the
    trash records its highest ids in `id_floors` (kb.trash), so a restore finds its ids still free.
    """
    row = db.execute(
        f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0),"  # table: ours, never input
        " COALESCE((SELECT value FROM id_floors WHERE name = ?), 0)) + 1",
        (table,),
    ).fetchone()
    return int(row[0])


def raise_floor(db: sqlite3.Connection, table: str, value: int) -> None:
    """Keep ids up to `value` of `table` from being given to new rows (`next_id`)."""
    db.execute(
        "INSERT INTO id_floors (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET"
        " value = MAX(value, excluded.value)",
        (table, int(value)),
    )


class Catalog:
    """The catalog database under the KB home, with one SQLite connection per thread.

    Why per thread: a web server answers many searches at once, and SQLite in WAL mode lets each
    connection read while another writes; one shared connection would interleave their statements
    and transactions. Which state a multi-statement read sees is `kb.serving.Guard`'s business.

    Args:
        path: the catalog file.
        replaced: called when `put_document` replaces a document's chunks, inside its transaction
            (`Replaced`).
    """

    def __init__(self, path: Path, replaced: Replaced | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.replaced = replaced
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._closed = False
        apply_migrations(self.db)
        self._writes = 0  # bumped by every transaction of this catalog (data_version misses those)
        self._filter_cache: dict[str, np.ndarray] = {}
        self._filter_cache_version: tuple[int, int] | None = None
        self._external = 0
        self._filter_lock = threading.Lock()

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use, closed with the catalog)."""
        conn: sqlite3.Connection | None = getattr(self._local, "db", None)
        if conn is None:
            if self._closed:
                raise sqlite3.ProgrammingError("Cannot operate on a closed catalog.")
            # Autocommit mode: transactions are explicit (see `transaction`), never implicit.
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.db = conn
            with self._connections_lock:
                self._connections.append(conn)
        return conn

    def close(self) -> None:
        self._closed = True
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (including KeyboardInterrupt).

        Inside another transaction of this thread's connection it joins that one: the outer COMMIT or
        ROLLBACK decides for both, so a change made of several steps (a directory entry and its audit
        record; an edit folded into another entry) is stored whole or not at all."""
        db = self.db
        if db.in_transaction:
            yield db
            return
        db.execute("BEGIN IMMEDIATE")
        self._writes += 1
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # --- documents -----------------------------------------------------------------------------

    def _document(self, row: sqlite3.Row) -> Document:
        return Document(
            id=row["id"],
            sha256=row["sha256"],
            source=row["source"],
            title=row["title"],
            language=row["language"],
            format=row["format"],
            metadata=json.loads(row["metadata"]),
            status=row["status"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            chunk_count=row["chunk_count"],
            page_count=row["page_count"],
            stored_path=row["stored_path"],
            chunker=row["chunker"],
            ocr=json.loads(row["ocr"]) if row["ocr"] else None,
        )

    _DOC_SELECT = (
        "SELECT d.*, (SELECT COUNT(*) FROM chunks c WHERE c.doc_id = d.id) AS chunk_count FROM documents d"
    )

    def documents(self) -> list[Document]:
        rows = self.db.execute(self._DOC_SELECT + " ORDER BY d.id").fetchall()
        return [self._document(r) for r in rows]

    def document(self, doc_id: int) -> Document | None:
        row = self.db.execute(self._DOC_SELECT + " WHERE d.id = ?", (doc_id,)).fetchone()
        return self._document(row) if row else None

    def document_by_source(self, source: str) -> Document | None:
        row = self.db.execute(self._DOC_SELECT + " WHERE d.source = ?", (source,)).fetchone()
        return self._document(row) if row else None

    def document_by_sha(self, sha256: str) -> Document | None:
        row = self.db.execute(self._DOC_SELECT + " WHERE d.sha256 = ? LIMIT 1", (sha256,)).fetchone()
        return self._document(row) if row else None

    def count_chunked_by_other(self, version: str) -> int:
        """Documents whose chunks another chunker version cut (adding their files again re-chunks them)."""
        return int(self.db.execute("SELECT COUNT(*) FROM documents WHERE chunker != ?", (version,)).fetchone()[0])

    def known_sha256(self) -> set[str]:
        """Hashes of every stored document's bytes (to skip parsing files already stored)."""
        return {r[0] for r in self.db.execute("SELECT sha256 FROM documents")}

    def documents_by_ids(self, doc_ids: Iterable[int]) -> dict[int, Document]:
        rows = self._select_in(self._DOC_SELECT + " WHERE d.id IN ({marks})", sorted(set(doc_ids)))
        return {r["id"]: self._document(r) for r in rows}

    def put_document(
        self,
        *,
        sha256: str,
        source: str,
        title: str,
        language: str,
        format: str,
        metadata: dict[str, Any],
        page_count: int | None,
        stored_path: str | None,
        chunks: Sequence[ChunkDraft],
        chunker: str = "",
        signature: bytes | None = None,
        ocr: dict[str, Any] | None = None,
        also: Callable[[sqlite3.Connection, int], None] | None = None,
    ) -> tuple[int, np.ndarray, np.ndarray]:
        """Insert a document, or replace the one with the same source, with its chunks, atomically.

        Returns:
            (doc id, ids of the chunks it replaced, ids of its new chunks).
        """
        from index import text_hash  # the embedding cache's key for the same text

        stamp = now()
        with self.transaction() as db:
            row = db.execute("SELECT id FROM documents WHERE source = ?", (source,)).fetchone()
            old_ids = np.zeros(0, dtype=np.int64)
            fields = (sha256, title, language, format, json.dumps(metadata, ensure_ascii=False),
                      page_count, stored_path, chunker, signature, json.dumps(ocr) if ocr else None, stamp)
            if row:
                doc_id = int(row["id"])
                old_ids = self._chunk_ids_of(doc_id)
                db.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
                if len(old_ids):  # never given again: a card or a pointer still holding one finds it gone,
                    raise_floor(db, "chunks", int(old_ids.max()))  # not another passage under that id
                db.execute(
                    "UPDATE documents SET sha256=?, title=?, language=?, format=?, metadata=?, page_count=?,"
                    " stored_path=?, chunker=?, signature=?, ocr=?, updated_at=?, status='ready' WHERE id=?",
                    (*fields, doc_id),
                )
            else:
                doc_id = next_id(db, "documents")
                db.execute(
                    "INSERT INTO documents (sha256, title, language, format, metadata, page_count, stored_path,"
                    " chunker, signature, ocr, updated_at, source, created_at, status, id)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,'ready',?)",
                    (*fields, source, stamp, doc_id),
                )
            new_ids = []
            chunk_id = next_id(db, "chunks")
            for c in chunks:
                db.execute(
                    "INSERT INTO chunks (id, doc_id, ordinal, text, page, section, char_start, char_end,"
                    " language, text_sha256, subsections) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (chunk_id, doc_id, c.ordinal, c.text, c.page, json.dumps(list(c.section), ensure_ascii=False),
                     c.char_start, c.char_end, c.language, text_hash(c.text),
                     json.dumps([[at, list(path)] for at, path in c.subsections], ensure_ascii=False)),
                )
                new_ids.append(chunk_id)
                chunk_id += 1
            write_facets(db, doc_id, language, metadata)
            if row and self.replaced is not None:  # pointers at the chunks just deleted, re-pointed
                self.replaced(self, doc_id)
            if also is not None:  # e.g. a job marks the file done in the same transaction
                also(db, doc_id)
        return doc_id, old_ids, np.asarray(new_ids, dtype=np.int64)

    def set_metadata(self, doc_id: int, metadata: dict[str, Any], title: str | None = None) -> None:
        """Replace a document's metadata (and title) without touching its chunks."""
        with self.transaction() as db:
            row = db.execute("SELECT language, title FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                raise KeyError(doc_id)
            db.execute(
                "UPDATE documents SET metadata=?, title=?, updated_at=? WHERE id=?",
                (json.dumps(metadata, ensure_ascii=False), title or row["title"], now(), doc_id),
            )
            write_facets(db, doc_id, row["language"], metadata)

    def signatures(self) -> list[tuple[int, str, str, bytes | None]]:
        """(id, source, title, signature or None) of every document (see kb.ingesting.near_duplicates)."""
        rows = self.db.execute("SELECT id, source, title, signature FROM documents ORDER BY id")
        return [(int(r["id"]), r["source"], r["title"], r["signature"]) for r in rows]

    def set_signature(self, doc_id: int, signature: bytes) -> None:
        """Store a document's signature computed after it was added (documents from before signatures)."""
        with self.transaction() as db:
            db.execute("UPDATE documents SET signature = ? WHERE id = ?", (signature, doc_id))

    def remove_document(self, doc_id: int) -> np.ndarray:
        """Delete a document and its chunks. Returns the removed chunk ids."""
        with self.transaction() as db:
            ids = self._chunk_ids_of(doc_id)
            db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        return ids

    # --- chunks --------------------------------------------------------------------------------

    def _chunk_ids_of(self, doc_id: int) -> np.ndarray:
        rows = self.db.execute("SELECT id FROM chunks WHERE doc_id = ? ORDER BY id", (doc_id,)).fetchall()
        return np.asarray([r[0] for r in rows], dtype=np.int64)

    def generation(self) -> int:
        """A counter that moves with every committed change to what the indexes are built from, by any
        process (triggers of migration m015): equal values mean the indexes' sources did not change."""
        return int(self.db.execute("SELECT value FROM generation WHERE id = 1").fetchone()[0])

    def bump_generation(self) -> None:
        """Move the generation on for a change no row shows (indexes rebuilt with another model)."""
        with self.db:
            self.db.execute("UPDATE generation SET value = value + 1 WHERE id = 1")

    def chunk_ids(self) -> np.ndarray:
        """Every chunk id in the catalog, sorted."""
        rows = self.db.execute("SELECT id FROM chunks ORDER BY id").fetchall()
        return np.asarray([r[0] for r in rows], dtype=np.int64)

    def _select_in(self, sql: str, ids: Iterable[int]) -> list[sqlite3.Row]:
        """Rows of `sql` (holding `{marks}` inside an `IN (...)`) for the ids, in batches.

        Batches keep each statement under SQLite's limit on bound variables.
        """
        id_list = [int(i) for i in ids]
        rows: list[sqlite3.Row] = []
        for start in range(0, len(id_list), 900):
            part = id_list[start : start + 900]
            rows += self.db.execute(sql.format(marks=",".join("?" * len(part))), part).fetchall()
        return rows

    def chunks(self, ids: Iterable[int]) -> dict[int, Chunk]:
        """Chunks by id (missing ids are simply absent)."""
        rows = self._select_in("SELECT * FROM chunks WHERE id IN ({marks})", ids)
        return {r["id"]: self._chunk(r) for r in rows}

    def chunks_of(self, doc_id: int) -> list[Chunk]:
        rows = self.db.execute("SELECT * FROM chunks WHERE doc_id = ? ORDER BY ordinal", (doc_id,))
        return [self._chunk(r) for r in rows]

    def index_fields(self, ids: np.ndarray | None = None) -> list[tuple[int, str, dict[str, Any], list[str], str]]:
        """(chunk id, document title, document metadata, section path, chunk text) for the given chunk
        ids, or all, by id: what `kb.indexing.index_text.index_rows` turns into the texts the indexes see."""
        sql = ("SELECT c.id, c.text, c.section, d.title, d.metadata FROM chunks c "
               "JOIN documents d ON d.id = c.doc_id")
        if ids is None:
            rows = self.db.execute(sql + " ORDER BY c.id").fetchall()
        else:
            rows = self._select_in(sql + " WHERE c.id IN ({marks}) ORDER BY c.id", ids)
        return [(r["id"], r["title"], json.loads(r["metadata"]), json.loads(r["section"]), r["text"]) for r in rows]

    def chunk_languages(self, ids: Sequence[int]) -> dict[int, str]:
        rows = self._select_in("SELECT id, language FROM chunks WHERE id IN ({marks})", ids)
        return {r[0]: r[1] for r in rows}

    @staticmethod
    def _chunk(r: sqlite3.Row) -> Chunk:
        return Chunk(
            id=r["id"],
            doc_id=r["doc_id"],
            ordinal=r["ordinal"],
            text=r["text"],
            page=r["page"],
            section=tuple(json.loads(r["section"])),
            char_start=r["char_start"],
            char_end=r["char_end"],
            language=r["language"],
            subsections=tuple((int(at), tuple(path)) for at, path in json.loads(r["subsections"])),
        )

    # --- filters -------------------------------------------------------------------------------

    def filtered_chunk_ids(self, filters: dict[str, Any]) -> np.ndarray:
        """Chunk ids of documents matching every filter (list values match any of them), sorted.

        Keys are facet keys plus `language`, `year_min`, `year_max`, `doc_id`. Results are cached
        until the catalog changes (in this process or another: SQLite's data_version says so), since
        the same filter is asked again and again while the library stays the same.
        """
        key = json.dumps(filters, sort_keys=True, default=str)
        seen = self.db.execute("PRAGMA data_version").fetchone()[0]
        with self._filter_lock:
            if getattr(self._local, "data_version", None) != seen:
                self._external += 1  # another connection committed since this thread last looked (or a new thread)
            self._local.data_version = seen
            version = (self._writes, self._external)
            if self._filter_cache_version != version:
                self._filter_cache.clear()
                self._filter_cache_version = version
            cached = self._filter_cache.get(key)
        if cached is not None:
            return cached
        docs, params = documents_sql(filters)
        rows = self.db.execute(f"SELECT id FROM chunks WHERE doc_id IN ({docs}) ORDER BY id", params).fetchall()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        with self._filter_lock:
            if self._filter_cache_version == version:
                if len(self._filter_cache) > 256:
                    self._filter_cache.clear()
                self._filter_cache[key] = ids
        return ids

    def facet_values(self, key: str) -> list[str]:
        rows = self.db.execute(
            "SELECT DISTINCT value FROM doc_facets WHERE key = ? ORDER BY value", (key,)
        ).fetchall()
        return [r[0] for r in rows]

    # --- ingest runs ---------------------------------------------------------------------------

    def record_run(self, started_at: str, report: dict[str, Any]) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO ingest_runs (started_at, finished_at, report) VALUES (?,?,?)",
                (started_at, now(), json.dumps(report, ensure_ascii=False)),
            )

    def last_run(self) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM ingest_runs ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        return {"started_at": row["started_at"], "finished_at": row["finished_at"],
                "report": json.loads(row["report"])}
