"""Bookkeeping shared by the per-chunk side stores (latent terms, paragraph vectors).

Rows are kept in merged arrays sorted by chunk id, plus a small dict of pending rows and tombstones
for removed ones; a subclass's `_merge` folds both into its arrays before scoring or saving, so an
add or a remove never copies the arrays.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np

from index.atomic import atomic_path

__all__ = ["ChunkStore"]

Row = TypeVar("Row")


class ChunkStore(Generic[Row]):
    """Sorted chunk ids, tombstones and pending rows; subclasses own the row arrays and `_merge`."""

    format_version: int  # saved with the store; a subclass's `load` refuses another

    def __init__(self) -> None:
        self._ids = np.zeros(0, dtype=np.int64)
        self._dead = np.zeros(0, dtype=bool)
        self._pending: dict[int, Row] = {}
        self._lock = threading.RLock()

    def _merge(self) -> None:
        """Fold pending rows and tombstones into the sorted arrays (subclasses)."""
        raise NotImplementedError

    def _saved(self) -> dict[str, np.ndarray | np.generic]:
        """What `save` writes besides the ids, by name: the row arrays (and a subclass's header)."""
        raise NotImplementedError

    def save(self, path: Path) -> None:
        """Write atomically (temp file, fsync, rename): format version, ids, then `_saved()`."""
        with self._lock:
            self._merge()
            # Any: numpy's stubs read `**arrays` as possibly holding savez's own `allow_pickle` flag
            arrays: dict[str, Any] = {"format_version": np.int64(self.format_version), "ids": self._ids,
                                      **self._saved()}
            with atomic_path(Path(path)) as tmp, open(tmp, "wb") as fh:
                np.savez(fh, **arrays)

    def nbytes(self) -> int:
        """Bytes held in the merged arrays, for reports."""
        with self._lock:
            self._merge()
            rows = [v for v in self._saved().values() if isinstance(v, np.ndarray)]
            return int(self._ids.nbytes + self._dead.nbytes + sum(v.nbytes for v in rows))

    def _put(self, ids: np.ndarray, rows: list[Row]) -> None:
        """Queue rows under chunk ids, replacing any stored row of the same id."""
        with self._lock:
            self._kill(ids)
            for cid, row in zip(ids.tolist(), rows, strict=True):
                self._pending[int(cid)] = row

    def remove(self, ids: np.ndarray) -> None:
        """Forget chunk ids; unknown ids are ignored."""
        with self._lock:
            self._kill(np.asarray(ids, dtype=np.int64).reshape(-1))

    def _kill(self, ids: np.ndarray) -> None:
        for cid in ids.tolist():
            self._pending.pop(int(cid), None)
        pos, found = self._positions(ids)
        self._dead[pos[found]] = True

    def _positions(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each id sits in the merged arrays, and whether it is there (and alive)."""
        if not len(self._ids):
            return np.zeros(len(ids), np.int64), np.zeros(len(ids), bool)
        pos = np.clip(np.searchsorted(self._ids, ids), 0, len(self._ids) - 1)
        return pos, (self._ids[pos] == ids) & ~self._dead[pos]

    def ids(self) -> np.ndarray:
        """Stored chunk ids, sorted."""
        with self._lock:
            self._merge()
            return self._ids.copy()

    def __len__(self) -> int:
        with self._lock:
            return int((~self._dead).sum()) + len(self._pending)
