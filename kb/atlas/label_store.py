"""Where section labels, document centroids and the atlas's state live in the catalog (m006, m007).

Every write is one transaction, so a crash leaves the old labels or the new ones; a chunk that was
committed but not yet labelled (a crash between the two) is simply missing from `labelled_chunks`,
and is labelled the next time the KB opens.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from kb.atlas.cities import SectionStats
from kb.store.catalog import Catalog

__all__ = ["LabelStore"]


class LabelStore:
    """The atlas's tables in one KB's catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    @property
    def _db(self) -> sqlite3.Connection:
        return self.catalog.db

    # --- state -------------------------------------------------------------------------------

    def state(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM atlas_state WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_state(self, key: str, value: str) -> None:
        with self.catalog.transaction() as db:
            db.execute("INSERT OR REPLACE INTO atlas_state (key, value) VALUES (?, ?)", (key, value))

    # --- labels ------------------------------------------------------------------------------

    def unlabelled_count(self) -> int:
        """Chunks not labelled yet (cheap: two counts, since labelled chunks are chunks)."""
        chunks = self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        done = self._db.execute("SELECT COUNT(*) FROM labelled_chunks").fetchone()[0]
        return int(chunks - done)

    def unlabelled_ids(self) -> np.ndarray:
        rows = self._db.execute(
            "SELECT id FROM chunks WHERE id NOT IN (SELECT chunk_id FROM labelled_chunks) ORDER BY id"
        ).fetchall()
        return np.asarray([r[0] for r in rows], dtype=np.int64)

    def write(
        self,
        ids: Sequence[int],
        labels: Sequence[Mapping[str, float]],
        centroids: Mapping[int, tuple[int, np.ndarray]],
        *,
        replace_all: bool = False,
        state: Mapping[str, str] | None = None,
    ) -> None:
        """Store the labels of these chunks (and their documents' centroids), in one transaction.

        Args:
            ids: chunk ids; labels: for each, section key -> score of the sections it was given.
            centroids: document id -> (chunk count, mean chunk vector).
            replace_all: drop every stored label first (a relabel with a new framework).
            state: atlas_state values to set in the same transaction (e.g. the framework's digest).
        """
        with self.catalog.transaction() as db:
            if replace_all:
                db.execute("DELETE FROM section_labels")
                db.execute("DELETE FROM labelled_chunks")
            else:
                self._forget(db, ids)
            live = {r[0] for r in self.catalog._select_in("SELECT id FROM chunks WHERE id IN ({marks})", ids)}
            db.executemany("INSERT INTO labelled_chunks (chunk_id) VALUES (?)", [(int(i),) for i in ids if int(i) in live])
            db.executemany(
                "INSERT INTO section_labels (chunk_id, section, score) VALUES (?, ?, ?)",
                [(int(i), s, float(v)) for i, lab in zip(ids, labels, strict=True) if int(i) in live
                 for s, v in lab.items()],
            )
            db.executemany(
                "INSERT OR REPLACE INTO doc_centroids (doc_id, chunks, vector) SELECT ?, ?, ? "
                "WHERE EXISTS (SELECT 1 FROM documents WHERE id = ?)",
                [(int(d), int(n), np.asarray(v, dtype=np.float32).tobytes(), int(d)) for d, (n, v) in centroids.items()],
            )
            for key, value in (state or {}).items():
                db.execute("INSERT OR REPLACE INTO atlas_state (key, value) VALUES (?, ?)", (key, value))
            db.execute("INSERT INTO atlas_state (key, value) VALUES ('labels_version', '1') ON CONFLICT(key) "
                       "DO UPDATE SET value = CAST(value AS INTEGER) + 1")

    def _forget(self, db: sqlite3.Connection, ids: Iterable[int]) -> None:
        id_list = [int(i) for i in ids]
        for start in range(0, len(id_list), 900):
            part = id_list[start : start + 900]
            marks = ",".join("?" * len(part))
            db.execute(f"DELETE FROM section_labels WHERE chunk_id IN ({marks})", part)
            db.execute(f"DELETE FROM labelled_chunks WHERE chunk_id IN ({marks})", part)

    def labels_of(self, ids: Iterable[int]) -> dict[int, dict[str, float]]:
        """Chunk id -> section key -> score, for the labelled ones among `ids` (no entry: no section)."""
        out: dict[int, dict[str, float]] = {}
        for r in self.catalog._select_in("SELECT chunk_id, section, score FROM section_labels WHERE chunk_id IN ({marks})", ids):
            out.setdefault(int(r[0]), {})[str(r[1])] = float(r[2])
        return out

    def section_chunks(self, section: str) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids, label scores) of the chunks given this section, best first."""
        rows = self._db.execute(
            "SELECT chunk_id, score FROM section_labels WHERE section = ? ORDER BY score DESC, chunk_id", (section,)
        ).fetchall()
        return (np.asarray([r[0] for r in rows], dtype=np.int64), np.asarray([r[1] for r in rows], dtype=np.float32))

    def counts(self) -> dict[str, int]:
        """Section key -> chunks given it."""
        rows = self._db.execute("SELECT section, COUNT(*) FROM section_labels GROUP BY section").fetchall()
        return {str(r[0]): int(r[1]) for r in rows}

    def doc_stats(self) -> dict[int, dict[str, SectionStats]]:
        """Document id -> section key -> its labelled chunks (count, best chunk and score)."""
        rows = self._db.execute(
            "SELECT c.doc_id, l.section, COUNT(*), MAX(l.score) FROM section_labels l "
            "JOIN chunks c ON c.id = l.chunk_id GROUP BY c.doc_id, l.section"
        ).fetchall()
        best = self._db.execute(
            "SELECT c.doc_id, l.section, l.chunk_id, l.score FROM section_labels l JOIN chunks c ON c.id = l.chunk_id"
        ).fetchall()
        top: dict[tuple[int, str], tuple[float, int]] = {}
        for doc, section, chunk, score in best:
            k = (int(doc), str(section))
            if k not in top or (score, -chunk) > (top[k][0], -top[k][1]):
                top[k] = (float(score), int(chunk))
        out: dict[int, dict[str, SectionStats]] = {}
        for doc, section, n, _ in rows:
            score, chunk = top[(int(doc), str(section))]
            out.setdefault(int(doc), {})[str(section)] = SectionStats(int(n), chunk, score)
        return out

    def language_section_counts(self) -> dict[tuple[str, str], int]:
        """(chunk language, section key) -> labelled chunks."""
        rows = self._db.execute(
            "SELECT c.language, l.section, COUNT(*) FROM section_labels l JOIN chunks c ON c.id = l.chunk_id "
            "GROUP BY c.language, l.section"
        ).fetchall()
        return {(str(r[0]), str(r[1])): int(r[2]) for r in rows}

    # --- centroids ---------------------------------------------------------------------------

    def centroids(self) -> dict[int, tuple[int, np.ndarray]]:
        """Document id -> (chunk count, mean chunk vector)."""
        rows = self._db.execute("SELECT doc_id, chunks, vector FROM doc_centroids").fetchall()
        return {int(r[0]): (int(r[1]), np.frombuffer(r[2], dtype=np.float32)) for r in rows}

    def fingerprint(self) -> str:
        """Changes whenever a document, its metadata, or any label changes: cities are rebuilt then.

        The documents' metadata is hashed, since two edits within one second leave `updated_at` alike
        (about 10 ms at 5,000 documents).
        """
        h = hashlib.sha1()
        for row in self._db.execute("SELECT id, sha256, metadata FROM documents ORDER BY id"):
            h.update(f"{row[0]}|{row[1]}|{row[2]}\n".encode())
        c = self._db.execute("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM chunks").fetchone()
        n = self._db.execute("SELECT COUNT(*) FROM labelled_chunks").fetchone()[0]
        return f"{h.hexdigest()}|{tuple(c)}|{n}|{self.state('labels_version') or 0}|{self.state('framework') or ''}"
