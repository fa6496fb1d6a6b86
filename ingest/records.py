"""The records `ingest` produces: text blocks, parsed documents and chunk drafts."""

from __future__ import annotations

from dataclasses import dataclass, field

from .tables import Table

__all__ = ["Block", "ParsedDocument", "ChunkDraft", "BLOCK_SEPARATOR"]

# Blocks are joined with this to form the document text that chunk spans point into.
BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Block:
    """A run of text with its place in the document."""

    text: str
    page: int | None  # 1-based, PDFs only
    section: tuple[str, ...]  # heading path, outermost first; () when none


@dataclass
class ParsedDocument:
    """A file read into ordered blocks, with what could be learnt about it."""

    format: str  # "pdf" | "docx" | "html" | "markdown" | "text"
    title: str | None
    blocks: list[Block]
    page_count: int | None
    language: str  # ISO 639-1 or "und"
    notes: list[str] = field(default_factory=list)  # non-fatal problems, e.g. a page that was skipped
    tables: list[Table] = field(default_factory=list)  # DOCX, HTML and Markdown tables as cells (ingest.tables)

    @property
    def text(self) -> str:
        """The document text that `ChunkDraft.char_start/char_end` index into."""
        return BLOCK_SEPARATOR.join(b.text for b in self.blocks)


@dataclass(frozen=True)
class ChunkDraft:
    """A passage ready to embed; `text == doc.text[char_start:char_end]`."""

    ordinal: int
    text: str
    page: int | None
    section: tuple[str, ...]
    char_start: int
    char_end: int
    language: str
