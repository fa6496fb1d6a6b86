"""A framework section's best cited excerpts, and "prefer comparable cities" in any ranking.

Preferring comparable cities re-ranks and never filters: each candidate's score gains up to
`PREFER_WEIGHT` of the spread of the candidates' scores, in proportion to how comparable its city
is (0 for a document naming no city), so a comparable city's excerpt climbs past slightly better
matches from elsewhere, while a much better match from elsewhere stays ahead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kb.searching.searcher import Rerank, Searcher
from kb.types import Hit

__all__ = ["PREFER_WEIGHT", "SectionError", "prefer_rerank", "examples_ranked"]

PREFER_WEIGHT = 0.5
SPREAD_OVER = 50  # the spread is measured over the first candidates, where the choice is made


class SectionError(ValueError):
    """An unknown framework section; the message lists the known ones."""


def prefer_rerank(
    ranked: list[tuple[int, float]],
    city_of: Mapping[int, str | None],
    similarity: Mapping[str, float],
    weight: float = PREFER_WEIGHT,
) -> list[tuple[int, float]]:
    """Re-rank (chunk id, score) pairs towards comparable cities.

    Args:
        ranked: candidates, best first; city_of: chunk id -> city key (None: no city).
        similarity: city key -> 0..1, how comparable (the profile's own city counts as 1).

    Returns:
        The same candidates with boosted scores, best first (ties keep their order).
    """
    if not ranked:
        return ranked
    head = [s for _, s in ranked[:SPREAD_OVER]]
    # a short list (a small KB, a narrow filter) has little spread: a quarter of the best score at least
    spread = max(max(head) - min(head), 0.25 * abs(max(head))) or 1.0
    boosted = [(cid, s + weight * spread * similarity.get(city_of.get(cid) or "", 0.0)) for cid, s in ranked]
    order = sorted(range(len(boosted)), key=lambda i: (-boosted[i][1], i))
    return [boosted[i] for i in order]


def examples_ranked(searcher: Searcher, ids: np.ndarray, scores: np.ndarray, *, k: int,
                    filters: dict[str, Any] | None, query: str | None, words: str,
                    rerank: Rerank | None = None) -> list[Hit]:
    """Hits among a section's labelled chunks: by a search when `query` is given, else by label score.

    Args:
        searcher: a Searcher over the KB (its `max_per_doc`: passages of one document allowed).
        ids, scores: the section's chunks and label scores, best first.
        words: the section's title and searches, to highlight shared words when there is no query.
        rerank: re-orders the candidates, e.g. towards comparable cities (kb.atlas.Atlas.prefer), or None.
    """
    if query and query.strip():
        return searcher.search(query, k=k, filters=filters, highlight="lexical", within=ids, rerank=rerank)
    allowed = searcher.allowed(filters, ids)
    keep = np.isin(ids, allowed) if allowed is not None else np.ones(len(ids), dtype=bool)
    ranked = [(int(i), float(s)) for i, s in zip(ids[keep], scores[keep], strict=True)]
    if rerank is not None:
        ranked = rerank(ranked)
    qvec = np.zeros(searcher.indexes.embedder.dim, dtype=np.float32)
    return searcher.hits(ranked, k, words, qvec, {}, "lexical")
