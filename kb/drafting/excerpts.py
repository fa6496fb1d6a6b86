"""What pinning copies from an excerpt: the stored passage, the words a card shows of it, and the
reference an export needs (title, city, year, author, page...), so a draft keeps its quotations and
references after the document is updated or removed."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from kb.drafting.framework import DraftError
from kb.store.catalog import Catalog
from kb.types import Chunk, Document, Hit

__all__ = ["Reference", "QUOTE_GAP", "stored_excerpt", "excerpt_body", "quotes_excerpt", "quote_span",
           "quote_holds", "quoted_section", "reference"]

# Between two quoted parts of one passage that are not next to each other: the words left out.
QUOTE_GAP = " […] "


class Reference(NamedTuple):
    """What a pinned excerpt stores besides the words it quotes."""

    citation: str
    meta: dict[str, Any]
    text: str  # the whole passage
    page: int | None
    doc_id: int
    source: str


def stored_excerpt(catalog: Catalog, excerpt: Hit | Chunk) -> tuple[int, Chunk | None, str]:
    """(chunk id, the stored chunk, the excerpt's whole text). The stored chunk text is the excerpt,
    exactly; a Hit is only a pointer to it when the chunk exists."""
    chunk_id = excerpt.id if isinstance(excerpt, Chunk) else excerpt.chunk_id
    chunk = catalog.chunks([chunk_id]).get(chunk_id) or (excerpt if isinstance(excerpt, Chunk) else None)
    return chunk_id, chunk, chunk.text if chunk is not None else excerpt.text


def excerpt_body(excerpt: Hit | Chunk, chunk: Chunk | None, doc: Document | None, whole: str) -> str | None:
    """The passage without a first line that only repeats the document's title or the section
    heading (the citation names both), or None when it has no such line. A passage that packs several
    subsections is cited under the path they share, so the first one's heading stays in the quote."""
    from kb.searching.highlights import body_text

    title = doc.title if doc is not None else (excerpt.title if isinstance(excerpt, Hit) else "")
    section = chunk.section_of() if chunk is not None else excerpt.section
    body = body_text(whole, (title, *section))
    return body if body != whole.strip() else None


def quotes_excerpt(whole: str, quote: str) -> bool:
    """Whether `quote` quotes the passage exactly: one run of its text, or runs of it in their order
    joined by QUOTE_GAP (the sentences a card highlighted, with what lies between left out)."""
    at = 0
    for part in quote.split(QUOTE_GAP):
        found = whole.find(part, at) if part.strip() else -1
        if found < 0:
            return False
        at = found + len(part)
    return True


def quote_span(text: str, quote: str | None) -> tuple[int, int] | None:
    """Where a quotation sits in `text`, spacing aside (a line break or two spaces for one space, as a
    document read again may set them): (start of its first run, end of its last), its runs joined by
    QUOTE_GAP found in their order. None when `text` does not hold it."""
    start, at = -1, 0
    for part in (quote or "").split(QUOTE_GAP):
        words = part.split()
        found = re.compile(r"\s+".join(map(re.escape, words))).search(text, at) if words else None
        if found is None:
            return None
        start = found.start() if start < 0 else start
        at = found.end()
    return (start, at) if start >= 0 else None


def quote_holds(held: str, quote: str) -> bool:
    """Whether a quotation `held` (a draft item's words) holds all of `quote`, spacing aside: each run
    of `quote` found in it, in order (so a pinned passage holds its highlighted sentences, and
    "A […] C" holds "A" and "A […] C")."""
    return quote_span(" ".join(held.split()), " ".join(quote.split())) is not None


def quoted_section(chunk: Chunk, quote: str | None) -> tuple[str, ...]:
    """The heading path a quotation of `chunk` sits under (from its first run to its last, runs
    joined by QUOTE_GAP, spacing aside): a chunk packs small subsections together
    (`Chunk.section_of`). The whole chunk's when there is no quote or it is not found."""
    span = quote_span(chunk.text, quote)
    return chunk.section_of(*span) if span is not None else chunk.section_of()


def reference(excerpt: Hit | Chunk, chunk: Chunk | None, doc: Document | None, citation: str | None,
              quote: str | None = None) -> Reference:
    """The reference of an excerpt: from its stored chunk and document while they exist (cited under
    the subsection `quote` sits in), else from the Hit as it was shown (DraftError for a bare Chunk
    whose document is gone).

    Args:
        citation: overrides the Hit's citation and the one built from the document.
        quote: the words pinned (the whole passage when None).
    """
    if chunk is not None and doc is not None:
        from dataclasses import replace

        from kb.searching.citations import citation as build_citation

        chunk = replace(chunk, section=quoted_section(chunk, quote))
        # the citation the card showed, unless it names another subsection than the one quoted
        shown = excerpt.citation if isinstance(excerpt, Hit) and tuple(excerpt.section) == chunk.section else None
        cite = citation or shown
        meta = {
            **{k: doc.metadata.get(k) for k in ("city", "country", "year", "doc_type")},
            "author": doc.publisher,  # for the reference's author (CSL-JSON); the city when none is named
            "url": doc.url,
            "title": doc.title,
            "section": list(chunk.section),
            "language": chunk.language,
        }
        return Reference(cite or build_citation(doc, chunk), meta, chunk.text, chunk.page, doc.id, doc.source)
    if isinstance(excerpt, Hit):
        meta = {
            "title": excerpt.title,
            "city": excerpt.city,
            "country": excerpt.country,
            "year": excerpt.year,
            "url": None,
            "doc_type": excerpt.doc_type,
            "section": list(excerpt.section),
            "language": excerpt.language,
        }
        return Reference(citation or excerpt.citation or "", meta, excerpt.text, excerpt.page, excerpt.doc_id,
                         excerpt.source)
    raise DraftError("This excerpt's document is no longer in the knowledge base.")
