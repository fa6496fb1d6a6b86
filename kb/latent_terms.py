"""A knowledge base's latent terms: whether it keeps them, their store on disk, and filling it.

The mechanism (what latent terms are, how they re-score a search) is `index.latent`; this module owns
the KB side of it, so `KnowledgeBase` only delegates:

* kept per `Settings.latent_terms`: "on", "off", or "auto" (while the KB has at most
  `index.latent.LATENT_AUTO_MAX` chunks, counted from the vector index, O(1));
* computed with the vectors, before the catalog commit, and cached like them;
* refilled from the cache only when a KB opens (never the model: a KB from before latent terms gets
  them with `kb reindex`), and used in ranking only when every chunk has them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from index.latent import LatentEncoder, LatentStore
    from kb.knowledge_base import KnowledgeBase

__all__ = ["LatentTerms"]


class LatentTerms:
    """The latent-term side of one KnowledgeBase (created by it; loads its store on first use)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._store: LatentStore | None = None
        self._loaded = False

    def wanted(self, chunks: int) -> bool:
        """Whether a KB of this many chunks keeps latent terms."""
        from index.latent import LATENT_AUTO_MAX

        mode = self.kb.settings.latent_terms
        return mode == "on" or (mode == "auto" and chunks <= LATENT_AUTO_MAX)

    @property
    def encoder(self) -> LatentEncoder | None:
        """Latent terms through the cache, or None when off, too large for "auto", or not offered."""
        from index.latent import LatentEncoder, latent_source

        if not self.wanted(len(self.kb.vectors)):  # the vector count is the chunk count
            return None
        source = latent_source(self.kb.embedder)
        return LatentEncoder(source) if source is not None else None

    @property
    def store(self) -> LatentStore | None:
        """The chunks' latent terms, or None when not in use."""
        if self._loaded and self._store is not None and self.encoder is None:
            self._store = None  # grew past the "auto" limit: stop keeping them
        if not self._loaded:
            from index.latent import LatentStore

            self._loaded = True
            if self.encoder is not None:
                try:
                    self._store = LatentStore.load(self.kb.settings.index_dir / "latent")
                except (OSError, ValueError, EOFError, KeyError):
                    self._store = LatentStore()  # refilled from the embedding cache by `check`
                    self.kb._dirty = True
        return self._store

    def complete(self) -> bool:
        """True when every indexed chunk has latent terms, so ranking may use them fairly."""
        store = self.store
        return store is not None and len(store) > 0 and len(store) == len(self.kb.vectors)

    def reset(self, chunks: int) -> None:
        """Start an empty store (or none) for a KB about to be re-indexed with this many chunks."""
        from index.latent import LatentStore

        self._store, self._loaded = (LatentStore() if self.wanted(chunks) else None), True

    def encode(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray] | None:
        """Latent terms of index texts through the cache (None when not in use)."""
        encoder = self.encoder
        if encoder is None or self.store is None:
            return None
        return encoder.unpack(self.kb.cache.embed_passages(encoder, list(texts)))

    def add(self, ids: np.ndarray, texts: Sequence[str]) -> bool:
        """Store the terms of these chunks (encoding any not cached). True if the store changed."""
        terms = self.encode(texts) if len(ids) else None
        if terms is None or self.store is None:
            return False
        self.store.add(ids, *terms)
        return True

    def remove(self, ids: np.ndarray) -> None:
        if self.store is not None:
            self.store.remove(ids)

    def refill(self, ids: np.ndarray) -> bool:
        """Terms for these chunks from the embedding cache only. True if any were added.

        Chunks whose terms were never computed stay without them; ranking leaves latent terms out
        until `kb reindex` computes them.
        """
        from index import text_hash

        encoder, store = self.encoder, self.store
        if encoder is None or store is None:
            return False
        rows = self.kb.catalog.index_rows(ids)
        hashes = [text_hash(text) for _, text in rows]
        found = self.kb.cache.get(encoder.id, hashes)
        have = [(cid, found[h]) for (cid, _), h in zip(rows, hashes, strict=True) if h in found]
        if not have:
            return False
        store.add(np.asarray([cid for cid, _ in have], dtype=np.int64), *encoder.unpack(np.stack([v for _, v in have])))
        return True

    def save(self) -> None:
        if self.store is not None:
            self.store.save(self.kb.settings.index_dir / "latent")
