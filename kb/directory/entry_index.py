"""Searching directory entries with the KB's multilingual search, on an id space of their own.

The entries are few (hundreds, a few thousand), so their index is kept in memory and rebuilt from the
catalog whenever the directory changed (`DirectoryStore.version`): the KB's dense and BM25 machinery
(`index.VectorIndex`, `index.LexicalIndex` as the dense and BM25 signals, `index.hybrid_search`) over entry ids, vectors through the
KB's embedding cache (an unchanged entry is never embedded twice). Nothing is mixed into the chunk
indexes, and nothing needs repairing after a crash. Contact fields are never indexed, so a search
cannot reveal what a reader may not see.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from kb.directory.records import Entry

if TYPE_CHECKING:
    from index import Embedder, EmbeddingCache, LexicalIndex, VectorIndex

__all__ = ["CLOSE_MATCH", "EntryIndex", "entry_text"]

# A search lists the entries scoring at least this (the fused score: the dense cosine min-max scaled over
# the directory, 1 for the closest entry, plus the BM25 bonus), not the whole directory ranked. Chosen on
# `evals/directory/search_queries.jsonl` (24 queries in six languages over the starter corpus's entries):
# the best mean F1 on the odd queries, 0.812; 0.817 on the even ones held out, against 0.146 when every
# entry is listed (`python -m evals.directory_search`; `kb eval directory` reports it).
CLOSE_MATCH = 0.70

# An entry's index text: its name and what it is, then what it offers and to whom (no contact data).
def entry_text(entry: Entry) -> str:
    """The text an entry is embedded and indexed as."""
    head = entry.name + (f" — {entry.organisation}" if entry.organisation and entry.organisation != entry.name else "")
    what = ", ".join(p for p in (entry.kind, entry.sector, entry.city) if p)
    lines = [head, what, entry.target_group, entry.description, entry.access, "; ".join(entry.themes),
             "; ".join(entry.prevention_level), *entry.extra.values()]
    return "\n".join(line for line in lines if line)


class EntryIndex:
    """Dense + BM25 search over entries, rebuilt in memory when the directory has changed.

    Args:
        parts: returns the KB's embedder and embedding cache (created on first use).
        version: the directory's change counter.
        load: every entry (the index covers all scopes; callers filter by allowed ids).
    """

    def __init__(self, parts: Callable[[], tuple[Embedder, EmbeddingCache]], version: Callable[[], int],
                 load: Callable[[], Sequence[Entry]]) -> None:
        self._parts = parts
        self._version = version
        self._load = load
        self._built: int | None = None
        self._vectors: VectorIndex | None = None
        self._lexical: LexicalIndex | None = None

    def _ensure(self) -> None:
        if self._built == self._version() and self._vectors is not None:
            return
        from index import LexicalIndex, VectorIndex

        embedder, cache = self._parts()
        entries = [e for e in self._load() if e.id is not None]
        ids = np.asarray([e.id for e in entries], dtype=np.int64)
        texts = [entry_text(e) for e in entries]
        vectors = VectorIndex.create(embedder.dim, embedder.id, kind="flat")
        lexical = LexicalIndex()
        if len(ids):
            vectors.add(ids, cache.embed_passages(embedder, texts))
            lexical.add(ids, texts)
        self._vectors, self._lexical, self._built = vectors, lexical, self._version()

    def words_known(self, query: str) -> float:
        """The share of the query's words some entry contains (1.0 with no entries): 0 means every
        match is only close in meaning (a made-up word, a typo), which the reader should be told."""
        self._ensure()
        assert self._lexical is not None
        return self._lexical.query_stats(query).share if len(self._lexical) else 1.0

    def search(self, query: str, k: int, allowed: Sequence[int] | None = None,
               min_score: float | None = CLOSE_MATCH) -> list[tuple[int, float]]:
        """(entry id, score) best first, among `allowed` ids when given: the close matches only (score
        >= `min_score`; None keeps the whole ranking). The closest entry is always among them."""
        from index import Query, gather, hybrid_search
        from index.signals import DenseSignal, LexicalSignal

        self._ensure()
        assert self._vectors is not None and self._lexical is not None
        if not len(self._vectors) or not query.strip():
            return []
        embedder, cache = self._parts()
        q = Query(query, cache.embed_queries(embedder, [query])[0])
        keep = None if allowed is None else np.asarray(sorted(set(allowed)), dtype=np.int64)
        # the KB's dense and BM25 signals over the entries' own indexes (no latent terms or paragraphs)
        signals = [DenseSignal(index=self._vectors), LexicalSignal(index=self._lexical)]
        hits = hybrid_search(q, gather(q, signals, max(k, 50), keep), k)
        return [(int(h.chunk_id), float(h.score)) for h in hits if min_score is None or h.score >= min_score]
