"""Records shared by every layer: documents, chunks, hits and ingest reports.

This module imports nothing of ours, so `ingest`, `index`, `kb` and `ui` can all use it
without creating a cycle.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = [
    "DocumentNotFound",
    "Document",
    "Chunk",
    "Hit",
    "Copy",
    "FileOutcome",
    "AddReport",
    "Outcome",
]

Outcome = Literal["added", "updated", "unchanged", "failed"]


class DocumentNotFound(KeyError):
    """Raised for an unknown document id or source; the message says which."""

    def __str__(self) -> str:
        return f"No document {self.args[0]!r} in this knowledge base (see `kb list`)."


# Metadata fields that name who published a document, in order of preference (a reference's author).
AUTHOR_FIELDS = ("author", "organisation", "organization", "publisher", "city")


@dataclass(frozen=True)
class Document:
    """One source file as the catalog knows it."""

    id: int
    sha256: str
    source: str  # the file's name or relative path, the key for updates
    title: str
    language: str  # ISO 639-1, or "und" when unknown
    format: str  # pdf, docx, html, markdown, text, image
    metadata: dict[str, Any]
    status: str  # "ready" once its chunks are committed
    created_at: str
    updated_at: str
    chunk_count: int = 0
    page_count: int | None = None
    stored_path: str | None = None  # copy of the original under the KB home, for "open at page"
    chunker: str = ""  # ingest.CHUNKER_VERSION that cut its chunks ("" = before it was recorded)
    # pages read by OCR (ingest.OcrInfo.to_dict(): engine, languages, per-page confidence, skipped
    # pages and why, missing packs, partial); None when no page needed OCR
    ocr: dict[str, Any] | None = None

    @property
    def ocr_pages(self) -> set[int]:
        """The pages whose text OCR read (a chunk on one of them is cited "(OCR)")."""
        return {int(p) for p in (self.ocr or {}).get("pages", {})}

    @property
    def city(self) -> str | None:
        return self.metadata.get("city")

    @property
    def country(self) -> str | None:
        return self.metadata.get("country")

    @property
    def publisher(self) -> str | None:
        """Who published it, for a reference's author: the first of AUTHOR_FIELDS given (the city when
        no author or organisation is named)."""
        return next((str(self.metadata[k]) for k in AUTHOR_FIELDS if self.metadata.get(k)), None)

    @property
    def url(self) -> str | None:
        """Where it was published, if the metadata says."""
        return self.metadata.get("source_url") or self.metadata.get("url")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Chunk:
    """A passage of a document: the unit that is embedded, indexed and cited."""

    id: int  # int64, also the vector id in FAISS
    doc_id: int
    ordinal: int
    text: str
    page: int | None  # 1-based, PDFs only
    section: tuple[str, ...]  # heading path, outermost first
    char_start: int
    char_end: int
    language: str
    # (offset in `text`, heading path) where a later subsection begins (`ingest.records.ChunkDraft`)
    subsections: tuple[tuple[int, tuple[str, ...]], ...] = ()

    def section_of(self, start: int = 0, end: int | None = None) -> tuple[str, ...]:
        """The heading path of `text[start:end]`, for a citation of that part: a chunk packs a section's
        small subsections together under the first one's path, so a part inside a later subsection
        is cited under that one's, and a part across several under the path they share."""
        end = len(self.text) if end is None else end
        marks = [(0, self.section), *self.subsections]
        paths = [path for i, (at, path) in enumerate(marks)
                 if at < max(end, start + 1) and (i + 1 == len(marks) or marks[i + 1][0] > start)]
        if not paths:
            return self.section
        shared = paths[0]
        for path in paths[1:]:
            n = 0
            while n < min(len(shared), len(path)) and shared[n] == path[n]:
                n += 1
            shared = shared[:n]
        return shared or self.section

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["section"] = list(self.section)
        d["subsections"] = [[at, list(path)] for at, path in self.subsections]
        return d


@dataclass(frozen=True)
class Copy:
    """Another document's copy (or translation) of a hit's passage, as "also in" cites it: its stored
    citation and the parts it is built from, so a page writes it in its language as it writes the
    hit's own ("pág. 1", a country's name), not as stored ("p. 1", "CL")."""

    citation: str
    title: str
    city: str | None = None
    country: str | None = None
    year: int | None = None
    page: int | None = None
    ocr: bool = False
    section: tuple[str, ...] = ()
    language: str | None = None  # a translation's language, which its line names; None for a copy


@dataclass
class Hit:
    """One search result, with everything needed to show and cite it."""

    chunk_id: int
    doc_id: int
    title: str
    city: str | None
    country: str | None
    source: str
    page: int | None
    section: tuple[str, ...]
    language: str
    text: str
    score: float
    highlights: list[str] = field(default_factory=list)  # best-matching sentences, verbatim
    citation: str = ""
    year: int | None = None
    doc_type: str | None = None
    dense_score: float | None = None
    lexical_score: float | None = None
    also_in: list[str] = field(default_factory=list)  # citations of other documents' copies of this text
    ocr: bool = False  # its page was read by OCR (the citation says "(OCR)")
    copies: list[Copy] = field(default_factory=list)  # `also_in`'s records, in its order (the UI's words)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["section"] = list(self.section)
        return d


@dataclass
class FileOutcome:
    """What happened to one file of a batch; `reason` is for a coordinator to read."""

    path: str
    outcome: Outcome
    doc_id: int | None = None
    reason: str | None = None
    # encrypted, corrupt, no_text, empty, too_large, unknown_format, misnamed, ocr_language, metadata (a file);
    # missing, outside_folder, no_files (a path given: not there, a link out of its folder, a folder with no files);
    # same_name (two files of a batch under one name), name_taken (a stored document of another city has its name)
    error_code: str | None = None
    chunks: int = 0
    pages: int | None = None
    title: str | None = None
    language: str | None = None
    similar_to: str | None = None  # source of a stored document it largely repeats (kb.ingesting.near_duplicates)
    similarity: float | None = None  # the share of text in common with it, 0..1
    ocr_pages: int = 0  # pages read by OCR
    ocr_confidence: float | None = None  # their mean word confidence, 0-100
    low_confidence_pages: list[int] = field(default_factory=list)  # pages to check against the original

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AddReport:
    """The outcome of one `add` call: one entry per file, in the order they were seen."""

    files: list[FileOutcome] = field(default_factory=list)
    not_added: list[str] = field(default_factory=list)  # files a cancel or an interrupt left unread

    def count(self, outcome: Outcome) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0 and not self.not_added

    def summary(self) -> str:
        parts = [f"{self.count(o)} {o}" for o in ("added", "updated", "unchanged", "failed")]
        if self.not_added:
            parts.append(f"{len(self.not_added)} not added (cancelled)")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "files": [f.to_dict() for f in self.files],
            "summary": {o: self.count(o) for o in ("added", "updated", "unchanged", "failed")},
        }
        if self.not_added:
            out["not_added"] = list(self.not_added)
            out["summary"]["not_added"] = len(self.not_added)
        return out
