"""How a passage is cited: the document, its place and year, the page and the section path.

Search results and the passages pinned into drafts are cited the same way.
"""

from __future__ import annotations

from ingest import same_words
from kb.types import Chunk, Document

__all__ = ["citation"]


def citation(doc: Document, chunk: Chunk) -> str:
    """`Title — City, CC (year), p. N, § Section` with the parts that are known; a page read by OCR
    is `p. N (OCR)`, so whoever quotes it knows the text may differ from the scan."""
    place = ", ".join(p for p in (doc.metadata.get("city"), doc.metadata.get("country")) if p)
    head = doc.title + (f" — {place}" if place else "")
    if doc.metadata.get("year"):
        head += f" ({doc.metadata['year']})"
    parts = [head]
    if chunk.page:
        parts.append(f"p. {chunk.page}" + (" (OCR)" if chunk.page in doc.ocr_pages else ""))
    # a heading that only repeats the title (a Markdown file's H1) is not said twice
    # ... and a heading that starts with its own "§" ("§ 3 Referral") does not get a second one
    path = [s.lstrip("§ \u00a0").strip() or s for s in chunk.section if not same_words(s, doc.title)]
    if path:
        parts.append(f"§ {' › '.join(path)}")
    return ", ".join(parts)
