"""Lexical index: Lucene BM25 over chunk text, in flat arrays so a million chunks stay small.

Layout: a term-frequency matrix in CSC form (per term: the corpus positions holding it and how
often), plus each chunk's length. BM25 weights are computed at query time for the query's terms
only, so nothing per chunk is a Python object and the matrix itself is what gets persisted: loading
a 100k-chunk index is reading a few arrays, not re-tokenising or rebuilding anything.

Changes (adds, replacements, removals) collect in a small pending set and tombstones; the next
search merges them into the matrix with a few vectorised passes (a second or two at 1M chunks),
because idf and average length depend on the whole corpus.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.bm25 import idf, length_norm, term_matrix
from index.ids import as_ids
from index.lexical_files import SavedMatrix, SavedTokens, read_lexical, write_lexical
from index.tokenizer import tokenize

__all__ = ["LexicalIndex", "QueryStats"]


class LexicalIndex:
    """BM25 search over chunk ids; filters are applied before ranking."""

    def __init__(self) -> None:
        self._vocab: dict[str, int] = {}
        # merged part, sorted by chunk id: position p holds chunk self._order[p]
        self._order = np.zeros(0, dtype=np.int64)
        self._lengths = np.zeros(0, dtype=np.int32)
        self._indptr = np.zeros(1, dtype=np.int64)
        self._postings = np.zeros(0, dtype=np.int32)
        self._tf = np.zeros(0, dtype=np.uint16)
        self._dead = np.zeros(0, dtype=bool)  # removed or replaced since the last merge
        self._pending: dict[int, np.ndarray] = {}  # chunk id -> token ids, not merged yet
        # derived at merge time
        self._idf = np.zeros(0, dtype=np.float32)
        self._norm = np.zeros(0, dtype=np.float32)
        self._df = np.zeros(0, dtype=np.int64)
        self._memo: tuple[tuple[int, ...], np.ndarray] | None = None  # last query's scores
        self._lock = threading.RLock()  # UI handlers search from several threads

    # --- contents -----------------------------------------------------------------------------
    def add(self, ids: np.ndarray, texts: Sequence[str]) -> None:
        """Index texts under chunk ids; an id already present is replaced.

        Args:
            ids: int64 [n].
            texts: the chunk texts, aligned with ids.
        """
        ids = as_ids(ids)
        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids for {len(texts)} texts.")
        with self._lock:
            self._kill(ids)
            for cid, text in zip(ids.tolist(), texts, strict=True):
                toks = [self._vocab.setdefault(t, len(self._vocab)) for t in tokenize(text)]
                self._pending[int(cid)] = np.asarray(toks, dtype=np.int32)

    def add_tokens(
        self, ids: np.ndarray, offsets: np.ndarray, tokens: np.ndarray, vocab: Sequence[str]
    ) -> None:
        """Bulk-load pre-tokenised chunks into an EMPTY index (benchmarks, migrations).

        Args:
            ids: int64 [n] chunk ids, unique.
            offsets: int64 [n+1]; chunk i's token ids are tokens[offsets[i]:offsets[i+1]].
            tokens: int32 token ids into `vocab`.
            vocab: the terms.
        """
        if len(self):
            raise ValueError("add_tokens loads an empty index only.")
        ids = as_ids(ids)
        offsets = np.asarray(offsets, dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        lengths = np.diff(offsets)
        doc_of = np.empty(len(ids), np.int64)
        doc_of[order] = np.arange(len(ids))  # position of each chunk after sorting by id
        with self._lock:
            self._vocab = {t: i for i, t in enumerate(vocab)}
            self._set_merged(
                ids[order],
                lengths[order].astype(np.int32),
                *term_matrix(np.repeat(doc_of, lengths), np.asarray(tokens), len(ids), len(vocab)),
            )

    def remove(self, ids: np.ndarray) -> None:
        """Forget chunk ids; unknown ids are ignored."""
        with self._lock:
            self._kill(as_ids(ids))

    def _kill(self, ids: np.ndarray) -> None:
        for cid in ids.tolist():
            self._pending.pop(int(cid), None)
        if len(self._order) and len(ids):
            pos = np.clip(np.searchsorted(self._order, ids), 0, len(self._order) - 1)
            self._dead[pos[self._order[pos] == ids]] = True

    def ids(self) -> np.ndarray:
        """Indexed chunk ids, sorted."""
        with self._lock:
            merged = self._order[~self._dead]
            pending = np.fromiter(self._pending.keys(), dtype=np.int64, count=len(self._pending))
            return np.sort(np.concatenate([merged, pending]))

    def __len__(self) -> int:
        return int(len(self._order) - self._dead.sum()) + len(self._pending)

    # --- merge --------------------------------------------------------------------------------
    def _set_merged(
        self, order: np.ndarray, lengths: np.ndarray, indptr: np.ndarray, postings: np.ndarray, tf: np.ndarray
    ) -> None:
        self._order, self._lengths = order, lengths
        self._indptr, self._postings, self._tf = indptr, postings, tf
        self._dead = np.zeros(len(order), dtype=bool)
        self._pending = {}
        self._memo = None
        self._derive()

    def _derive(self) -> None:
        n = len(self._order)
        if len(self._indptr) < len(self._vocab) + 1:  # terms added since: empty columns
            pad = np.full(len(self._vocab) + 1 - len(self._indptr), self._indptr[-1])
            self._indptr = np.concatenate([self._indptr, pad])
        self._df = np.diff(self._indptr)
        self._idf = idf(self._df, n).astype(np.float32)
        self._norm = length_norm(self._lengths.astype(np.float64)).astype(np.float32)

    def _ensure_merged(self) -> None:
        """Fold pending chunks in and drop tombstones (idf and lengths depend on the whole corpus)."""
        if not self._pending and not self._dead.any():
            return
        keep = ~self._dead
        # rebuild (doc, term) pairs of the live merged chunks from the CSC columns
        term_of = np.repeat(np.arange(len(self._indptr) - 1), np.diff(self._indptr))
        live_post = keep[self._postings] if len(self._postings) else np.zeros(0, bool)
        new_pos = np.cumsum(keep) - 1
        old_docs = new_pos[self._postings[live_post]]
        old_terms = term_of[live_post]
        old_tf = self._tf[live_post].astype(np.int64)
        p_ids = np.fromiter(self._pending.keys(), dtype=np.int64, count=len(self._pending))
        p_toks = [self._pending[int(i)] for i in p_ids]
        p_len = np.fromiter((len(t) for t in p_toks), dtype=np.int64, count=len(p_toks))
        n_old = int(keep.sum())
        ids = np.concatenate([self._order[keep], p_ids])
        lengths = np.concatenate([self._lengths[keep], p_len.astype(np.int32)])
        # expand merged pairs by tf so one counting pass handles both parts
        docs = np.concatenate([np.repeat(old_docs, old_tf), np.repeat(n_old + np.arange(len(p_ids)), p_len)])
        terms = np.concatenate([np.repeat(old_terms, old_tf)] + [t.astype(np.int64) for t in p_toks])
        sort = np.argsort(ids, kind="stable")
        rank = np.empty(len(ids), np.int64)
        rank[sort] = np.arange(len(ids))
        self._set_merged(ids[sort], lengths[sort], *term_matrix(rank[docs], terms, len(ids), len(self._vocab)))

    def rebuild(self) -> None:
        """Merge pending changes now instead of at the next search."""
        with self._lock:
            self._ensure_merged()

    # --- scoring ------------------------------------------------------------------------------
    def _query_ids(self, query: str) -> tuple[np.ndarray, list[str]]:
        terms = tokenize(query)
        known = [self._vocab[t] for t in terms if t in self._vocab]
        return np.asarray(known, dtype=np.int64), terms

    def _all_scores(self, qids: np.ndarray) -> np.ndarray:
        """BM25 of every merged position (a repeated query term counts again, as in bm25s).

        The last result is kept: one hybrid search asks for the same query's scores two or three
        times (ranking, then the scores of dense-only candidates), each a pass over the postings.
        """
        key = tuple(qids.tolist())
        if self._memo is not None and self._memo[0] == key:
            return self._memo[1]
        scores = np.zeros(len(self._order), dtype=np.float32)
        qids = qids[qids < len(self._df)]
        terms, reps = np.unique(qids, return_counts=True)
        for t, r in zip(terms.tolist(), reps.tolist(), strict=True):
            lo, hi = self._indptr[t], self._indptr[t + 1]
            if lo == hi:
                continue
            docs = self._postings[lo:hi]
            tf = self._tf[lo:hi].astype(np.float32)
            scores[docs] += (r * self._idf[t]) * tf / (self._norm[docs] + tf)
        self._memo = (key, scores)
        return scores

    def _positions(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Merged positions of these ids, and which of them were found."""
        if not len(self._order):
            return np.zeros(len(ids), np.int64), np.zeros(len(ids), bool)
        pos = np.clip(np.searchsorted(self._order, ids), 0, len(self._order) - 1)
        return pos, self._order[pos] == ids

    # --- search -------------------------------------------------------------------------------
    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k chunk ids by BM25, restricted before ranking to `allowed`.

        Args:
            query: the user's text, tokenised like the chunks.
            k: hits wanted.
            allowed: int64 ids a hit may have; None means all, an empty array means none.

        Returns:
            (ids int64 [m], scores float32 [m]), best first, only hits with a positive score.
        """
        empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        if k <= 0 or not len(self) or (allowed is not None and len(allowed) == 0):
            return empty
        with self._lock:
            self._ensure_merged()
            qids, _ = self._query_ids(query)
            scores = self._all_scores(qids)
            if allowed is not None:
                pos, found = self._positions(as_ids(allowed))
                cand = pos[found]
                if len(cand) > 1 and not bool(np.all(cand[1:] > cand[:-1])):
                    cand = np.unique(cand)  # sorted allowed ids (the usual case) need no sort
            else:
                cand = np.flatnonzero(scores > 0)
            cand = cand[scores[cand] > 0]
            k = min(k, len(cand))
            if k == 0:
                return empty
            sub = scores[cand]
            top = np.argpartition(-sub, k - 1)[:k] if k < len(sub) else np.arange(len(sub))
            top = top[np.argsort(-sub[top], kind="stable")]
            return self._order[cand[top]], sub[top]

    def scores_for(self, query: str, ids: np.ndarray) -> np.ndarray:
        """BM25 scores of these chunk ids (0 for unknown ids), e.g. for dense-only candidates."""
        ids = as_ids(ids)
        if not len(self) or len(ids) == 0:
            return np.zeros(len(ids), dtype=np.float32)
        with self._lock:
            self._ensure_merged()
            qids, _ = self._query_ids(query)
            scores = self._all_scores(qids)
            pos, found = self._positions(ids)
            return np.where(found, scores[pos], 0.0).astype(np.float32)

    def query_stats(self, query: str) -> QueryStats:
        """What BM25 can know about a query before ranking: its terms' idf, matched or not.

        Used by fusion to express a BM25 score as a share of the score a chunk would get if it
        contained every query term once.
        """
        with self._lock:
            self._ensure_merged()
            terms = tokenize(query)
            n = len(self._order)
            tids = [self._vocab.get(t) for t in terms]
            dfs = np.array([int(self._df[i]) if i is not None and i < len(self._df) else 0 for i in tids])
            # a term no chunk has (df 0) counts at the highest idf: evidence BM25 cannot supply
            ideal = float(idf(dfs, n).sum()) if n else 0.0
            return QueryStats(terms=len(terms), matched=int((dfs > 0).sum()), ideal=ideal)

    def nbytes(self) -> int:
        """Bytes held in arrays (the vocabulary dict excluded), for the benchmark report."""
        arrays = (self._order, self._lengths, self._indptr, self._postings, self._tf, self._dead,
                  self._idf, self._norm, self._df)
        return int(sum(a.nbytes for a in arrays))

    # --- persistence (the file itself: lexical_files.py) --------------------------------------
    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        """Read a file written by `save`, ready to search (nothing is rebuilt); empty when it is absent.

        Format 1 (token lists, from older versions) is still read.
        """
        self = cls()
        saved = read_lexical(Path(path))
        if isinstance(saved, SavedTokens):
            self.add_tokens(saved.ids, saved.offsets, saved.tokens, saved.vocab)
        elif saved is not None:
            self._vocab = {t: i for i, t in enumerate(saved.vocab)}
            self._set_merged(saved.ids, saved.lengths, saved.indptr, saved.postings, saved.tf)
        return self

    def save(self, path: Path) -> None:
        """Write the merged matrix and vocabulary atomically (temp file, fsync, rename)."""
        with self._lock:
            self._ensure_merged()
            vocab = sorted(self._vocab, key=self._vocab.__getitem__)
            matrix = SavedMatrix(vocab, self._order, self._lengths, self._indptr, self._postings, self._tf)
            write_lexical(Path(path), matrix)


class QueryStats:
    """How many query terms the index knows, and the sum of their idf (the "ideal" score)."""

    __slots__ = ("terms", "matched", "ideal")

    def __init__(self, terms: int, matched: int, ideal: float) -> None:
        self.terms, self.matched, self.ideal = terms, matched, ideal

    @property
    def share(self) -> float:
        """The share of the query's terms some chunk contains (0 for a query with none)."""
        return self.matched / self.terms if self.terms else 0.0

    def __repr__(self) -> str:
        return f"QueryStats(terms={self.terms}, matched={self.matched}, ideal={self.ideal:.2f})"
