"""Lexical index: BM25 (bm25s) over chunk text, kept in step with adds and removes.

bm25s has no incremental update, so this class keeps each chunk's token ids and rebuilds the bm25s
model lazily on the first search after a change (about a second per 100k chunks, see the report).
Token ids, not strings, are stored and persisted, so loading never re-tokenises.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.atomic import atomic_path
from index.tokenizer import tokenize

__all__ = ["LexicalIndex", "QueryStats", "bm25_matrix", "BM25_K1", "BM25_B"]

BM25_K1 = 1.5
BM25_B = 0.75
_FORMAT_VERSION = 1


def _as_ids(ids: np.ndarray | Sequence[int]) -> np.ndarray:
    return np.asarray(ids, dtype=np.int64).reshape(-1)


def bm25_matrix(docs: Sequence[np.ndarray], n_vocab: int) -> dict:
    """Lucene BM25 term weights as bm25s stores them: CSC over (documents x vocabulary).

    Args:
        docs: token ids per document (corpus position = list position).
        n_vocab: vocabulary size (terms with no document get empty columns).

    Returns:
        {"data", "indices", "indptr", "num_docs"} for `bm25s.BM25.scores`.
    """
    n = len(docs)
    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=n)
    if n == 0 or lengths.sum() == 0:
        return {
            "data": np.zeros(0, dtype=np.float32),
            "indices": np.zeros(0, dtype=np.int32),
            "indptr": np.zeros(n_vocab + 1, dtype=np.int64),
            "num_docs": n,
        }
    from scipy import sparse

    tokens = np.concatenate(docs).astype(np.int32, copy=False)
    doc_of = np.repeat(np.arange(n, dtype=np.int32), lengths)
    # COO -> CSC is a counting sort (linear); summing duplicates turns occurrences into tf
    counts = sparse.coo_matrix(
        (np.ones(len(tokens), dtype=np.float32), (doc_of, tokens)), shape=(n, n_vocab)
    ).tocsc()
    counts.sum_duplicates()
    tf, doc, indptr = counts.data, counts.indices, counts.indptr.astype(np.int64)
    df = np.diff(indptr)
    term = np.repeat(np.arange(n_vocab, dtype=np.int64), df)
    idf = np.log1p((n - df + 0.5) / (df + 0.5))
    norm = BM25_K1 * ((1 - BM25_B) + BM25_B * lengths[doc] / lengths.mean())
    data = idf[term] * tf / (norm + tf)
    return {
        "data": data.astype(np.float32),
        "indices": doc.astype(np.int32),
        "indptr": indptr,
        "num_docs": n,
    }


class LexicalIndex:
    """BM25 search over chunk ids; filters are applied before ranking (bm25s weight_mask)."""

    def __init__(self) -> None:
        self._vocab: dict[str, int] = {}
        self._docs: dict[int, np.ndarray] = {}  # chunk id -> int32 token ids
        self._model = None  # bm25s.BM25, rebuilt when stale
        self._order = np.zeros(0, dtype=np.int64)  # chunk id at each bm25s corpus position
        self._df = np.zeros(0, dtype=np.int64)

    # --- contents -----------------------------------------------------------------------------
    def add(self, ids: np.ndarray, texts: Sequence[str]) -> None:
        """Index texts under chunk ids; an id already present is replaced.

        Args:
            ids: int64 [n].
            texts: the chunk texts, aligned with ids.
        """
        ids = _as_ids(ids)
        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids for {len(texts)} texts.")
        for cid, text in zip(ids.tolist(), texts, strict=True):
            toks = [self._vocab.setdefault(t, len(self._vocab)) for t in tokenize(text)]
            self._docs[int(cid)] = np.asarray(toks, dtype=np.int32)
        if len(ids):
            self._model = None

    def remove(self, ids: np.ndarray) -> None:
        """Forget chunk ids; unknown ids are ignored."""
        changed = False
        for cid in _as_ids(ids).tolist():
            changed |= self._docs.pop(int(cid), None) is not None
        if changed:
            self._model = None

    def ids(self) -> np.ndarray:
        """Indexed chunk ids, sorted."""
        return np.sort(np.fromiter(self._docs.keys(), dtype=np.int64, count=len(self._docs)))

    def __len__(self) -> int:
        return len(self._docs)

    # --- model ----------------------------------------------------------------------------------
    def _ensure_model(self) -> None:
        if self._model is not None or not self._docs:
            return
        import bm25s

        order = self.ids()
        model = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        # bm25s' own index() walks the corpus in Python (~25 s at 100k chunks here); the same
        # lucene BM25 matrix in its CSC layout takes a few numpy passes. A test checks both agree.
        model.scores = bm25_matrix([self._docs[int(i)] for i in order], len(self._vocab))
        model.vocab_dict = dict(self._vocab)
        model.unique_token_ids_set = set(self._vocab.values())
        model.nonoccurrence_array = None
        # document frequency = stored entries per term column (lucene idf is always > 0)
        self._df = np.diff(np.asarray(model.scores["indptr"], dtype=np.int64))
        self._model, self._order = model, order

    def rebuild(self) -> None:
        """Build the bm25s model now instead of at the next search."""
        self._model = None
        self._ensure_model()

    def _query_ids(self, query: str) -> tuple[np.ndarray, list[str]]:
        terms = tokenize(query)
        known = [self._vocab[t] for t in terms if t in self._vocab]
        return np.asarray(known, dtype=np.int64), terms

    def _all_scores(self, qids: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
        assert self._model is not None
        live = qids[qids < len(self._df)]
        live = live[self._df[live] > 0]  # terms only removed chunks had: no posting list
        if len(live) == 0:
            return np.zeros(len(self._order), dtype=np.float32)
        return np.asarray(self._model.get_scores(live.tolist(), weight_mask=mask), dtype=np.float32)

    def _mask(self, allowed: np.ndarray | None) -> np.ndarray | None:
        if allowed is None:
            return None
        return np.isin(self._order, _as_ids(allowed)).astype(np.float32)

    # --- search -------------------------------------------------------------------------------
    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k chunk ids by BM25, restricted before ranking to `allowed`.

        Args:
            query: the user's text, tokenised like the chunks.
            k: hits wanted.
            allowed: int64 ids a hit may have; None means all, an empty array means none.

        Returns:
            (ids int64 [m], scores float32 [m]), best first, only hits with a positive score
            (bm25s pads the top k with zero-score documents that match nothing).
        """
        empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        if k <= 0 or not self._docs or (allowed is not None and len(allowed) == 0):
            return empty
        self._ensure_model()
        qids, _ = self._query_ids(query)
        scores = self._all_scores(qids, self._mask(allowed))
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        return self._order[top], scores[top]

    def scores_for(self, query: str, ids: np.ndarray) -> np.ndarray:
        """BM25 scores of these chunk ids (0 for unknown ids), e.g. for dense-only candidates."""
        ids = _as_ids(ids)
        if not self._docs or len(ids) == 0:
            return np.zeros(len(ids), dtype=np.float32)
        self._ensure_model()
        qids, _ = self._query_ids(query)
        scores = self._all_scores(qids, None)
        pos = np.searchsorted(self._order, ids)
        pos = np.clip(pos, 0, len(self._order) - 1)
        found = self._order[pos] == ids
        return np.where(found, scores[pos], 0.0).astype(np.float32)

    def query_stats(self, query: str) -> QueryStats:
        """What BM25 can know about a query before ranking: its terms' idf, matched or not.

        Used by fusion to express a BM25 score as a share of the score a chunk would get if it
        contained every query term once.
        """
        self._ensure_model()
        terms = tokenize(query)
        n = len(self._order)
        idf_missing = math.log(1 + (n + 0.5) / 0.5) if n else 0.0
        idfs = []
        matched = 0
        for t in terms:
            tid = self._vocab.get(t)
            df = int(self._df[tid]) if tid is not None and tid < len(self._df) else 0
            if df > 0:
                matched += 1
                idfs.append(math.log(1 + (n - df + 0.5) / (df + 0.5)))
            else:
                idfs.append(idf_missing)  # a term no chunk has is evidence BM25 cannot supply
        return QueryStats(terms=len(terms), matched=matched, ideal=float(sum(idfs)))

    # --- persistence --------------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        """Read a saved index; an empty index when the file is absent.

        Args:
            path: the .npz file written by `save`.

        Returns:
            The index (its bm25s model is rebuilt on the first search).
        """
        self = cls()
        path = Path(path)
        if not path.exists():
            return self
        with np.load(path, allow_pickle=False) as data:
            if int(data["format_version"]) != _FORMAT_VERSION:
                raise ValueError(f"{path} has lexical index format {int(data['format_version'])}.")
            vocab = data["vocab"].tolist()
            ids, offsets, tokens = data["ids"], data["offsets"], data["tokens"]
        self._vocab = {t: i for i, t in enumerate(vocab)}
        self._docs = {
            int(cid): tokens[offsets[i] : offsets[i + 1]].copy() for i, cid in enumerate(ids.tolist())
        }
        return self

    def save(self, path: Path) -> None:
        """Write ids, token ids and vocabulary atomically (temp file, fsync, rename)."""
        ids = self.ids()
        docs = [self._docs[int(i)] for i in ids]
        offsets = np.zeros(len(docs) + 1, dtype=np.int64)
        if docs:
            offsets[1:] = np.cumsum([len(d) for d in docs])
        tokens = np.concatenate(docs).astype(np.int32) if docs else np.zeros(0, dtype=np.int32)
        vocab = sorted(self._vocab, key=self._vocab.__getitem__)
        with atomic_path(Path(path)) as tmp, open(tmp, "wb") as fh:
            np.savez(
                fh,
                format_version=np.int64(_FORMAT_VERSION),
                ids=ids,
                offsets=offsets,
                tokens=tokens,
                vocab=np.asarray(vocab, dtype=np.str_),
            )


class QueryStats:
    """How many query terms the index knows, and the sum of their idf (the "ideal" score)."""

    __slots__ = ("terms", "matched", "ideal")

    def __init__(self, terms: int, matched: int, ideal: float) -> None:
        self.terms, self.matched, self.ideal = terms, matched, ideal

    def __repr__(self) -> str:
        return f"QueryStats(terms={self.terms}, matched={self.matched}, ideal={self.ideal:.2f})"
