"""What the indexes see of a chunk: its text with a short header naming its document and place.

A chunk on page 3 of a referral protocol often never names its city or its subject; the question
"how fast does Fontenoir's mobile team respond?" does. Both the embedder and BM25 therefore index
`Title — City, Country › Section` followed by the chunk text (the country by its English name, so
"a French town" finds a document whose metadata says FR). The catalog keeps the chunk's exact text, which
is what users see, quote and export.
"""

from __future__ import annotations

from typing import Any

from kb.country_names import COUNTRY_NAMES

__all__ = ["index_text"]


def index_text(title: str, metadata: dict[str, Any], section: tuple[str, ...] | list[str], text: str) -> str:
    """The text to embed and to index lexically for one chunk."""
    head = title.strip()
    country = metadata.get("country")
    place = ", ".join(p for p in (metadata.get("city"), COUNTRY_NAMES.get(country or "", country)) if p)
    if place:
        head += f" — {place}"
    path = [s for s in section if s and s.strip() != title.strip()]
    if path:
        head += " › " + " › ".join(path)
    return f"{head}\n{text}" if head else text
