"""A directory entry's evidence: the exact words of a document, with the citation and reference data.

Built like a pinned excerpt (`kb.drafts.Drafts.pin`), so the draft's export numbers an entry's
sources in the same reference list as its quotations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kb.directory.records import Source
from kb.drafting.excerpts import quote_span
from kb.types import Chunk, Document

__all__ = ["source_from_chunk", "find_chunk"]


def find_chunk(chunks: Sequence[Chunk], quote: str, section: Sequence[str] = ()) -> Chunk | None:
    """The chunk whose text holds `quote` (spacing aside; runs joined by `QUOTE_GAP` in their order),
    preferring one under `section`: first one that starts under it, then one where the quote sits
    under it (a chunk packs small subsections together), then the first that holds it."""
    spans = [(c, span) for c in chunks if (span := quote_span(c.text, quote)) is not None]
    wanted = tuple(section)
    starts_under = [c for c, _ in spans if tuple(c.section) == wanted]
    sits_under = [c for c, span in spans if c.section_of(*span) == wanted]
    found = starts_under or sits_under or [c for c, _ in spans]
    return found[0] if found else None


def source_from_chunk(doc: Document, chunk: Chunk | None, quote: str, *, section: Sequence[str] = (),
                      citation: str | None = None) -> Source:
    """The source of an entry found in `chunk` of `doc` (or in `doc` at `section` when no chunk holds it).

    A chunk is cited under the heading path of its first block, but it can run on under the next
    sub-headings (`ingest.chunking` packs a section's small subsections together): Harrow Bend's
    "Secondary prevention" table shares a chunk that starts under "Primary prevention". So a
    `section` the caller knows (a table's, as the reader found it) is cited instead of the chunk's.

    Args:
        doc: the document.
        chunk: the chunk quoted, if known.
        quote: the exact words (a table row as the document text writes it, a sentence, a selection).
        section: the heading path the quote sits under, when known; else the chunk's is cited.
        citation: the citation to keep; built from document and chunk (at that section) when None.
    """
    from kb.searching.citations import citation as build_citation

    meta = {k: doc.metadata.get(k) for k in ("city", "country", "year", "doc_type") if doc.metadata.get(k)}
    meta.update({k: v for k, v in (("author", doc.publisher), ("url", doc.url),
                                   ("language", chunk.language if chunk else doc.language)) if v})
    where = tuple(section) if section or chunk is None else tuple(chunk.section)
    if citation is None:
        stand_in = (Chunk(0, doc.id, 0, quote, None, where, 0, 0, doc.language) if chunk is None
                    else replace(chunk, section=where))
        citation = build_citation(doc, stand_in)
    return Source(document=doc.source, quote=quote, title=doc.title, page=chunk.page if chunk else None,
                  section=where, citation=citation, doc_id=doc.id, chunk_id=chunk.id if chunk else None, meta=meta)
