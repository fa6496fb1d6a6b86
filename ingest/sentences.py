"""Sentence spans for any script: Latin, Arabic (؟ ؛) and CJK (。！？) punctuation."""

from __future__ import annotations

import re

__all__ = ["sentence_spans"]

# A sentence ends at terminal punctuation (plus closing quotes/brackets) followed by whitespace;
# CJK full-width terminators end a sentence even with no space after them. Blank lines always do.
_BOUNDARY = re.compile(r"(?:[.!?؟…][\"'”’»)\]]*(?=\s)|[。！？][」』”’）)]*|\n[^\S\n]*\n)\s*")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split text[start:end] into sentence spans that exclude the whitespace between them.

    Args:
        text: the full text.
        start: where the region starts.
        end: where it ends (default: the end of text).

    Returns:
        (start, end) offsets into `text`, in order, each holding non-blank text.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _BOUNDARY.finditer(text, start, end):
        piece_end = m.start() + len(m.group(0).rstrip())
        _add(text, spans, pos, piece_end)
        pos = m.end()
    _add(text, spans, pos, end)
    return spans


def _add(text: str, spans: list[tuple[int, int]], a: int, b: int) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a < b:
        spans.append((a, b))
