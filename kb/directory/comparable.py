"""Where other cities describe bringing a sector into their leadership group: the excerpts of the roster panel.

THE SEAM FOR COMPARABLE CITIES (issue 14, branch `atlas`, `/work/coord/atlas-api.md`): when the KB
offers `profile_of_city` and `section_examples`, excerpts come from the framework's "leadership"
section, ranked towards cities comparable to the draft's; until then (and for a city the KB does not
know) they are the KB's ordinary search over city documents, any city but the draft's own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ingest.sentences import sentence_spans
from kb.directory.folding import fold
from kb.types import Hit

__all__ = ["sector_excerpts", "naming", "LEADERSHIP_SECTION"]

LEADERSHIP_SECTION = "leadership"  # the framework section (corpus/framework.yaml) of the group's make-up


# where a line break ends a run of text: around a list item, after a sentence or a colon, at a blank
# line (a PDF's other line breaks only wrap a sentence)
_ITEM = r"[ \t]*(?:[•*\-–]|\d+[.)])[ \t]"
_BREAK = re.compile(rf"\n(?={_ITEM})|(?m:^{_ITEM}[^\n]*\n)|(?<=[.!?:;؟])[ \t]*\n|\n[ \t]*\n")
_ARABIC = re.compile("[\u0600-\u06ff]")


def naming(text: str, words: Sequence[str]) -> list[str]:
    """The sentences and list items of `text` that name one of `words`, verbatim: a word starting a
    word there, whatever the case or accents; an Arabic word anywhere in one (its article and
    conjunctions are joined to it)."""
    wanted = [(fold(w), bool(_ARABIC.search(w))) for w in words if fold(w)]
    found = []
    cuts = [0, *(m.end() for m in _BREAK.finditer(text)), len(text)]
    for start, end in zip(cuts, cuts[1:], strict=False):
        for a, b in sentence_spans(text, start, end):
            folded = f" {fold(text[a:b])}"
            if any(w in folded if arabic else f" {w}" in folded for w, arabic in wanted):
                found.append(text[a:b])
    return found


def _naming_first(hits: list[Hit], words: Sequence[str]) -> list[Hit]:
    """The hits whose text names the sector first (in their order, those lines as their highlights),
    then the others: a passage about the group that says nothing of the sector is a poor example."""
    if not words:
        return hits
    named = [(h, naming(h.text, words)) for h in hits]
    return [replace(h, highlights=lines[:2]) for h, lines in named if lines] + [h for h, lines in named if not lines]


def _comparable(kb: Any, search: str, city: str, k: int, draft_id: int | None) -> list[Hit] | None:
    """Excerpts through the atlas (comparable cities first), or None when the KB has no atlas."""
    if not (hasattr(kb, "section_examples") and hasattr(kb, "profile_of_city")):
        return None
    profile = kb.draft_profile(draft_id) if draft_id is not None and hasattr(kb, "draft_profile") else None
    try:
        profile = profile or (kb.profile_of_city(city) if city else None)
    except ValueError:  # atlas's ProfileError: a city the KB does not know
        profile = None
    examples = kb.section_examples(LEADERSHIP_SECTION, k=k * 4, prefer=profile, query=search)
    return [ex.hit for ex in examples if ex.hit.city and ex.hit.city != city]


def sector_excerpts(kb: Any, search: str, city: str, k: int = 3, draft_id: int | None = None,
                    words: Sequence[str] = ()) -> list[Hit]:
    """Up to k excerpts of other cities' documents that answer `search`, best first.

    Args:
        kb: the KnowledgeBase (its `search`, and the atlas's methods when present).
        search: what bringing the sector in looks like ("the police joined the group as ...").
        city: the draft's city; its own documents are left out (they are what is missing).
        k: how many.
        draft_id: the draft whose group it is (the atlas keeps a profile per draft).
        words: words that show a passage names the sector (`naming`): those passages come first,
            their naming lines highlighted.
    """
    found = _comparable(kb, search, city, k, draft_id)
    if found is not None:
        return _naming_first(found, words)[:k]
    hits = kb.search(search, k=k * 4)
    seen: set[int] = set()
    out = []
    for hit in hits:
        if not hit.city or hit.city == city or hit.doc_id in seen:
            continue  # network guidance has no city: it is what says the sector is expected
        seen.add(hit.doc_id)
        out.append(hit)
    return _naming_first(out, words)[:k]
