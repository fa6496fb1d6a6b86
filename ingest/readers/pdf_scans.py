"""The scanned pages of a PDF: which pages need OCR, and reading them into the reader's page lists.

A page needs OCR when pypdf finds no text on it, only a few characters over a picture the size of
a page (a scan with a stamped page number), or text that is mostly characters no font maps to
letters (a broken font layer: private-use, control or replacement characters). The other pages of
the PDF keep the text pypdf extracted.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import IngestError
from ..ocr import OcrOptions, OcrUnavailable, PageTooLarge, available_engine, ocr_pages, page_dpi, render_page
from ..ocr.render import picture_dpi
from ..records import OcrInfo
from .scanned import scanned_parts

if TYPE_CHECKING:
    from PIL.Image import Image

    from .pdf_headings import Line

__all__ = ["needs_ocr", "broken_text_layer", "read_scans"]

MIN_TEXT_CHARS = 20  # fewer characters than this over a page-sized picture: the picture is the page
SCAN_PICTURE_DPI = 40  # a picture with this many pixels per inch of the page's width could be a scan of it (a phone photo of a page drawn on A4: 48)
BROKEN_SHARE = 0.3  # this share of unmapped characters means the text layer is unreadable
_UNMAPPED = {"Co", "Cc", "Cs", "Cn"}  # private use, control, surrogate, unassigned


def broken_text_layer(chars: str) -> bool:
    """Whether extracted text (whitespace removed) is mostly characters that are not letters of any font."""
    bad = sum(1 for ch in chars if ch == "\ufffd" or unicodedata.category(ch) in _UNMAPPED)
    return len(chars) >= MIN_TEXT_CHARS and bad >= BROKEN_SHARE * len(chars)


def needs_ocr(text: str, page: Any) -> bool:
    """Whether a page's extracted text says it is a scan (see the module docstring)."""
    chars = "".join(text.split())
    if not chars:
        return True
    if len(chars) < MIN_TEXT_CHARS:
        return picture_dpi(page) >= SCAN_PICTURE_DPI
    return broken_text_layer(chars)


PageLists = tuple[dict[int, str], dict[int, list[str]], dict[int, "list[Line]"]]


def read_scans(path: Path, reader: Any, scans: list[int], ocr: OcrOptions | None, parts: PageLists,
               notes: list[str]) -> OcrInfo | None:
    """OCR the pages `scans` (0-based) and put their text, margin lines and line sizes into `parts`.

    Args:
        path: the PDF (pdftoppm draws its pages).
        reader: its pypdf reader (read here, never from OCR's worker threads).
        scans: the pages that need OCR.
        ocr: the options; None leaves the pages as pypdf read them (OCR not enabled).
        parts: the reader's (text, margin keys, line sizes) by 0-based page, updated in place.
        notes: the document's notes; what OCR could not do is added.

    Returns:
        What OCR did, or None when it had nothing to do (no options, or the pages were only blank).

    Raises:
        IngestError: too_large when more pages need OCR than `ocr.max_pages`.
    """
    if ocr is None:
        return None
    numbers = [i + 1 for i in scans]
    try:
        engine = available_engine(ocr, pdf=True)
    except OcrUnavailable as err:
        info = OcrInfo("", skipped=dict.fromkeys(numbers, str(err)))
        notes.extend(info.notes())
        return info
    if len(scans) > ocr.max_pages:
        raise IngestError("too_large", f"This PDF has {len(scans):,} scanned pages; OCR reads at most {ocr.max_pages:,} "
                                       "pages of a file (KB_OCR_MAX_PAGES): split it or raise the limit.")
    dpis: dict[int, int] = {}
    for n in numbers:
        try:
            dpis[n] = page_dpi(reader.pages[n - 1])
        except PageTooLarge:
            dpis[n] = 0

    def image_of(n: int, left: float) -> tuple[Image, int]:
        if not dpis[n]:
            raise PageTooLarge("over the pixel limit at any legible resolution")
        return render_page(path, n, dpis[n], left), dpis[n]

    run = ocr_pages(numbers, image_of, ocr, engine)
    others = any(text.strip() for i, text in parts[0].items() if i not in scans)
    if others and not run.texts and all(why == "blank" for why in run.skipped.values()):
        return None  # empty pages of a text PDF: nothing was scanned
    pages, margins, sizes = parts
    for n in numbers:
        read = run.texts.get(n)
        if read is None:
            pages[n - 1], margins[n - 1], sizes[n - 1] = "", [], []  # a broken layer is no better than nothing
        else:
            pages[n - 1], margins[n - 1], sizes[n - 1] = scanned_parts(read)
    info = run.info()
    notes.extend(info.notes())
    return info
