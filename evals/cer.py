"""Character error rate: edit distance between OCR text and the born-digital text, over its length.

Both sides are compared as a scan shows them: NFKC, whitespace collapsed to single spaces (line
breaks are layout, not characters), bullet signs dropped (a bullet is not text, and OCR reads it as
"*", "°" or "e"). Arabic is also measured without its diacritics (harakat, shadda, tanween): small
marks a scan often loses and search ignores, reported beside the strict figure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

__all__ = ["edit_distance", "normalise", "strip_diacritics", "page_errors"]

_BULLETS = re.compile(r"^[^\S\n]*[\u2022\x7f\u25cf\u25aa\u25a0\u00b7\u00b0*\u0660][\u200e\u200f]?(?=\s|$)", re.MULTILINE)
_DIACRITICS = re.compile("[\u064b-\u065f\u0670]")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute one character), row by row in numpy.

    Each row's insertions are a running minimum: cur[j] = min over i<=j of (base[i] + j - i).
    """
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    bs = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    steps = np.arange(len(b) + 1)
    prev = steps.copy()
    for i, ch in enumerate(np.frombuffer(a.encode("utf-32-le"), dtype=np.uint32), start=1):
        base = np.empty_like(prev)
        base[0] = i
        np.minimum(prev[1:] + 1, prev[:-1] + (bs != ch), out=base[1:])
        prev = np.minimum.accumulate(base - steps) + steps
    return int(prev[-1])


def normalise(lines: Sequence[str] | str) -> str:
    """Text as compared: NFKC, no bullet signs, single spaces (see the module docstring)."""
    text = lines if isinstance(lines, str) else "\n".join(lines)
    text = unicodedata.normalize("NFKC", text)
    return " ".join(_BULLETS.sub(" ", text).replace("\u200e", "").replace("\u200f", "").split())


def strip_diacritics(text: str) -> str:
    return _DIACRITICS.sub("", text)


def page_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edits, reference characters) for one page, both already `normalise`d."""
    return edit_distance(reference, hypothesis), len(reference)
