"""What the KB's per-chunk side indexes (latent terms, paragraph vectors) have in common.

Each is kept per a setting ("on", "off", or "auto": while the KB has at most a given number of
chunks, counted from the vector index, O(1)), lives in one file under the index folder, is loaded on
first use, is refilled from the embedding cache only (never the model) when a KB opens, and is used
in ranking only when every chunk has its rows. Subclasses say what the store is and how to fill it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np

from index.chunk_store import ChunkStore

if TYPE_CHECKING:
    from kb.indexes import Indexes

__all__ = ["SideIndex"]

Store = TypeVar("Store", bound=ChunkStore[Any])


class SideIndex(Generic[Store]):
    """One side index of a KB (created by its `kb.indexes.Indexes`; loads its store on first use)."""

    setting: str  # the Settings attribute holding "auto" | "on" | "off"
    file_name: str  # under Settings.index_dir
    noun: str  # what the rows are, for messages

    def __init__(self, kb: Indexes) -> None:
        self.kb = kb
        self._store: Store | None = None
        self._loaded = False

    # --- what a subclass provides ------------------------------------------------------------

    def auto_max(self) -> int:
        """The "auto" size limit (read at each call, so it follows its module constant)."""
        raise NotImplementedError

    def available(self) -> bool:
        """Whether the KB's embedder can give these rows at all."""
        return True

    def _new(self) -> Store:
        raise NotImplementedError

    def _load(self, path: Path) -> Store:
        """Read the saved store; raise OSError, ValueError, EOFError or KeyError when unusable."""
        raise NotImplementedError

    def encode(self, texts: Sequence[str]) -> Any:
        """The rows of these index texts through the embedding cache; None when not in use."""
        raise NotImplementedError

    def _store_rows(self, ids: np.ndarray, rows: Any) -> None:
        """Put what `encode` returned into the store under these chunk ids."""
        raise NotImplementedError

    def refill(self, ids: np.ndarray) -> bool:
        """Rows for these chunks from the embedding cache only. True if any were added."""
        raise NotImplementedError

    # --- shared ------------------------------------------------------------------------------

    def add(self, ids: np.ndarray, texts: Sequence[str], encoded: Any = None) -> bool:
        """Store the rows of these chunks: `encoded` when the caller already has them (ingest encodes
        before its catalog commit), else encoded now. True if the store changed."""
        rows = encoded if encoded is not None else (self.encode(texts) if len(ids) else None)
        if rows is None or self.store is None:
            return False
        self._store_rows(ids, rows)
        return True

    def wanted(self, chunks: int) -> bool:
        """Whether a KB of this many chunks keeps these rows."""
        mode = getattr(self.kb.settings, self.setting)
        return mode == "on" or (mode == "auto" and chunks <= self.auto_max())

    def in_use(self, chunks: int) -> bool:
        return self.available() and self.wanted(chunks)

    @property
    def store(self) -> Store | None:
        """The chunks' rows, or None when not in use."""
        chunks = len(self.kb.vectors)  # the vector count is the chunk count
        if self._loaded and self._store is not None and not self.in_use(chunks):
            self._store = None  # grew past the "auto" limit: stop keeping them
        if not self._loaded:
            self._loaded = True
            if self.in_use(chunks):
                try:
                    self._store = self._load(self.kb.settings.index_dir / self.file_name)
                except (OSError, ValueError, EOFError, KeyError):
                    self._store = self._new()  # lost, damaged or foreign: refilled by `check`
                    self.kb.mark_changed()
        return self._store

    def complete(self) -> bool:
        """True when every indexed chunk has its rows, so ranking may use them fairly."""
        store = self.store
        return store is not None and len(store) > 0 and len(store) == len(self.kb.vectors)

    def missing(self) -> int:
        """Catalog chunks without rows while the store is in use (the catalog is counted only then)."""
        store = self.store
        if store is None or self.complete():
            return 0
        return max(len(self.kb.catalog.chunk_ids()) - len(store), 0)

    def reset(self, chunks: int) -> None:
        """Start an empty store (or none) for a KB about to be re-indexed with this many chunks."""
        self._store, self._loaded = (self._new() if self.in_use(chunks) else None), True

    def remove(self, ids: np.ndarray) -> None:
        if self.store is not None:
            self.store.remove(ids)

    def save(self) -> None:
        if self.store is not None:
            self.store.save(self.kb.settings.index_dir / self.file_name)
