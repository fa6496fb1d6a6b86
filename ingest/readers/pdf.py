"""PDF pages to blocks with pypdf: one block per page, outline titles as sections."""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..bidi import fix_visual_order
from ..errors import IngestError
from ..normalize import clean_inline, join_wrapped_lines, mark_bullets, normalize_text, same_words
from ..ocr import OcrOptions
from ..records import Block, ParsedDocument
from .pdf_headings import (
    Line,
    body_size,
    is_contents_heading,
    line_sizes,
    looks_like_heading,
    sections_by_line,
    title_by_size,
)
from .pdf_pieces import PagePieces
from .pdf_scans import needs_ocr, read_scans
from .running_lines import margin_keys, strip_running_lines
from .scanned import unread_scan_error
from .titles import metadata_title

__all__ = ["read_pdf", "page_blocks", "text_title"]

_ENCRYPTED = "This PDF is password-protected; remove the password and add it again."
_CORRUPT = "This PDF is damaged or incomplete and cannot be read ({detail})."
_NO_TEXT = (
    "This PDF has no extractable text (it looks like scanned images). OCR is not enabled, "
    "so convert it to a text PDF first."
)
_SCANNED = "This PDF has no extractable text (it looks like scanned images), and {reason}."


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's warnings and log lines for one file; damaged PDFs can emit thousands."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _outline_entries(reader: Any) -> list[tuple[int, tuple[str, ...]]]:
    """Flatten the outline into (0-based page, title path) in outline order."""
    entries: list[tuple[int, tuple[str, ...]]] = []

    def walk(items: list[Any], parents: tuple[str, ...]) -> None:
        last: tuple[str, ...] | None = None
        for item in items:
            if isinstance(item, list):
                walk(item, last if last is not None else parents)  # children of the previous entry
                continue
            title = clean_inline(str(getattr(item, "title", "") or ""))
            if not title:
                continue
            path = (*parents, title)
            last = path
            try:
                page = reader.get_destination_page_number(item)
            except Exception:  # a dangling destination: keep the title, we just cannot place it
                continue
            if page is not None and page >= 0:
                entries.append((page, path))

    try:
        walk(list(reader.outline), ())
    except Exception:  # an unreadable outline is not a reason to drop the text
        return []
    return entries


def _sections_by_page(entries: list[tuple[int, tuple[str, ...]]], page_count: int) -> list[tuple[str, ...]]:
    """A page's section is the path of the latest outline entry starting on or before it."""
    ordered = sorted(enumerate(entries), key=lambda e: (e[1][0], e[0]))  # by page, then outline order
    sections: list[tuple[str, ...]] = []
    current: tuple[str, ...] = ()
    j = 0
    for page in range(page_count):
        while j < len(ordered) and ordered[j][1][0] <= page:
            current = ordered[j][1][1]
            j += 1
        sections.append(current)
    return sections


def _runs(raw: str, line_sections: list[tuple[str, ...]] | None, page_section: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
    """A page's text cut where its section changes: [(section, text)], one run when sections come from bookmarks."""
    if line_sections is None:
        return [(page_section, raw)]
    runs: list[tuple[tuple[str, ...], list[str]]] = []
    for line, section in zip(raw.split("\n"), line_sections, strict=True):
        if runs and runs[-1][0] == section:
            runs[-1][1].append(line)
        else:
            runs.append((section, [line]))
    if len(runs) > 1 and runs[0][0] == ():  # a title above the first heading opens that section, as with bookmarks
        runs[:2] = [(runs[1][0], runs[0][1] + runs[1][1])]
    return [(section, "\n".join(lines)) for section, lines in runs]


def _clean(raw: str) -> str:
    """A page's extracted text in reading order, normalised, with its lists marked and wrapped lines joined."""
    return join_wrapped_lines(normalize_text(mark_bullets(fix_visual_order(raw))))


def _info_title(reader: Any) -> str:
    """The title in the document information dictionary ("" when none or unreadable)."""
    try:
        meta = reader.metadata
        return metadata_title(meta.title) if meta is not None else ""
    except Exception:  # 017-style unreadable metadata
        return ""


def _xmp_title(reader: Any) -> str:
    """The XMP dc:title, which some producers write instead ("" when none or unreadable)."""
    try:
        xmp = reader.xmp_metadata
        titles = xmp.dc_title if xmp is not None else None
    except Exception:  # malformed XML in the metadata stream
        return ""
    if not isinstance(titles, dict) or not titles:
        return ""
    return metadata_title(titles.get("x-default") or next(iter(titles.values())))


def _title(reader: Any, page: str, sizes: list[Line], body: float, stem: str = "") -> str | None:
    """The metadata title (information dictionary, then XMP), else `text_title`. A metadata title
    that is only the file's own name (what scanners and image-to-PDF tools write) is no title: the
    first page's heading beats it ("brookfield-scan" -> "Brookfield Youth Outreach: Annual Report")."""
    for title in (_info_title(reader), _xmp_title(reader)):
        if title and not (stem and same_words(title, stem)):
            return title
    return text_title(page, sizes, body)


def text_title(page: str, sizes: list[Line], body: float) -> str | None:
    """The first page's largest line when set larger than the body; else its first line when that
    stands alone and reads like a heading. None lets the caller use the file name, which beats a
    title made of a wrapped body line or a table of contents.

    `page` is the first page with text, raw: a running header is often the title.
    """
    by_size = title_by_size(page, sizes, body)
    if by_size:
        return by_size
    raw_first = " ".join(page.strip().split("\n", 1)[0].split())
    cleaned_first = _clean(page).split("\n", 1)[0].strip()
    if raw_first == cleaned_first and looks_like_heading(cleaned_first) and not is_contents_heading(cleaned_first):
        return cleaned_first  # a line of its own, not the first line of a wrapped paragraph
    return None


def page_blocks(pages: dict[int, str], margins: dict[int, list[str]], sizes: dict[int, list[Line]],
                sections: list[tuple[str, ...]]) -> list[Block]:
    """Blocks of the pages' text (by 0-based page): running lines dropped, cut where the section changes.

    Args:
        pages: raw text by page, in page order; margins and sizes: the same pages' margin line keys
            and line sizes.
        sections: every page's section from the bookmarks; without any, headings found by type size
            give the sections.
    """
    kept = strip_running_lines(list(pages.values()), list(margins.values()))
    by_line = sections_by_line(kept, list(sizes.values())) if not any(sections) else None
    blocks: list[Block] = []
    for n, (i, raw) in enumerate(zip(pages, kept, strict=True)):
        for section, part in _runs(raw, by_line[n] if by_line else None, sections[i]):
            text = _clean(part)
            if text:
                blocks.append(Block(text=text, page=i + 1, section=section))
    return blocks


def read_pdf(path: Path, ocr: OcrOptions | None = None) -> ParsedDocument:
    """Read a PDF into one block per page that has text; pages that are scans are read by OCR.

    Args:
        path: the PDF file.
        ocr: how to OCR pages with no text (or a broken text layer); None never does (the old refusal).

    Returns:
        A ParsedDocument (language is filled in by the caller).

    Raises:
        IngestError: encrypted, corrupt, or no_text; for scans also too_large (over the OCR page limit)
            and ocr_language (no installed pack reads its script).
    """
    import pypdf  # imported here: only PDF ingestion pays for it

    notes: list[str] = []
    with _quiet_pypdf():
        try:
            reader = pypdf.PdfReader(str(path), strict=False)
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except Exception as exc:
                    raise IngestError("encrypted", _ENCRYPTED) from exc
                if not ok:
                    raise IngestError("encrypted", _ENCRYPTED)
            page_count = len(reader.pages)
        except IngestError:
            raise
        except Exception as exc:
            raise IngestError("corrupt", _CORRUPT.format(detail=type(exc).__name__)) from exc

        sections = _sections_by_page(_outline_entries(reader), page_count)
        pages: dict[int, str] = {}  # 0-based page -> raw text, for the pages that could be read
        margins: dict[int, list[str]] = {}
        sizes: dict[int, list[Line]] = {}
        for i in range(page_count):
            try:
                page, drawn = reader.pages[i], PagePieces()
                text = page.extract_text(visitor_text=drawn) or ""
                # all three or none, so the pages, their margins and their sizes stay aligned
                margins[i], sizes[i] = margin_keys(page, drawn.pieces), line_sizes(drawn.pieces)
                pages[i] = text
            except Exception as exc:  # one bad page should not lose the rest of the document
                notes.append(f"page {i + 1} skipped: {type(exc).__name__}")
        unreadable = len(notes)  # pages pypdf could not read (OCR's notes come after)
        scans = [i for i, text in pages.items() if needs_ocr(text, reader.pages[i])]
        info = read_scans(path, reader, scans, ocr, (pages, margins, sizes), notes) if scans else None
        blocks = page_blocks(pages, margins, sizes, sections)
        first = next((i for i, raw in pages.items() if raw.strip()), None)
        title = (_title(reader, pages[first], sizes[first], body_size(list(sizes.values())), Path(path).stem)
                 if first is not None else None)

    if not blocks:
        if page_count and unreadable == page_count:
            raise IngestError("corrupt", _CORRUPT.format(detail="no page could be read"))
        if info is None:
            raise IngestError("no_text", _NO_TEXT)
        if not info.engine:  # OCR is off or not installed: say how to turn it on
            raise IngestError("no_text", _SCANNED.format(reason=next(iter(info.skipped.values()))))
        raise unread_scan_error(info, "PDF")
    return ParsedDocument(
        format="pdf", title=title, blocks=blocks, page_count=page_count, language="und", notes=notes, ocr=info
    )
