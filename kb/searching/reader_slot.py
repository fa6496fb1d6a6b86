"""A place for the reader's own language among a topic search's first five documents.

A topic typed by a reader ("programas de resiliência juvenil") is a request to browse, and a reader
is best served by one document they can read among the first five when a close one exists. Ranking
cannot promise that: the dense side scales down passages in the query's own language
(`index.hybrid`, the measured same-language bias of e5), so an Arabic plan on the topic can rank
below three English and Portuguese ones.

The rule: for a query of at most `TOPIC_WORDS` words with a reader's language, when none of the
first `SLOT` documents is in that language, one own-language document among the first
`LOOKAHEAD` candidates takes fifth place: of each such document's best-ranked chunk, the one with
the highest raw e5 cosine with the query, if that is at least `RATIO` times the best cosine of the
first five documents' best-ranked chunks. The raw cosine is the model's own
judgement before the same-language scale; asking for 10 % more than the first five's best keeps
out own-language documents that share only the language (same-language cosines run 25-50 % high).

Measured (docs/lab/encoder-and-ranking.md, section 3, the topical set; tuned on its odd topics):
own language in the top 5 0.831 -> 0.873; 4 documents placed in 108 queries, 3 of them on topic;
top-1 and the domain set unchanged (its questions are longer than six words). On every query length
it pushed a domain answer out of the top 5, hence the topic-length bound.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

__all__ = ["TOPIC_WORDS", "SLOT", "RATIO", "LOOKAHEAD", "is_topic", "reader_slot"]

TOPIC_WORDS = 6  # the topical set's bound: a topic, not a question
SLOT = 5
RATIO = 1.1
LOOKAHEAD = 60

Ranked = list[tuple[int, float]]


def is_topic(query: str) -> bool:
    """A query short enough to be a topic (at most `TOPIC_WORDS` words)."""
    return len(query.split()) <= TOPIC_WORDS


def reader_slot(
    ranked: Ranked,
    reader: str,
    language: Mapping[int, str],
    doc_of: Callable[[Sequence[int]], Mapping[int, int]],
    cosine: Callable[[Sequence[int]], np.ndarray],
) -> tuple[Ranked, int | None]:
    """The ranking with an own-language chunk in fifth place when the rule above allows one.

    Args:
        ranked: fused (chunk id, score), best first.
        reader: the reader's language (ISO 639-1).
        language: chunk id -> its language, for the first `LOOKAHEAD` candidates at least.
        doc_of: chunk ids -> their document ids (read only when the rule may apply).
        cosine: chunk ids -> the query's raw e5 cosine with each.

    Returns:
        (the ranking, the chunk placed or None). The placed chunk takes the score of the one it
        goes before, so scores stay in order.
    """
    head = ranked[:LOOKAHEAD]
    if any(language.get(cid) == reader for cid, _ in head[:SLOT]):
        return ranked, None  # the first five chunks span at most five documents: one is theirs
    if not any(language.get(cid) == reader for cid, _ in head[SLOT:]):
        return ranked, None  # nothing in their language within reach: no lookup needed
    owner = doc_of([cid for cid, _ in head])
    first: dict[int, int] = {}  # document -> position of its best chunk
    for i, (cid, _) in enumerate(head):
        if cid in owner:
            first.setdefault(owner[cid], i)
    places = sorted(first.values())
    if len(places) <= SLOT or any(language.get(head[i][0]) == reader for i in places[:SLOT]):
        return ranked, None
    own = [i for i in places[SLOT:] if language.get(head[i][0]) == reader]
    if not own:
        return ranked, None
    top = [head[i][0] for i in places[:SLOT]]
    cos = cosine(top + [head[i][0] for i in own])
    best = int(np.argmax(cos[SLOT:]))
    if cos[SLOT + best] < RATIO * float(np.max(cos[:SLOT])):
        return ranked, None
    taken = own[best]
    at = places[SLOT - 1]
    moved = (head[taken][0], ranked[at][1])
    rest = [r for n, r in enumerate(ranked) if n != taken]
    return rest[:at] + [moved] + rest[at:], moved[0]
