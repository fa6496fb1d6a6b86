"""A framework section's best cited excerpts, and "prefer comparable cities" in any ranking.

Preferring comparable cities re-ranks and never filters: each candidate's score gains up to
`PREFER_WEIGHT` of the spread of the candidates' scores, in proportion to how comparable its city
is (0 for a document naming no city), so a comparable city's excerpt climbs past slightly better
matches from elsewhere, while a much better match from elsewhere stays ahead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from kb.search import Searcher

if TYPE_CHECKING:
    from kb.knowledge_base import KnowledgeBase

__all__ = ["PREFER_WEIGHT", "SectionError", "prefer_rerank", "WithinSearcher", "examples_ranked"]

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


class _PerDoc:
    """The KnowledgeBase as a Searcher sees it, with another cap on passages per document."""

    def __init__(self, kb: KnowledgeBase, per_doc: int) -> None:
        self._kb = kb
        self.settings = replace(kb.settings, max_per_doc=per_doc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kb, name)


class WithinSearcher(Searcher):
    """Search restricted to some chunks (a section's labelled ones), on top of any filters.

    Args:
        per_doc: passages of one document allowed in the results (None: the KB's setting, 2).
    """

    def __init__(self, kb: KnowledgeBase, within: np.ndarray, per_doc: int | None = None) -> None:
        super().__init__(_PerDoc(kb, per_doc) if per_doc else kb)  # type: ignore[arg-type]
        self.within = np.sort(np.asarray(within, dtype=np.int64))

    def _allowed(self, filters: dict[str, Any] | None) -> np.ndarray | None:
        base = super()._allowed(filters)
        return self.within if base is None else np.intersect1d(base, self.within)


def examples_ranked(kb: KnowledgeBase, ids: np.ndarray, scores: np.ndarray, *, k: int,
                    filters: dict[str, Any] | None, query: str | None, words: str,
                    prefer: Any = None, per_doc: int | None = None) -> list[Any]:
    """Hits among a section's labelled chunks: by a search when `query` is given, else by label score.

    Args:
        ids, scores: the section's chunks and label scores, best first.
        words: the section's title and searches, to highlight shared words when there is no query.
        prefer: a checked Profile: re-rank towards comparable cities (kb.atlas.Atlas.prefer), or None.
        per_doc: passages of one document allowed (None: the KB's setting).
    """
    searcher = WithinSearcher(kb, ids, per_doc)
    if query and query.strip():
        return searcher.search(query, k=k, filters=filters, highlight="lexical", prefer=prefer)
    allowed = searcher._allowed(filters)
    keep = np.isin(ids, allowed) if allowed is not None else np.ones(len(ids), dtype=bool)
    ranked = [(int(i), float(s)) for i, s in zip(ids[keep], scores[keep], strict=True)]
    if prefer is not None:
        ranked = kb.atlas.prefer(ranked, prefer)
    qvec = np.zeros(kb.embedder.dim, dtype=np.float32)
    return searcher._hits(ranked, k, words, qvec, {}, "lexical")
