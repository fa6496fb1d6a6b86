"""The derived indexes of one knowledge base: FAISS vectors, BM25, latent terms and paragraph vectors.

The SQLite catalog is the truth; everything here is derived from its chunks' index texts through
the model, and every vector goes through the embedding cache, so an index can always be rebuilt
(`rebuild`) or mended (`kb.consistency.check`) without paying for the model twice. Each part loads
on first use, changes in memory, and is written atomically by `save`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from kb.catalog import Catalog
from kb.context import INDEX_TEXT_FORMAT
from kb.settings import Settings

if TYPE_CHECKING:
    from index import Embedder, EmbeddingCache, LexicalIndex, VectorIndex
    from kb.latent_terms import LatentTerms
    from kb.passages import Passages
    from kb.side_index import SideIndex

__all__ = ["Indexes", "Progress"]

Progress = Callable[[int, int, str], None]


class Indexes:
    """The model, the embedding cache and the four indexes of one KB home.

    Args:
        settings: the KB's settings (index folder, embedder, index kind, side-index switches).
        catalog: the KB's catalog, read when an index is rebuilt or refilled.
    """

    def __init__(self, settings: Settings, catalog: Catalog) -> None:
        self.settings = settings
        self.catalog = catalog
        self._embedder: Embedder | None = None
        self._cache: EmbeddingCache | None = None
        self._vectors: VectorIndex | None = None
        self._lexical: LexicalIndex | None = None
        self._latent_terms: LatentTerms | None = None
        self._passages: Passages | None = None
        self._dirty = False

    # --- parts, created on first use ---------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from index import get_embedder

            self._embedder = get_embedder(self.settings.embedder)
        return self._embedder

    @property
    def cache(self) -> EmbeddingCache:
        if self._cache is None:
            from index import EmbeddingCache

            self._cache = EmbeddingCache(self.settings.cache_path)
        return self._cache

    @property
    def vectors(self) -> VectorIndex:
        if self._vectors is None:
            from index import IndexFileError, IndexMismatchError, VectorIndex

            path = self.settings.index_dir / "vectors.faiss"
            try:
                # Raises IndexMismatchError (with the `kb reindex` advice) for another embedder.
                self._vectors = VectorIndex.load(path, self.embedder.id) if path.exists() else None
            except IndexFileError:
                # A torn or damaged save (e.g. killed between renames): the catalog is the truth,
                # so start empty and let `check` refill it from the embedding cache.
                self._vectors = None
            except IndexMismatchError as err:
                if not self._only_projection_changed(err.built_with):
                    raise
                # Same model, new language basis (an upgrade): the cached raw vectors are
                # re-projected, nothing is re-embedded, so rebuild now instead of refusing.
                self.rebuild()
                assert self._vectors is not None
            if self._vectors is None:
                self._vectors = VectorIndex.create(
                    self.embedder.dim, self.embedder.id, self.settings.index_kind, text_format=INDEX_TEXT_FORMAT
                )
                self._dirty = True
        return self._vectors

    @property
    def vectors_loaded(self) -> bool:
        """Whether the vector index was opened yet (a fresh, empty KB need not open it to be checked)."""
        return self._vectors is not None

    def _only_projection_changed(self, built_with: str | None) -> bool:
        """True when a saved index came from this embedder's raw model under another projection."""
        raw = getattr(self.embedder, "raw", None)
        return bool(built_with and raw is not None and built_with.startswith(f"{raw.id}+"))

    @property
    def lexical(self) -> LexicalIndex:
        if self._lexical is None:
            from index import IndexFileError, LexicalIndex

            try:
                self._lexical = LexicalIndex.load(self.settings.index_dir / "lexical")
            except (IndexFileError, OSError, ValueError, EOFError):
                self._lexical = LexicalIndex()  # rebuilt from the catalog by `check`
                self._dirty = True
        return self._lexical

    @property
    def latent_terms(self) -> LatentTerms:
        """The latent terms: whether the KB keeps them, their store, filling it (kb.latent_terms)."""
        if self._latent_terms is None:
            from kb.latent_terms import LatentTerms

            self._latent_terms = LatentTerms(self)
        return self._latent_terms

    @property
    def passages(self) -> Passages:
        """The paragraph vectors: whether the KB keeps them, their store, filling it (kb.passages)."""
        if self._passages is None:
            from kb.passages import Passages

            self._passages = Passages(self)
        return self._passages

    @property
    def sides(self) -> tuple[SideIndex[Any], ...]:
        """The per-chunk side indexes beside vectors and BM25 (kb.side_index), in a fixed order."""
        return self.latent_terms, self.passages

    @property
    def text_outdated(self) -> bool:
        """True when the indexes hold chunks embedded from an older `index_text` recipe.

        Search still works on them, a little worse; `kb reindex` re-embeds them with the current one.
        Not done on open, because unlike a new projection it runs the model over every chunk.
        """
        return len(self.vectors) > 0 and self.vectors.text_format != INDEX_TEXT_FORMAT

    # --- writing -----------------------------------------------------------------------------

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors through the embedding cache (the model runs only for texts it lacks)."""
        return self.cache.embed_passages(self.embedder, list(texts))

    def encode_sides(self, texts: Sequence[str]) -> list[Any]:
        """Each side index's rows for these index texts, in `sides` order (the slow part of `add`)."""
        return [side.encode(texts) for side in self.sides]

    def add(self, ids: np.ndarray, texts: Sequence[str], vectors: np.ndarray, encoded: Sequence[Any] | None = None) -> None:
        """Add chunks to every index; `encoded`: what `encode_sides` returned, when already computed."""
        if len(ids):
            sides = self.sides  # first: the slow parts, before any index changes
            for side, rows in zip(sides, encoded or [None] * len(sides), strict=True):
                side.add(ids, texts, rows)
            self.vectors.add(ids, vectors)
            self.lexical.add(ids, texts)
            self._dirty = True

    def remove(self, ids: np.ndarray) -> None:
        """Drop chunks from every index."""
        if len(ids):
            self.vectors.remove(ids)
            self.lexical.remove(ids)
            for side in self.sides:
                side.remove(ids)
            self._dirty = True

    def refresh(self, ids: np.ndarray) -> None:
        """Index these chunks again from the catalog's current index texts (their header changed)."""
        rows = self.catalog.index_rows(ids)
        self.remove(ids)
        texts = [r[1] for r in rows]
        self.add(np.asarray([r[0] for r in rows], dtype=np.int64), texts, self.embed(texts))
        self.save()

    def mark_changed(self) -> None:
        """Say that an index changed outside `add` and `remove` (a repair), so `save` writes it."""
        self._dirty = True

    def save(self) -> None:
        """Write the indexes atomically if they changed."""
        if not self._dirty:
            return
        self.settings.index_dir.mkdir(parents=True, exist_ok=True)
        self.vectors.save(self.settings.index_dir / "vectors.faiss")
        self.lexical.save(self.settings.index_dir / "lexical")
        for side in self.sides:
            side.save()
        self._dirty = False

    def close(self) -> None:
        """Close the embedding cache's database, if it was opened (the indexes hold no open files)."""
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def rebuild(self, progress: Progress | None = None) -> int:
        """Rebuild every index from the catalog with the current embedder. Returns the chunk count."""
        from index import LexicalIndex, VectorIndex

        self._vectors = VectorIndex.create(
            self.embedder.dim, self.embedder.id, self.settings.index_kind, text_format=INDEX_TEXT_FORMAT
        )
        self._lexical = LexicalIndex()
        rows = self.catalog.index_rows()
        for side in self.sides:
            side.reset(len(rows))
        step = 64
        for start in range(0, len(rows), step):
            part = rows[start : start + step]
            texts = [r[1] for r in part]
            self.add(np.asarray([r[0] for r in part], dtype=np.int64), texts, self.embed(texts))
            if progress:
                progress(min(start + step, len(rows)), len(rows), "")
        self._dirty = True
        self.save()
        return len(rows)
