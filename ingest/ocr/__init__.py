"""OCR for scanned pages and images with Tesseract: the pieces the readers use.

`available_engine` says whether OCR may run (KB_OCR, Tesseract and pdftoppm installed), `ocr_pages`
reads pages one pack each (script by OSD, language from metadata or the text), within a time limit,
and `render_page` draws a PDF page with poppler's pdftoppm. Pure like the rest of `ingest`.
"""

from __future__ import annotations

from .languages import debian_package, pack_for_language
from .pages import (
    INSTALL_HINT,
    LOW_CONFIDENCE,
    OcrOptions,
    OcrRun,
    OcrUnavailable,
    PageText,
    available_engine,
    ocr_pages,
)
from .render import PageTooLarge, max_pixels, page_dpi, render_page
from .tesseract import Engine, engine

__all__ = [
    "INSTALL_HINT",
    "LOW_CONFIDENCE",
    "Engine",
    "OcrOptions",
    "OcrRun",
    "OcrUnavailable",
    "PageText",
    "PageTooLarge",
    "available_engine",
    "debian_package",
    "engine",
    "max_pixels",
    "ocr_pages",
    "pack_for_language",
    "page_dpi",
    "render_page",
]
