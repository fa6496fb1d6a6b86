"""A language-neutral view of an embedder: its language-identity directions projected out.

multilingual-e5-small encodes "which language is this" strongly, so a question retrieves passages
in its own language before better ones in another: on our domain set, dense Recall@5 was 1.00 for
same-language questions and 0.68 for cross-lingual ones. The directions that separate languages
were measured on parallel text (`evals/language_basis.py`: XQuAD, the same paragraphs in 12
languages, paragraphs 0-119 only, plus French and Portuguese from Debian's gettext translations);
removing them from every query and passage vector, then re-normalising, costs same-language
retrieval nothing and lifts cross-lingual Recall@5 to ~0.91 (`kb eval domain`). Because the
projection needs no language detection, a 2-word query works too.

The wrapped embedder's raw vectors are what the embedding cache stores (`raw` and `project`), so
the projection can change without re-embedding anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.embedders.base import Embedder, EmbedderError

__all__ = ["LanguageNeutral", "BASIS_DIR"]

BASIS_DIR = Path(__file__).resolve().parents[1] / "data"


class LanguageNeutral:
    """Wraps an embedder; vectors are projected off a language subspace and re-normalised."""

    def __init__(self, raw: Embedder, basis_path: Path) -> None:
        """Args:
        raw: the underlying embedder.
        basis_path: .npy of orthonormal rows [dims, raw.dim] spanning the language subspace.
        """
        try:
            basis = np.load(basis_path).astype(np.float32)
        except OSError as err:
            raise EmbedderError(f"Language basis {basis_path} is missing: {err}") from err
        if basis.ndim != 2 or basis.shape[1] != raw.dim:
            raise EmbedderError(f"Language basis {basis_path} has shape {basis.shape}, expected (k, {raw.dim}).")
        self.raw = raw
        self.basis = basis
        self.dim = raw.dim
        # the basis's digest is part of the id, so an index built with another basis is noticed
        digest = hashlib.sha256(np.ascontiguousarray(basis).tobytes()).hexdigest()[:8]
        self.id = f"{raw.id}+neutral{basis.shape[0]}-{digest}"

    def project(self, vectors: np.ndarray) -> np.ndarray:
        """Remove the language subspace from raw vectors (rows) and re-normalise them."""
        v = np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        v = v - (v @ self.basis.T) @ self.basis
        norms = np.linalg.norm(v, axis=1, keepdims=True)
        return (v / np.maximum(norms, 1e-12)).astype(np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.project(self.raw.embed_passages(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return self.project(self.raw.embed_query(text))[0]

    def count_tokens(self, text: str) -> int:
        return self.raw.count_tokens(text)
