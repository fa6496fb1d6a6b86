"""Where pypdf draws each piece of a page's text, and in what size: one visitor for the PDF reader.

Running headers are found by their height on the page (`running_lines`) and headings by their type
size (`pdf_headings`); both read the pieces this visitor records while `extract_text` runs once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

__all__ = ["Piece", "PagePieces", "by_baseline"]


class Piece(NamedTuple):
    y: float  # the baseline's height in page space
    size: float | None  # the type size as drawn; 0.0 when not finite, None when the matrices are damaged
    text: str


class PagePieces:
    """A pypdf `visitor_text` that records every non-blank piece of text with its baseline and size."""

    def __init__(self) -> None:
        self.pieces: list[Piece] = []

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
        self.pieces.append(Piece(y, round(scaled, 1) if math.isfinite(scaled) else 0.0, text))


def by_baseline(pieces: Sequence[Piece]) -> dict[int, list[Piece]]:
    """The pieces grouped by their rounded baseline, in drawing order."""
    lines: dict[int, list[Piece]] = {}
    for piece in pieces:
        lines.setdefault(round(piece.y), []).append(piece)
    return lines
