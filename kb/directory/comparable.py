"""Where other cities describe bringing a sector into their leadership group: the excerpts of the roster panel.

THE SEAM FOR COMPARABLE CITIES (issue 14, branch `atlas`, `/work/coord/atlas-api.md`): when the KB
offers `profile_of_city` and `section_examples`, excerpts come from the framework's "leadership"
section, ranked towards cities comparable to the draft's; until then (and for a city the KB does not
know) they are the KB's ordinary search over city documents, any city but the draft's own.
"""

from __future__ import annotations

from typing import Any

from kb.types import Hit

__all__ = ["sector_excerpts", "LEADERSHIP_SECTION"]

LEADERSHIP_SECTION = "leadership"  # the framework section (corpus/framework.yaml) of the group's make-up


def _comparable(kb: Any, search: str, city: str, k: int, draft_id: int | None) -> list[Hit] | None:
    """Excerpts through the atlas (comparable cities first), or None when the KB has no atlas."""
    if not (hasattr(kb, "section_examples") and hasattr(kb, "profile_of_city")):
        return None
    profile = kb.draft_profile(draft_id) if draft_id is not None and hasattr(kb, "draft_profile") else None
    try:
        profile = profile or (kb.profile_of_city(city) if city else None)
    except ValueError:  # atlas's ProfileError: a city the KB does not know
        profile = None
    examples = kb.section_examples(LEADERSHIP_SECTION, k=k * 2, prefer=profile, query=search)
    return [ex.hit for ex in examples if ex.hit.city and ex.hit.city != city][:k]


def sector_excerpts(kb: Any, search: str, city: str, k: int = 3, draft_id: int | None = None) -> list[Hit]:
    """Up to k excerpts of other cities' documents that answer `search`, best first.

    Args:
        kb: the KnowledgeBase (its `search`, and the atlas's methods when present).
        search: what bringing the sector in looks like ("the police joined the group as ...").
        city: the draft's city; its own documents are left out (they are what is missing).
        k: how many.
        draft_id: the draft whose group it is (the atlas keeps a profile per draft).
    """
    found = _comparable(kb, search, city, k, draft_id)
    if found is not None:
        return found
    hits = kb.search(search, k=k * 4)
    seen: set[int] = set()
    out = []
    for hit in hits:
        if not hit.city or hit.city == city or hit.doc_id in seen:
            continue  # network guidance has no city: it is what says the sector is expected
        seen.add(hit.doc_id)
        out.append(hit)
    return out[:k]
