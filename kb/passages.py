"""A knowledge base's passage vectors: whether it keeps them, their store on disk, and filling it.

The mechanism (why paragraphs are embedded on their own, how they re-score a search) is
`index.passages`; this module owns the KB side of it, as `kb.latent_terms` does for latent terms:

* kept per `Settings.passages`: "on", "off", or "auto" (while the KB has at most
  `index.passages.PASSAGES_AUTO_MAX` chunks, counted from the vector index, O(1));
* embedded with the chunk vectors, before the catalog commit, through the embedding cache;
* refilled from the cache only when a KB opens (never the model: a KB from before passage vectors
  gets them with `kb reindex`), and used in ranking only when every chunk has been processed.

What it shares with latent terms (setting, loading, completeness) is `kb.side_index.SideIndex`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kb.side_index import SideIndex

if TYPE_CHECKING:
    from index.passages import PassageStore

__all__ = ["Passages"]


class Passages(SideIndex["PassageStore"]):
    """The passage-vector side of one KB's indexes (loads its store on first use)."""

    setting, file_name, noun = "passages", "passages", "paragraph vectors"

    def auto_max(self) -> int:
        from index.passages import PASSAGES_AUTO_MAX

        return PASSAGES_AUTO_MAX

    def _new(self) -> PassageStore:
        from index.passages import PassageStore
        from kb.context import PASSAGE_FORMAT

        return PassageStore(self.kb.embedder.dim, PASSAGE_FORMAT)

    def _load(self, path: Path) -> PassageStore:
        from index.passages import PassageStore
        from kb.context import PASSAGE_FORMAT

        return PassageStore.load(path, self.kb.embedder.dim, PASSAGE_FORMAT)

    def encode(self, texts: Sequence[str]) -> list[np.ndarray] | None:
        """Each index text's paragraph vectors ([n, dim], n may be 0), through the cache; None when off."""
        from kb.context import passage_texts

        if self.store is None:
            return None
        split = [passage_texts(t) for t in texts]
        flat = [p for group in split for p in group]
        vectors = self.kb.embed(flat) if flat else np.zeros((0, self.kb.embedder.dim), np.float32)
        return _regroup(vectors, [len(g) for g in split])

    def _store_rows(self, ids: np.ndarray, rows: list[np.ndarray]) -> None:
        assert self.store is not None  # SideIndex.add checked it
        self.store.add(ids, rows)

    def refill(self, ids: np.ndarray) -> bool:
        """Paragraph vectors for these chunks from the embedding cache only. True if any were added.

        A chunk whose paragraphs were never embedded stays without; ranking leaves passage vectors
        out until `kb reindex` embeds them. One cache read for all, so opening a large KB stays quick.
        """
        from index import text_hash
        from kb.context import passage_texts

        store = self.store
        if store is None:
            return False
        rows = self.kb.catalog.index_rows(ids)
        hashes = [[text_hash(p) for p in passage_texts(text)] for _, text in rows]
        embedder = self.kb.embedder
        raw = getattr(embedder, "raw", None)  # a projection: the cache holds the raw vectors
        found = self.kb.cache.get((raw or embedder).id, [h for group in hashes for h in group])
        keep = [i for i, group in enumerate(hashes) if all(h in found for h in group)]
        if not keep:
            return False
        flat = [found[h] for i in keep for h in hashes[i]]
        vectors = np.stack(flat) if flat else np.zeros((0, embedder.dim), np.float32)
        if raw is not None and len(vectors):
            vectors = embedder.project(vectors)  # type: ignore[attr-defined]
        store.add(np.asarray([rows[i][0] for i in keep], dtype=np.int64),
                  _regroup(vectors, [len(hashes[i]) for i in keep]))
        return True


def _regroup(vectors: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    """Split stacked paragraph vectors back into one [n, dim] array per chunk."""
    bounds = np.cumsum([0, *sizes])
    return [vectors[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
