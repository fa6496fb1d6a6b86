"""A PDF that is probably scanned: its pages are images with, at most, a stray word of text.

Such a file reads without error, but what it says is in its images: added as it is, it becomes a
document titled "Background Background" whose chunks say nothing. Without text recognition (OCR)
it is better refused with that reason, so the coordinator knows to get a text version (or, where
OCR is enabled, to have it read).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .records import ParsedDocument

__all__ = ["probably_scanned", "THIN_PAGE_WORDS"]

THIN_PAGE_WORDS = 3  # a page with no more words than this has no text layer worth the name


def _image_pages(path: Path, pages: list[int]) -> int:
    """How many of these (1-based) pages draw an image."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        count = 0
        for number in pages:
            resources = reader.pages[number - 1].get("/Resources") or {}
            xobjects = resources.get_object().get("/XObject") if hasattr(resources, "get_object") else None
            xobjects = xobjects.get_object() if xobjects is not None else {}
            if any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values()):
                count += 1
        return count
    except Exception:  # noqa: BLE001 (the file was read already; a quirk here only means "cannot tell")
        return 0


def probably_scanned(path: Path, doc: ParsedDocument) -> bool:
    """Whether a PDF's pages are mostly images with almost no text (at most a few words a page).

    Args:
        path: the PDF (its pages are opened again only when the text alone suggests a scan).
        doc: what the reader made of it.

    Returns:
        True when more than half of its pages hold <= THIN_PAGE_WORDS words and at least half of
        those draw an image. A short PDF of real text, even a line a page, is not flagged; nor is one
        whose text pages are at least as many as its scanned ones (it is added, and the outcome names
        the scanned pages it could not read).
    """
    if doc.format != "pdf" or not doc.page_count:
        return False
    words: Counter[int] = Counter()
    for block in doc.blocks:
        if block.page:
            words[block.page] += len(block.text.split())
    thin = [p for p in range(1, doc.page_count + 1) if words[p] <= THIN_PAGE_WORDS]
    if 2 * len(thin) <= doc.page_count:
        return False
    return 2 * _image_pages(path, thin) >= len(thin)
