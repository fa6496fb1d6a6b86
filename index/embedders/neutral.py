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

The projection removes the offset every passage of a language shares (afterwards, unrelated
passages score the same in every language), but a question still matches a relevant passage in its
own language more strongly than that passage's translation: by 0.13 in cosine on XQuAD, a ratio of
0.67-0.80 depending on the question's language. `same_language_scale` gives that measured ratio,
and search multiplies the dense scores of passages in the query's language by it, so a passage and
its translation score alike and a document in another language ranks by what it says.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from index.embedders.base import Embedder, EmbedderError

__all__ = ["LanguageNeutral", "BASIS_DIR", "load_scales"]

BASIS_DIR = Path(__file__).resolve().parents[1] / "data"
ANY_LANGUAGE = "*"  # the scale for a language that was not measured: the mean of those that were


class LanguageNeutral:
    """Wraps an embedder; vectors are projected off a language subspace and re-normalised."""

    def __init__(self, raw: Embedder, basis_path: Path, scales_path: Path | None = None) -> None:
        """Args:
        raw: the underlying embedder.
        basis_path: .npy of orthonormal rows [dims, raw.dim] spanning the language subspace.
        scales_path: JSON of measured same-language scales (see `same_language_scale`), or None.
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
        self.basis_digest = digest
        self.scales = load_scales(scales_path, digest) if scales_path is not None else {}

    def same_language_scale(self, language: str | None) -> float:
        """The factor for dense scores of passages in the query's `language` (1.0: leave them).

        The measured ratio of a question's score with a relevant passage in another language to its
        score with the same passage in its own language (module docstring); 1.0 for an unknown query
        language or when nothing was measured for this basis.
        """
        if not language or not self.scales:
            return 1.0
        return self.scales.get(language, self.scales.get(ANY_LANGUAGE, 1.0))

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


def load_scales(path: Path, basis_digest: str) -> Mapping[str, float]:
    """Per-language scales from `path`; empty when the file is missing or was measured on another basis.

    A scale measured under another projection would be wrong for this one, so it is ignored rather
    than trusted (`python -m evals.language_basis` writes both files together).
    """
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("basis") != basis_digest:
        return {}
    scales = data.get("scales") or {}
    return {str(k): float(v) for k, v in scales.items() if isinstance(v, (int, float)) and 0 < v <= 1}
