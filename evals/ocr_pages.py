"""Scanned pages read as `kb add` reads them, and each page's OCR text scored against its truth.

Shared by the OCR evaluation (`evals.ocr`) and its confidence calibration (`evals.ocr_calibration`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.cer import normalise, page_errors, strip_diacritics

if TYPE_CHECKING:
    from PIL.Image import Image

    from ingest.ocr import OcrRun

__all__ = ["read_scan", "read_images", "page_rows"]


def _options(workers: int) -> Any:
    from ingest.ocr import OcrOptions

    return OcrOptions(mode="on", max_pages=10_000, max_seconds=3600.0, workers=workers)


def read_scan(pdf: Path, workers: int = 2) -> OcrRun:
    """OCR every page of a scanned PDF as the PDF reader does (same resolution, packs and limits)."""
    import pypdf

    from ingest.ocr import available_engine, ocr_pages, page_dpi, render_page

    options = _options(workers)
    engine = available_engine(options, pdf=True)
    pages = pypdf.PdfReader(str(pdf)).pages
    dpis = {n: page_dpi(page) for n, page in enumerate(pages, start=1)}
    return ocr_pages(list(dpis), lambda n, left: (render_page(pdf, n, dpis[n], left), dpis[n]), options, engine)


def read_images(images: Sequence[tuple[Image, int]], workers: int) -> OcrRun:
    from ingest.ocr import available_engine, ocr_pages

    options = _options(workers)
    return ocr_pages(list(range(1, len(images) + 1)), lambda n, left: images[n - 1], options,
                     available_engine(options, pdf=False))


def page_rows(name: str, language: str, truth: list[list[str]], run: OcrRun) -> list[dict[str, Any]]:
    rows = []
    for n, lines in enumerate(truth, start=1):
        read = run.texts.get(n)
        reference, hypothesis = normalise(lines), normalise(read.text if read else "")
        edits, chars = page_errors(reference, hypothesis)
        row = {"file": name, "page": n, "language": language, "edits": edits, "chars": chars,
               "cer": round(edits / max(chars, 1), 4), "confidence": round(read.confidence, 1) if read else None,
               "pack": read.pack if read else None, "skipped": run.skipped.get(n)}
        if language == "ar":
            loose = page_errors(strip_diacritics(reference), strip_diacritics(hypothesis))
            row["edits_no_diacritics"], row["chars_no_diacritics"] = loose
        rows.append(row)
    return rows
