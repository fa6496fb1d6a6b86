"""How the product ranks XQuAD paragraphs: a pool of its signals, each system's top 10, their scores.

`_Pool` indexes some languages' paragraphs with the signals a KB uses and ranks a question by every
system (BM25, dense, fused and its variants); `_evaluate` runs one language's questions through it and
scores the rankings. It is separate from `evals.xquad`, which chooses what to measure (language pairs,
the mixed pool) and reports it, so the ranking reads on its own (the lab's tests build a `_Pool` too).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from evals.metrics import mrr_at_k, recall_at_k
from evals.xquad_data import XQuAD, _doc_id, _id_language
from index import EmbeddingCache, LexicalIndex, Query, Signal, VectorIndex, gather, hybrid_search
from index.embedders import Embedder
from index.signals import DenseSignal, LatentSignal, LexicalSignal, UseSignal
from index.signals.latent import LatentEncoder, LatentStore
from index.signals.use import covers

__all__ = ["_Pool", "_evaluate"]  # private to the XQuAD benchmark (evals.xquad, the lab's tests)


class _Pool:
    """The product's signals (dense, BM25, latent terms, the second encoder) over the paragraphs of
    some languages.

    Paragraph vectors are left out: an XQuAD paragraph is one paragraph, which that signal scores
    by the chunk's own vector, so it would change nothing here. As in a KB, latent terms are left
    out of "fused" while the second encoder is on ("auto"); the rows beside it say what each adds.
    """

    def __init__(
        self, sets: Sequence[XQuAD], embedder: Embedder, cache: EmbeddingCache, latent: LatentEncoder | None,
        use: Any = None,
    ) -> None:
        self.vectors = VectorIndex.create(embedder.dim, embedder.id)
        self.lexical = LexicalIndex()
        self.latent = LatentStore() if latent is not None else None
        self.use = VectorIndex.create(use.dim, use.id) if use is not None else None
        self.use_model = use
        self.uncovered: list[int] = []
        self.groups: dict[str, np.ndarray] = {}
        for s in sets:
            ids = np.array([_doc_id(s.lang, p) for p in range(len(s.paragraphs))], dtype=np.int64)
            self.vectors.add(ids, cache.embed_passages(embedder, s.paragraphs))
            self.lexical.add(ids, s.paragraphs)
            if latent is not None and self.latent is not None:
                self.latent.add(ids, *latent.unpack(cache.embed_passages(latent, s.paragraphs)))
            if self.use is not None:
                if covers(s.lang):  # a language USE does not know gets no vector (no score), not a wrong one
                    self.use.add(ids, cache.embed_passages(use, s.paragraphs))
                else:
                    self.uncovered += ids.tolist()
            self.groups[s.lang] = ids
        self.lexical.rebuild()

    def rank(
        self, query: str, qvec: np.ndarray, k: int, weight: float, q_latent: tuple[np.ndarray, np.ndarray] | None,
        query_language: str | None = None, scale: float = 1.0, q_use: np.ndarray | None = None,
    ) -> dict[str, list[int]]:
        """Each system's top k ids; "calibrated" (given the query's language) is what the KB's search
        does for a sentence-long query: lexical gated to that language, same-language scale applied
        (and the second encoder counted only for the other languages)."""
        d_ids, _ = self.vectors.search(qvec, k)
        l_ids, _ = self.lexical.search(query, k)
        base: list[Signal] = [DenseSignal(index=self.vectors), LexicalSignal(index=self.lexical, weight=weight)]
        latent: list[Signal] = [LatentSignal(store=self.latent)] if self.latent is not None and q_latent else []
        second: list[Signal] = (
            [UseSignal(index=self.use, skipped=self.uncovered, encoder=self.use_model)] if self.use is not None else []
        )
        encoded: dict[str, Any] = {"latent": q_latent} if latent else {}
        if second:
            encoded["use"] = q_use  # None: a query USE does not cover
        default = base + second if second else base + latent

        def run(signals: list[Signal], language: str | None = None, scale: float = 1.0,
                groups: dict[str, np.ndarray] | None = None) -> list[int]:
            q = Query(query, qvec, language, scale, dict(encoded))
            found = gather(q, signals, max(k, 100), language_groups=groups)
            return [h.chunk_id for h in hybrid_search(q, found, k, _id_language(found.ids))]

        out = {"lexical": l_ids.tolist(), "dense": d_ids.tolist(), "fused": run(default)}
        if second:  # before the second encoder (today's ranking), and both together
            out["fused, no second encoder"] = run(base + latent)
            if latent:
                out["fused, second encoder + latent terms"] = run(base + second + latent)
        elif latent:  # what the latent terms add
            out["fused, no latent terms"] = run(base)
        if len(self.groups) > 1:  # language balancing only means something in a mixed pool
            out["balanced"] = run(default, groups=self.groups)
        if query_language is not None:
            out["calibrated"] = run(default, query_language, scale)
        return out


def _score(rankings: dict[str, list[list[int]]], relevant: list[set[int]]) -> dict[str, dict[str, float]]:
    return {
        system: {
            "recall@1": round(recall_at_k(ranked, relevant, 1), 4),
            "recall@5": round(recall_at_k(ranked, relevant, 5), 4),
            "mrr@10": round(mrr_at_k(ranked, relevant, 10), 4),
        }
        for system, ranked in rankings.items()
    }


def _evaluate(
    pool: _Pool,
    queries: XQuAD,
    qvecs: np.ndarray,
    relevant: list[set[int]],
    weight: float,
    extra: dict[str, list[set[int]]] | None = None,
    q_latent: tuple[np.ndarray, np.ndarray] | None = None,
    query_language: str | None = None,
    scale: float = 1.0,
    q_use: list[np.ndarray | None] | None = None,
) -> dict[str, Any]:
    rankings: dict[str, list[list[int]]] = {}
    for i, (text, qv) in enumerate(zip(queries.questions, qvecs, strict=True)):
        lat = (q_latent[0][i], q_latent[1][i]) if q_latent is not None else None
        quse = q_use[i] if q_use is not None else None
        for system, ranked in pool.rank(text, qv, 10, weight, lat, query_language, scale, quse).items():
            rankings.setdefault(system, []).append(ranked)
    result: dict[str, Any] = {"queries": len(relevant), **_score(rankings, relevant)}
    # in the mixed pool: how often the top 5 holds the version in a given language
    for name, rel in (extra or {}).items():
        result[name] = {s: round(recall_at_k(r, rel, 5), 4) for s, r in rankings.items()}
    return result
