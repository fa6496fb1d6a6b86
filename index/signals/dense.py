"""The dense signal: the embedder's vector of each chunk's index text, in a FAISS index.

It is the base of every score (`Stage.DENSE`): it retrieves the first candidates, and the other
semantic signals add to its inner product before fusion. The FAISS mechanics (index kinds, the
"auto" switch to IVF at 200k vectors, pre-filtered search, atomic saves) are `index.vectors`.

Cost: one model pass per chunk at ingest (the vectors are cached, so a re-index or a repair pays
nothing); 1,536 B per chunk while exact (768 B under IVF); ~1-3 ms a query at 10k chunks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.errors import IndexFileError, IndexMismatchError
from index.signals.base import IngestCost, Query, Signal, SignalEnv, Stage, aligned, as_ids
from index.vectors import VectorIndex

__all__ = ["DenseSignal"]


class DenseSignal(Signal):
    """Chunk vectors in a `VectorIndex`, opened from the index folder on first use (or given ready)."""

    name = "dense"
    file_name = "vectors.faiss"
    stage = Stage.DENSE
    weight = 1.0
    retrieves = True
    cost = IngestCost(model_passes=1.0, bytes_per_chunk=1536, query_ms=2.0)
    noun = "vectors"
    report_key = "vectors"

    def __init__(self, env: SignalEnv | None = None, *, index: VectorIndex | None = None,
                 weight: float | None = None) -> None:
        super().__init__(env, weight=weight)
        self._index = index
        # Set when the saved index names this embedder's raw model under another projection (a
        # new language basis): the KB then rebuilds it from the cached raw vectors, nothing re-embedded.
        self.stale_projection = False

    @property
    def opened(self) -> bool:
        """Whether the index is in memory yet (an empty KB need not load the model to be checked)."""
        return self._index is not None

    def follow(self, chunks: int) -> bool:
        """Open the index on first use; True when it had to be started empty (it must be saved)."""
        if self._index is not None:
            return False
        assert self.env is not None  # an index given ready is never None
        embedder = self.models.embedder
        try:
            # Raises IndexMismatchError (with the `kb reindex` advice) for another embedder.
            self._index = VectorIndex.load(self.path, embedder.id) if self.path.exists() else None
        except IndexFileError:
            # A torn or damaged save (e.g. killed between renames): the catalog is the truth,
            # so start empty and let `check` refill it from the embedding cache.
            self._index = None
        except IndexMismatchError as err:
            raw = getattr(embedder, "raw", None)
            if not (err.built_with and raw is not None and err.built_with.startswith(f"{raw.id}+")):
                raise
            self.stale_projection = True
        if self._index is None:
            stale = self.stale_projection
            self.reset(0)
            self.stale_projection = stale  # the KB rebuilds it from the cache
            return True
        return False

    @property
    def index(self) -> VectorIndex:
        """The FAISS index (opened on first use)."""
        self.follow(0)
        assert self._index is not None
        return self._index

    def outdated(self) -> bool:
        """True when the index holds chunks embedded from another index-text recipe than the KB's."""
        fmt = self.env.text_format if self.env is not None else None
        return len(self.index) > 0 and self.index.text_format != fmt

    # --- store -------------------------------------------------------------------------------

    def ids(self) -> np.ndarray:
        return self.index.ids()

    def __len__(self) -> int:
        return len(self.index)

    def add(self, ids: np.ndarray, rows: np.ndarray) -> None:
        self.index.add(ids, rows)

    def remove(self, ids: np.ndarray) -> None:
        self.index.remove(ids)

    def rows_of(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors, exactly (float32 [n, dim])."""
        return self.index.vectors(as_ids(ids))

    def save(self) -> None:
        self.index.save(self.path)

    def reset(self, chunks: int) -> None:
        assert self.env is not None
        embedder = self.models.embedder
        self._index = VectorIndex.create(embedder.dim, embedder.id, self.env.index_kind,
                                         text_format=self.env.text_format)
        self.stale_projection = False

    # --- ingest and query --------------------------------------------------------------------

    def encode(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> np.ndarray:
        """Passage vectors through the embedding cache (the model runs only for texts it lacks)."""
        return self.models.embed(texts)

    def search(self, query: Query, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        return self.index.search(query.vector, k, allowed)

    def score(self, query: Query, ids: np.ndarray) -> np.ndarray:
        """Exact inner products of these chunks (sorted unique ids); NaN for ids without a vector."""
        ids = as_ids(ids)
        found, scores = self.index.search(query.vector, len(ids), ids)
        return aligned(ids, found, scores)
