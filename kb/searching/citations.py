"""How a passage is cited: the document, its place and year, the page and the section path.

Search results and the passages pinned into drafts are cited the same way. A citation is built from
parts (`citation_parts`): the document's own words and numbers (title, city, country, year, page,
each section name) and the separators between them, so a page can show each part in its own
direction (an Arabic title beside a Latin city) while the separators follow the page's.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest import same_words
from kb.types import Chunk, Copy, Document

__all__ = ["citation", "citation_parts", "assemble", "section_path", "Part", "cited_copy"]

# (text, own): `own` is a part of the document's (title, place, year, page, a section name), the rest
# are the separators between them. Joined, the parts are the citation.
Part = tuple[str, bool]


def assemble(title: str, place: Sequence[str | None], year: object, page: str | None, path: Sequence[str],
             comma: str = ", ") -> list[Part]:
    """`Title — City, Country (year), page, § Section › Subsection` as parts, with the parts that are known.

    Args:
        title: the document's title.
        place: its city and country, as they are to be written (a code or a name).
        year: its year, if known.
        page: the page as it is to be written ("p. 4", "ص 4"), if any.
        path: the section names, outermost first.
        comma: the comma of the language the citation is written in.
    """
    parts: list[Part] = [(title, True)]
    for n, name in enumerate(p for p in place if p):
        parts += [(" — " if n == 0 else comma, False), (name, True)]
    if year:
        parts += [(" (", False), (str(year), True), (")", False)]
    if page:
        parts += [(comma, False), (page, True)]
    for n, name in enumerate(path):
        parts += [(comma + "§ " if n == 0 else " › ", False), (name, True)]
    return parts


def section_path(title: str, section: Sequence[str]) -> list[str]:
    """The section names a citation gives: a heading that only repeats the title (a Markdown file's
    H1) is not said twice, and one that starts with its own "§" ("§ 3 Referral") gets no second one."""
    return [s.lstrip("§ \u00a0").strip() or s for s in section if not same_words(s, title)]


def citation_parts(title: str, city: str | None, country: str | None, year: object, page: int | None,
                   ocr: bool, section: Sequence[str]) -> list[Part]:
    """The parts of the stored citation (`citation`) of a passage, from what a hit, a pinned excerpt
    or a directory source keeps of it; a page read by OCR is `p. N (OCR)`."""
    written = f"p. {page}" + (" (OCR)" if ocr else "") if page else None
    return assemble(title, (city, country), year, written, section_path(title, section))


def citation(doc: Document, chunk: Chunk) -> str:
    """`Title — City, CC (year), p. N, § Section` with the parts that are known; a page read by OCR
    is `p. N (OCR)`, so whoever quotes it knows the text may differ from the scan."""
    meta = doc.metadata
    parts = citation_parts(doc.title, meta.get("city"), meta.get("country"), meta.get("year"), chunk.page,
                           chunk.page in doc.ocr_pages, chunk.section)
    return "".join(text for text, _ in parts)


def cited_copy(doc: Document, chunk: Chunk, translation: bool = False) -> Copy:
    """A copy of a hit's passage in another document (a translation, naming its language), cited as
    `citation` cites it, with the parts a page writes in its own language."""
    meta = doc.metadata
    return Copy(citation(doc, chunk), doc.title, meta.get("city"), meta.get("country"), meta.get("year"),
                chunk.page, chunk.page in doc.ocr_pages, tuple(chunk.section),
                chunk.language if translation else None)
