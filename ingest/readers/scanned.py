"""Pages read by OCR, made to look like pages pypdf read: text, margin lines and line sizes.

With the same three things a text page gives, a scanned page goes through the same steps: running
headers and page numbers dropped (`running_lines`, by where OCR found each line), headings found by
their type size (`pdf_headings`, from Tesseract's estimate of each line's size), a title chosen. This
module also words the error for a scan of which no page could be read.
"""

from __future__ import annotations

import re

from ..errors import IngestError
from ..ocr import PageText
from ..records import OcrInfo
from .pdf_headings import Line
from .running_lines import MARGIN, margin_line_keys

__all__ = ["scanned_parts", "unread_scan_error"]

# Tesseract's size of a line is steady in scripts with capitals and an x-height (27, 27, 27 px for the
# body of a Latin page, 37 for its headings); in Arabic it follows the letters of each line (21 to 57
# px on a page set in one size), so there it would invent headings.
_SIZED_SCRIPTS = {"Latin", "Cyrillic", "Greek"}
# A bullet OCR reads as another sign, alone before the item's text: "* item", "° item", "٠ item"
_OCR_BULLET = re.compile(r"^[*·°▪■●٠][\u200e\u200f]?(?=\s)", re.MULTILINE)


def _size_key(text: str) -> str:
    return "".join(text.split()).lower()  # pdf_headings' key for a line


def scanned_parts(page: PageText) -> tuple[str, list[str], list[Line]]:
    """A page read by OCR as (raw text, margin line keys, line sizes), as the PDF reader keeps them.

    Sizes are in points when the page's resolution is known (so they compare with a text page's), in
    pixels otherwise (they then only compare with each other, which is all an image file needs).
    """
    band = MARGIN * page.height
    margins = margin_line_keys([line.text for line in page.lines
                                if line.top < band or line.bottom > page.height - band])
    scale = 72 / page.dpi if page.dpi else 1.0
    sizes = [Line(_size_key(line.text), round(2 * line.size * scale) / 2, False) for line in page.lines
             if page.script in _SIZED_SCRIPTS]
    return _OCR_BULLET.sub("\u2022", page.text), margins, sizes


def unread_scan_error(info: OcrInfo, what: str) -> IngestError:
    """Why no page of a scan could be read, as the error a coordinator sees.

    Args:
        info: what OCR did (every page is in `info.skipped`).
        what: "PDF" or "image", for the message.
    """
    reasons = list(info.skipped.values())
    if info.missing_packs and any(r.startswith("no installed pack") for r in reasons):
        packs = " ".join(info.missing_packs)
        return IngestError("ocr_language", f"No installed OCR language pack reads this {what}'s script: "
                                           f"install {packs} (apt-get install {packs}), then add it again.")
    if info.partial:
        return IngestError("too_large", f"OCR ran out of time on this {what} before any page was read "
                                        "(KB_OCR_MAX_SECONDS): raise the limit or split the file.")
    if reasons and all(r.startswith(("could not be drawn", "too large to draw")) for r in reasons):
        if all(r.startswith("too large") for r in reasons):
            return IngestError("too_large", f"The pages of this {what} are too large to draw for OCR.")
        return IngestError("corrupt", f"The pages of this {what} are damaged and cannot be drawn for OCR.")
    failed = [r for r in reasons if r.startswith("Tesseract failed")]
    if failed:
        return IngestError("corrupt", f"OCR could not read this {what}: {failed[0]}.")
    if reasons and all(r == "blank" for r in reasons):
        return IngestError("no_text", f"This {what}'s pages are blank: OCR found nothing to read.")
    return IngestError("no_text", f"OCR found no text in this {what}: its pages hold only pictures, or are blank.")
