"""The records `ingest` produces: text blocks, parsed documents and chunk drafts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .tables import Table

__all__ = ["Block", "ParsedDocument", "ChunkDraft", "OcrPage", "OcrInfo", "BLOCK_SEPARATOR", "NOTHING_TO_READ"]

# Why OCR skipped a page that had nothing to read (not a page left unread)
NOTHING_TO_READ = frozenset({"blank", "no text found"})

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
    threshold: float = 0.0  # the confidence under which a page is `low`

    @property
    def languages(self) -> list[str]:
        return sorted({lang for p in self.pages for lang in p.languages})

    @property
    def mean_confidence(self) -> float | None:
        return sum(p.confidence for p in self.pages) / len(self.pages) if self.pages else None

    @property
    def low_pages(self) -> list[int]:
        return [p.page for p in self.pages if p.low]

    def summary(self) -> str:
        """One sentence a coordinator reads: what read the pages, how surely, and what to check."""
        parts = []
        if self.pages:
            langs = "+".join(self.languages)
            parts.append(f"Read by OCR ({self.engine}, {langs}): {len(self.pages)} page(s), mean confidence "
                         f"{self.mean_confidence:.0f} %.")
        parts += self.notes()
        return " ".join(parts)

    def notes(self) -> list[str]:
        """What a coordinator should know beyond the text: low confidence, pages not read, packs to install."""
        notes = []
        if self.low_pages:
            pages = ", ".join(f"p. {p}" for p in self.low_pages)
            notes.append(f"Low OCR confidence (under {self.threshold:g} %) on {pages}: check against the original.")
        unread = {p: why for p, why in self.skipped.items() if why not in NOTHING_TO_READ}
        if not self.engine and unread:
            notes.append(f"{len(unread)} scanned page(s) not read: {next(iter(unread.values()))}.")
        elif self.partial:
            notes.append(f"Partial: OCR stopped at the time limit (KB_OCR_MAX_SECONDS) with {len(unread)} page(s) "
                         "not read; raise the limit and run `kb reread --ocr` to read them.")
        elif unread:
            listed = "; ".join(f"p. {p}: {why}" for p, why in list(unread.items())[:5])
            notes.append(f"{len(unread)} scanned page(s) not read ({listed}).")
        if self.missing_packs:
            packs = " ".join(self.missing_packs)
            notes.append(f"Install {packs} to read it (better), then run `kb reread`.")
        return notes

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
            "threshold": self.threshold,
            "mean_confidence": None if self.mean_confidence is None else round(self.mean_confidence, 1),
            "low_pages": self.low_pages,
            "summary": self.summary(),
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
    # where in `text` a later heading path begins: a chunk packs a section's small subsections
    # together, and a quote from one of them is cited under its own heading (`kb.types.Chunk.section_of`)
    subsections: tuple[tuple[int, tuple[str, ...]], ...] = ()
