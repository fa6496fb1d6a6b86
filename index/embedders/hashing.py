"""A deterministic fake embedder for tests where the model is irrelevant (storage, UI flows)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

__all__ = ["HashEmbedder"]

_WORD = re.compile(r"\w+", re.UNICODE)


class HashEmbedder:
    """FOR TESTS ONLY: the hashing trick over words and character trigrams, 384-d, normalised.

    Same text -> same vector on every machine; texts that share words land close together, so
    storage and UI tests get plausible neighbours in microseconds. It understands no language.
    """

    id = "hash:384"
    dim = 384

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        words = _WORD.findall(text.casefold())
        features = list(words)
        for w in words:
            padded = f"#{w}#"
            features.extend(padded[i : i + 3] for i in range(max(1, len(padded) - 2)))
        for feat in features or ["<empty>"]:
            digest = hashlib.blake2b(feat.encode("utf-8"), digest_size=8).digest()
            h = int.from_bytes(digest, "little")
            sign = 1.0 if (h >> 63) & 1 else -1.0
            vec[h % self.dim] += sign
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:  # all features cancelled out: pick a fixed direction
            vec[0], norm = 1.0, 1.0
        return vec / norm

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages; an empty list gives shape (0, dim)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts]).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query (no prefix: the fake has no query/passage asymmetry)."""
        return self._vector(text)

    def count_tokens(self, text: str) -> int:
        """Words, a stand-in for model tokens."""
        return len(_WORD.findall(text))
