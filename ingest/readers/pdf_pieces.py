"""Where pypdf draws each piece of a page's text, in what size and weight: one visitor for the PDF reader.

Running headers are found by their height on the page (`running_lines`) and headings by their type
size and weight (`pdf_headings`); both read the pieces this visitor records while `extract_text` runs once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

__all__ = ["Piece", "PagePieces", "by_baseline", "is_bold"]

# Bold in a font's name: "Arial-BoldMT", "LiberationSans-Bold", "Roboto-Black", TeX's "CMBX10"/"SFBX1440"
_BOLD_NAME = re.compile(r"bold|black|heavy|demi|^(cm|sf)(ss)?bx|^sfsx", re.IGNORECASE)
_FORCE_BOLD = 1 << 18  # FontDescriptor /Flags bit 19


class Piece(NamedTuple):
    y: float  # the baseline's height in page space
    size: float | None  # the type size as drawn; 0.0 when not finite, None when the matrices are damaged
    text: str
    bold: bool = False


class PagePieces:
    """A pypdf `visitor_text` that records every non-blank piece of text with its baseline and size."""

    def __init__(self) -> None:
        self.pieces: list[Piece] = []
        self._bold: dict[str, bool] = {}  # by font name: a page draws many pieces in few fonts

    def __call__(self, text: str, cm: Sequence[float], tm: Sequence[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        try:
            y = float(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])  # the text matrix's origin in page space
        except (TypeError, ValueError, IndexError):  # a damaged matrix: the text is still extracted
            return
        if not math.isfinite(y):
            return
        try:
            # the size set by Tf, scaled by the text and page matrices (Word writes "1 Tf" and scales tm)
            scaled = float(size) * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
        except (TypeError, ValueError, OverflowError, IndexError):
            self.pieces.append(Piece(y, None, text))  # still a margin line, but no size to compare
            return
        self.pieces.append(Piece(y, round(scaled, 1) if math.isfinite(scaled) else 0.0, text, self._is_bold(font)))

    def _is_bold(self, font: Any) -> bool:
        try:
            key = str(font.get("/BaseFont", ""))
        except Exception:  # not a dictionary: no name to go by
            return False
        if key not in self._bold:
            self._bold[key] = is_bold(font)
        return self._bold[key]


def is_bold(font: Any) -> bool:
    """Whether a pypdf font dictionary is a bold face: by its name, else its descriptor's weight or flags."""
    try:
        name = str(font.get("/BaseFont", "")).lstrip("/")
        if _BOLD_NAME.search(name.split("+", 1)[-1]):
            return True
        descriptor = font.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else None
        if descriptor is None:
            return False
        weight = descriptor.get("/FontWeight")
        flags = descriptor.get("/Flags")
        return bool((weight is not None and float(weight) >= 600) or (flags is not None and int(flags) & _FORCE_BOLD))
    except Exception:  # a damaged or unusual font dictionary: not bold, the text is still read
        return False


def by_baseline(pieces: Sequence[Piece]) -> dict[int, list[Piece]]:
    """The pieces grouped by their rounded baseline, in drawing order."""
    lines: dict[int, list[Piece]] = {}
    for piece in pieces:
        lines.setdefault(round(piece.y), []).append(piece)
    return lines
