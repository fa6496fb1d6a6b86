"""A directory entry's evidence: the exact words of a document, with the citation and reference data.

Built like a pinned excerpt (`kb.drafts.Drafts.pin`), so the draft's export numbers an entry's
sources in the same reference list as its quotations.
"""

from __future__ import annotations

from collections.abc import Sequence

from kb.directory.records import Source
from kb.types import Chunk, Document

__all__ = ["source_from_chunk", "find_chunk"]


def _squash(text: str) -> str:
    return " ".join(text.split())


def find_chunk(chunks: Sequence[Chunk], quote: str, section: Sequence[str] = ()) -> Chunk | None:
    """The chunk whose text holds `quote` (spacing aside), preferring one under `section`."""
    wanted = _squash(quote)
    if not wanted:
        return None
    holding = [c for c in chunks if wanted in _squash(c.text)]
    same = [c for c in holding if tuple(c.section) == tuple(section)]
    found = same or holding
    return found[0] if found else None


def source_from_chunk(doc: Document, chunk: Chunk | None, quote: str, *, section: Sequence[str] = (),
                      citation: str | None = None) -> Source:
    """The source of an entry found in `chunk` of `doc` (or in `doc` at `section` when no chunk holds it).

    Args:
        doc: the document.
        chunk: the chunk quoted, if known.
        quote: the exact words (a table row as the document text writes it, a sentence, a selection).
        section: the heading path when there is no chunk.
        citation: the citation to keep; built from document and chunk when None.
    """
    from kb.searching.citations import citation as build_citation

    meta = {k: doc.metadata.get(k) for k in ("city", "country", "year", "doc_type") if doc.metadata.get(k)}
    meta.update({k: v for k, v in (("author", doc.publisher), ("url", doc.url),
                                   ("language", chunk.language if chunk else doc.language)) if v})
    where = tuple(chunk.section) if chunk is not None else tuple(section)
    if citation is None:
        stand_in = chunk or Chunk(0, doc.id, 0, quote, None, where, 0, 0, doc.language)
        citation = build_citation(doc, stand_in)
    return Source(document=doc.source, quote=quote, title=doc.title, page=chunk.page if chunk else None,
                  section=where, citation=citation, doc_id=doc.id, chunk_id=chunk.id if chunk else None, meta=meta)
