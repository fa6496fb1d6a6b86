"""Running headers, footers and page numbers: what a PDF prints in its margins on every page.

"Harrow Bend Prevention Plan 2023-2026" at the top and "Page 3 of 12" at the bottom of each page are
not what the page says: in an excerpt they are clutter, and in every page's vector they pull all
pages of a document towards each other. A line is dropped when pypdf drew it in the top or bottom
`MARGIN` of the page (its position, not its place in the text: a footer drawn first comes out
first) and either it is a page number ("7", "- 7 -", "Page 7 of 12", "Seite 7", "iii") or the same
line, digits aside, is in the margin of at least two pages and half of the pages with text, or of two
pages at most `NEAR_PAGES` apart (a book's running chapter title). A heading or a body line is never
dropped, however often it repeats, since it is not in the margin.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import Any

from .pdf_pieces import Piece, by_baseline

__all__ = ["MARGIN", "margin_keys", "margin_line_keys", "strip_running_lines"]

MARGIN = 0.07  # share of the page height at the top and at the bottom (Word prints headers at ~5 %)
_PAGE_WORDS = r"page|pages|seite|página|pagina|pág\.?|p\.|s\.|صفحة|الصفحة"
_ROMAN = r"(?=[ivxlcdm]+[-–—)\]|]?$)m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"  # front matter
_PAGE_NUMBER = re.compile(
    rf"^(?:(?:{_PAGE_WORDS})\s*)?[-–—(\[|]?\s*(?:#|{_ROMAN})\s*[-–—)\]|]?(?:\s*(?:of|von|de|sur|/|من)\s*#)?$",
    re.IGNORECASE,
)
NEAR_PAGES = 2  # a margin line repeated within this many pages is a running header (a book's chapter title)


def _key(line: str) -> str:
    """A line compared without spacing, case or its numbers ("Page 3 of 12" ~ "Page 4 of 12")."""
    text = unicodedata.normalize("NFKC", line).lower()
    return re.sub(r"\d+", "#", "".join(text.split()))


def margin_keys(page: Any, pieces: Sequence[Piece]) -> list[str]:
    """The lines a page draws in its top and bottom `MARGIN`, as `_key`s: each baseline's text, and its
    pieces when there are several (a footer with a note on the left and the page number on the right
    is one baseline, but pypdf may give it as one line or as two; either way its lines are keys).
    """
    try:
        bottom, top = float(page.mediabox.bottom), float(page.mediabox.top)
        # on a turned page "top" is a side; a damaged box or rotation: no margins
        if int(page.get("/Rotate", 0)) % 180 != 0 or not math.isfinite(top - bottom):
            return []
    except Exception:
        return []
    band = (top - bottom) * MARGIN
    out = []
    for line in by_baseline([p for p in pieces if p.y > top - band or p.y < bottom + band]).values():
        out.append(_key("".join(p.text for p in line)))
        if len(line) > 1:
            out += [_key(p.text) for p in line]
    return [k for k in out if k]


def margin_line_keys(lines: Sequence[str]) -> list[str]:
    """`margin_keys` for lines already known to be in a page's margins (OCR gives each line's place)."""
    return [k for k in map(_key, lines) if k]


def strip_running_lines(pages: Sequence[str], margins: Sequence[Sequence[str]]) -> list[str]:
    """Each page's text without the margin lines that are page numbers or repeat across pages.

    Args:
        pages: the pages' extracted text.
        margins: for each page, its margin lines as `margin_keys` gives them (empty: nothing dropped).

    Returns:
        The pages' text, each dropped line removed once per time it was drawn in the margin (a page
        with nothing else keeps its lines).
    """
    with_text = sum(1 for p in pages if p.strip())
    seen = Counter(k for keys in margins for k in set(keys))
    running = {k for k, n in seen.items() if n >= 2 and 2 * n >= with_text}
    last_page: dict[str, int] = {}
    for i, keys in enumerate(margins):
        for k in set(keys):
            if i - last_page.get(k, -NEAR_PAGES - 1) <= NEAR_PAGES:
                running.add(k)
            last_page[k] = i
    out = []
    for text, keys in zip(pages, margins, strict=True):
        drop = Counter(k for k in keys if k in running or _PAGE_NUMBER.match(k))
        if not drop:
            out.append(text)
            continue
        kept = []
        for line in text.split("\n"):
            k = _key(line)
            if drop.get(k, 0) > 0:
                drop[k] -= 1
            else:
                kept.append(line)
        # a page that is nothing but margin lines keeps them: they are then all it says
        out.append("\n".join(kept) if any(line.strip() for line in kept) else text)
    return out
