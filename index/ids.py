"""Chunk ids as every index takes them: a flat, C-contiguous int64 array (FAISS reads the buffer)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["as_ids"]


def as_ids(ids: np.ndarray | Sequence[int]) -> np.ndarray:
    """`ids` (a list, a tuple or any array) as a flat C-contiguous int64 array; no copy when it is one."""
    return np.ascontiguousarray(np.asarray(ids, dtype=np.int64).reshape(-1))
