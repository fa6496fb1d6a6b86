"""The lexical index's file: the arrays `LexicalIndex.save` writes and `LexicalIndex.load` reads.

Kept apart from `lexical.py` (BM25 in memory: adding, merging, scoring) because the file is a
contract with every KB already on disk: its format versions (format 1, token lists, is still read),
their fields and the atomic write live here, so the search code can change without touching what a
saved index looks like, and a new format is written and read in one short place.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from index.atomic import atomic_path

__all__ = ["FORMAT_VERSION", "SavedMatrix", "SavedTokens", "read_lexical", "write_lexical"]

FORMAT_VERSION = 2


class SavedMatrix(NamedTuple):
    """Format 2: the merged term-frequency matrix (CSC) and the vocabulary, as the index holds them."""

    vocab: list[str]  # term i is vocab[i]
    ids: np.ndarray  # int64 chunk ids, sorted: matrix position p holds chunk ids[p]
    lengths: np.ndarray  # int32 tokens per chunk
    indptr: np.ndarray  # int64 [terms + 1]: term t's entries are [indptr[t], indptr[t + 1])
    postings: np.ndarray  # int32 positions holding the term
    tf: np.ndarray  # uint16 how often


class SavedTokens(NamedTuple):
    """Format 1: each chunk's token ids (the index builds its matrix from them when loading)."""

    vocab: list[str]
    ids: np.ndarray  # int64 chunk ids
    offsets: np.ndarray  # int64 [n + 1]: chunk i's tokens are tokens[offsets[i]:offsets[i + 1]]
    tokens: np.ndarray  # int32 token ids into vocab


def read_lexical(path: Path) -> SavedMatrix | SavedTokens | None:
    """Read a saved lexical index.

    Args:
        path: the .npz file written by `write_lexical` (or, format 1, by an older version).

    Returns:
        Its arrays (format 2 or 1), or None when the file is absent.

    Raises:
        ValueError: the file has another format version.
    """
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as data:
        version = int(data["format_version"])
        if version not in (1, FORMAT_VERSION):
            raise ValueError(f"{path} has lexical index format {version}.")
        vocab = data["vocab"].tolist()
        if version == 1:
            return SavedTokens(vocab, data["ids"], data["offsets"], data["tokens"])
        return SavedMatrix(vocab, data["ids"], data["lengths"], data["indptr"], data["postings"], data["tf"])


def write_lexical(path: Path, saved: SavedMatrix) -> None:
    """Write the matrix and vocabulary in the current format, atomically (temp file, fsync, rename)."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(
            fh,
            format_version=np.int64(FORMAT_VERSION),
            ids=saved.ids,
            lengths=saved.lengths,
            indptr=saved.indptr,
            postings=saved.postings,
            tf=saved.tf,
            vocab=np.asarray(saved.vocab, dtype=np.str_),
        )
