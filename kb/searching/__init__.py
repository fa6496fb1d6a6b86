"""Search: filters to allowed chunk ids, the ranking signals' scores combined (`index.hybrid`),
results kept varied and copies folded ("also in"), each hit cited and its best sentences marked."""

from __future__ import annotations

from kb.searching.citations import citation
from kb.searching.copies import COPY_CONTAINMENT, diversify
from kb.searching.filters import FILTER_KEYS, allowed_ids
from kb.searching.highlights import split_sentences
from kb.searching.searcher import CANDIDATES, Searcher, query_language

__all__ = [
    "Searcher",
    "CANDIDATES",
    "query_language",
    "FILTER_KEYS",
    "allowed_ids",
    "citation",
    "diversify",
    "COPY_CONTAINMENT",
    "split_sentences",
]
