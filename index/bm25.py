"""BM25 arithmetic over flat arrays: term-frequency matrices, idf and length normalisation.

Pure functions with no state, shared by the lexical index (which keeps the arrays up to date) and
by the tests that check its scores against bm25s's own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["BM25_K1", "BM25_B", "TF_MAX", "term_matrix", "bm25_matrix", "idf", "length_norm"]

BM25_K1 = 1.5
BM25_B = 0.75
TF_MAX = np.iinfo(np.uint16).max


def term_matrix(doc_of: np.ndarray, terms: np.ndarray, n_docs: int, n_vocab: int) -> tuple[np.ndarray, ...]:
    """(indptr int64 [V+1], doc positions int32, tf uint16) from one (doc, term) pair per token."""
    if len(terms) == 0:
        return np.zeros(n_vocab + 1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.uint16)
    # one sort by (term, doc) groups equal pairs; run lengths are the term frequencies
    key = terms.astype(np.int64) * max(n_docs, 1) + doc_of.astype(np.int64)
    key.sort(kind="stable")
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    tf = np.diff(np.r_[starts, len(key)])
    uniq = key[starts]
    term_of, doc = np.divmod(uniq, max(n_docs, 1))
    indptr = np.zeros(n_vocab + 1, np.int64)
    np.cumsum(np.bincount(term_of, minlength=n_vocab), out=indptr[1:])
    return indptr, doc.astype(np.int32), np.minimum(tf, TF_MAX).astype(np.uint16)


def bm25_matrix(docs: Sequence[np.ndarray], n_vocab: int) -> dict:
    """Lucene BM25 term weights as bm25s stores them: CSC over (documents x vocabulary).

    Kept as the reference the compact layout is checked against (see the tests).

    Args:
        docs: token ids per document (corpus position = list position).
        n_vocab: vocabulary size (terms with no document get empty columns).

    Returns:
        {"data", "indices", "indptr", "num_docs"} for `bm25s.BM25.scores`.
    """
    n = len(docs)
    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=n)
    tokens = np.concatenate(docs).astype(np.int64) if n else np.zeros(0, np.int64)
    indptr, doc, tf = term_matrix(np.repeat(np.arange(n), lengths), tokens, n, n_vocab)
    if len(doc) == 0:
        return {"data": np.zeros(0, np.float32), "indices": doc, "indptr": indptr, "num_docs": n}
    weight = idf(np.diff(indptr), n)
    term = np.repeat(np.arange(n_vocab), np.diff(indptr))
    norm = length_norm(lengths)
    tf32 = tf.astype(np.float64)
    data = weight[term] * tf32 / (norm[doc] + tf32)
    return {"data": data.astype(np.float32), "indices": doc, "indptr": indptr, "num_docs": n}


def idf(df: np.ndarray, n: int) -> np.ndarray:
    """Lucene's idf for document frequencies `df` in a corpus of `n` documents."""
    return np.log1p((n - df + 0.5) / (df + 0.5))


def length_norm(lengths: np.ndarray) -> np.ndarray:
    """k1 * (1 - b + b * length / mean length): the tf saturation term of each document."""
    mean = lengths.mean() if len(lengths) and lengths.mean() > 0 else 1.0
    return BM25_K1 * ((1 - BM25_B) + BM25_B * lengths / mean)
