"""Keeping the result list varied: at most a few passages per document, and copies shown once.

A passage whose word 5-grams lie mostly inside a better-ranked passage of another document (a PDF
and its Word version, a plan quoting a guide) is folded into that one ("also in"), so copies take
none of the places in the results.
"""

from __future__ import annotations

from collections import Counter

from kb.ingesting.near_duplicates import shingles

__all__ = ["COPY_CONTAINMENT", "COPY_LOOKAHEAD", "diversify"]

# A passage whose word 5-grams lie this much inside a better-ranked passage of another document is
# the same text (a PDF and its Word version, a plan quoting a guide): it is shown once, "also in".
COPY_CONTAINMENT = 0.8
_MIN_SHINGLES = 8  # shorter passages are too little to call copies
COPY_LOOKAHEAD = 3  # copies are looked for among the first 3 x k candidates

def diversify(
    ranked: list[tuple[int, float]], doc_of: dict[int, int], k: int, max_per_doc: int,
    texts: dict[int, str] | None = None,
) -> tuple[list[tuple[int, float]], dict[int, list[int]]]:
    """Keep rank order, up to k results, at most `max_per_doc` chunks of one document; with `texts`,
    a passage that repeats a kept one of another document is folded into it instead of shown.

    A copy does not take one of its document's places. Copies are looked for among the first
    `COPY_LOOKAHEAD` x k candidates, so a card can say "also in" even when the copy ranks below
    the last result, and the cost follows k, not the candidate list.

    Returns:
        (the kept (chunk id, score), {kept chunk id: ids of the copies folded into it, in rank order}).
    """
    per_doc: dict[int, int] = {}
    out: list[tuple[int, float]] = []
    size: dict[int, int] = {}
    owners: dict[tuple[str, ...], list[int]] = {}  # shingle -> kept chunks that hold it
    copies: dict[int, list[int]] = {}
    for n, (cid, score) in enumerate(ranked):
        doc = doc_of.get(cid)
        full = len(out) >= k
        if full and (texts is None or n >= COPY_LOOKAHEAD * k):
            break
        if doc is None:
            continue
        room = per_doc.get(doc, 0) < max_per_doc and not full
        if texts is None:
            if room:
                per_doc[doc] = per_doc.get(doc, 0) + 1
                out.append((cid, score))
            continue
        mine = shingles(texts[cid])
        twin = _twin(mine, owners, size, doc_of, doc) if len(mine) >= _MIN_SHINGLES else None
        if twin is not None:
            copies.setdefault(twin, []).append(cid)
        elif room:
            size[cid] = len(mine)
            for sh in mine:
                owners.setdefault(sh, []).append(cid)
            per_doc[doc] = per_doc.get(doc, 0) + 1
            out.append((cid, score))
    return out, copies


def _twin(
    mine: set[tuple[str, ...]], owners: dict[tuple[str, ...], list[int]], size: dict[int, int],
    doc_of: dict[int, int], doc: int,
) -> int | None:
    """The best-ranked kept passage of another document that shares most of `mine`'s shingles, or None."""
    shared = Counter(o for sh in mine for o in owners.get(sh, ()) if doc_of[o] != doc)
    for other in size:  # kept passages, in rank order
        n = shared.get(other, 0)
        if n and size[other] >= _MIN_SHINGLES and n >= COPY_CONTAINMENT * min(len(mine), size[other]):
            return other
    return None
