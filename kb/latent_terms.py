"""A knowledge base's latent terms: whether it keeps them, their store on disk, and filling it.

The mechanism (what latent terms are, how they re-score a search) is `index.latent`; this module owns
the KB side of it, so `kb.indexes.Indexes` only delegates:

* kept per `Settings.latent_terms`: "on", "off", or "auto" (while the KB has at most
  `index.latent.LATENT_AUTO_MAX` chunks, counted from the vector index, O(1));
* computed with the vectors, before the catalog commit, and cached like them;
* refilled from the cache only when a KB opens (never the model: a KB from before latent terms gets
  them with `kb reindex`), and used in ranking only when every chunk has them.

What it shares with paragraph vectors (setting, loading, completeness) is `kb.side_index.SideIndex`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kb.side_index import SideIndex

if TYPE_CHECKING:
    from index.latent import LatentEncoder, LatentStore

__all__ = ["LatentTerms"]


class LatentTerms(SideIndex["LatentStore"]):
    """The latent-term side of one KB's indexes (loads its store on first use)."""

    setting, file_name, noun = "latent_terms", "latent", "latent terms"

    def auto_max(self) -> int:
        from index.latent import LATENT_AUTO_MAX

        return LATENT_AUTO_MAX

    def available(self) -> bool:
        from index.latent import latent_source

        return latent_source(self.kb.embedder) is not None

    def _new(self) -> LatentStore:
        from index.latent import LatentStore

        return LatentStore()

    def _load(self, path: Path) -> LatentStore:
        from index.latent import LatentStore

        return LatentStore.load(path)

    @property
    def encoder(self) -> LatentEncoder | None:
        """Latent terms through the cache, or None when off, too large for "auto", or not offered."""
        from index.latent import LatentEncoder, latent_source

        source = latent_source(self.kb.embedder)
        if source is None or not self.wanted(len(self.kb.vectors)):  # the vector count is the chunk count
            return None
        return LatentEncoder(source)

    def encode(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray] | None:
        """Latent terms of index texts through the cache (None when not in use)."""
        encoder = self.encoder
        if encoder is None or self.store is None:
            return None
        return encoder.unpack(self.kb.cache.embed_passages(encoder, list(texts)))

    def _store_rows(self, ids: np.ndarray, rows: tuple[np.ndarray, np.ndarray]) -> None:
        assert self.store is not None  # SideIndex.add checked it
        self.store.add(ids, *rows)

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
