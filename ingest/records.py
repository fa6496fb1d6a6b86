"""The records `ingest` produces: text blocks, parsed documents and chunk drafts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Block", "ParsedDocument", "ChunkDraft", "OcrPage", "OcrInfo", "BLOCK_SEPARATOR"]

# Blocks are joined with this to form the document text that chunk spans point into.
BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Block:
    """A run of text with its place in the document."""

    text: str
    page: int | None  # 1-based, PDFs and images (a multi-page TIFF's frame) only
    section: tuple[str, ...]  # heading path, outermost first; () when none


@dataclass(frozen=True)
class OcrPage:
    """What OCR made of one page."""

    page: int  # 1-based
    confidence: float  # mean word confidence, 0-100, weighted by word length
    languages: tuple[str, ...]  # the Tesseract packs that read it ("fra", "ara", ...)
    script: str | None  # by Tesseract's script detection; None when the page held too little to tell
    low: bool  # confidence under ingest.ocr.LOW_CONFIDENCE: worth checking against the original


@dataclass
class OcrInfo:
    """The pages of a document that OCR read, and those it could not (and why)."""

    engine: str  # "tesseract 5.3.0"; "" when OCR was off or not installed
    pages: list[OcrPage] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)  # page -> why it was not read
    missing_packs: list[str] = field(default_factory=list)  # Debian packages that would read it (better)
    partial: bool = False  # the time limit ended it before every page was read

    @property
    def languages(self) -> list[str]:
        return sorted({lang for p in self.pages for lang in p.languages})

    @property
    def mean_confidence(self) -> float | None:
        return sum(p.confidence for p in self.pages) / len(self.pages) if self.pages else None

    @property
    def low_pages(self) -> list[int]:
        return [p.page for p in self.pages if p.low]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (what the catalog stores); page keys become strings in JSON."""
        return {
            "engine": self.engine,
            "languages": self.languages,
            "pages": {str(p.page): {"confidence": round(p.confidence, 1), "languages": list(p.languages),
                                    "script": p.script, "low": p.low} for p in self.pages},
            "skipped": {str(k): v for k, v in sorted(self.skipped.items())},
            "missing_packs": list(self.missing_packs),
            "partial": self.partial,
        }


@dataclass
class ParsedDocument:
    """A file read into ordered blocks, with what could be learnt about it."""

    format: str  # "pdf" | "docx" | "html" | "markdown" | "text" | "image"
    title: str | None
    blocks: list[Block]
    page_count: int | None
    language: str  # ISO 639-1 or "und"
    notes: list[str] = field(default_factory=list)  # non-fatal problems, e.g. a page that was skipped
    ocr: OcrInfo | None = None  # set when pages needed OCR (read or not)

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
