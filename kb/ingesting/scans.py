"""Which stored documents hold scans that OCR should read (again): for `kb reread` and its hints.

A document records what OCR did (`Document.ocr`). It is worth reading again when OCR could not run
when it was added (off, or Tesseract not installed) and now can, or when a language pack it lacked has
been installed since. `kb reread --ocr` goes further: every document OCR read, and every PDF with pages
that gave no text (added before OCR, its scanned pages were left out).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kb.settings import Settings
    from kb.store.catalog import Catalog
    from kb.types import Document

__all__ = ["ocr_pending", "may_hold_scans"]


def ocr_pending(documents: Iterable[Document], settings: Settings) -> list[Document]:
    """The documents whose scans OCR can now read (better); none while OCR is off or not installed.

    Tesseract is asked for its packs only when some document is waiting, so the hint `kb` prints on
    every command costs nothing in a knowledge base without such documents.
    """
    from ingest.ocr import debian_package, engine

    waiting = [d for d in documents if d.ocr and (d.ocr.get("missing_packs") or not d.ocr.get("engine"))]
    found = engine() if waiting and settings.ocr != "off" else None
    if found is None:
        return []
    installed = {debian_package(p) for p in found.packs}
    return [d for d in waiting if d.ocr and (not d.ocr.get("engine") or set(d.ocr["missing_packs"]) & installed)]


def may_hold_scans(catalog: Catalog, doc: Document) -> bool:
    """Whether OCR read some of a document's pages, or it is a PDF with pages that gave no text."""
    if doc.ocr:
        return True
    if doc.format != "pdf" or not doc.page_count:
        return False
    return len({c.page for c in catalog.chunks_of(doc.id)}) < doc.page_count
