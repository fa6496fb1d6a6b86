"""Repair Arabic-script text that a PDF stores in visual (left-to-right drawn) order.

Browser-printed PDFs often draw Arabic as shaped presentation-form glyphs from left to right, so
pypdf returns each line reversed: words in reverse order, letters of each word reversed. NFKC
restores the letters but not the order. We detect the reversal from evidence that only holds in
one direction (a word cannot start with a final form, end with an initial form, start with a
combining mark, or start with a ta marbuta) and, when it wins, reverse each line while keeping
runs of left-to-right text (Latin words, numbers) readable.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["is_visual_order", "fix_visual_order"]

_ARABIC_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+")
_LTR_RUN = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+(?:[.,:/\-][0-9A-Za-z\u00c0-\u024f]+)*")
_MARK_THEN_LETTER = re.compile(r"([\u064b-\u065f\u0670]+)([\u0620-\u064a\u0671-\u06d3])")
_WORD_FINAL_ONLY = "\u0629\u0649"  # ta marbuta, alef maqsura: only ever end a word


def _form(ch: str) -> str:
    name = unicodedata.name(ch, "")
    for form in ("INITIAL", "MEDIAL", "FINAL", "ISOLATED"):
        if name.endswith(f"{form} FORM"):
            return form
    return ""


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) == "Mn"


def _votes(text: str) -> tuple[int, int]:
    """Count (logical, reversed) evidence over the Arabic words of `text`."""
    logical = reversed_ = 0
    for word in _ARABIC_WORD.findall(text):
        if len(word) < 2:
            continue
        first, last = _form(word[0]), _form(word[-1])
        logical += (first == "INITIAL") + (last == "FINAL")
        reversed_ += (first == "FINAL") + (last == "INITIAL")
        base = unicodedata.normalize("NFKC", word)
        if len(base) < 2:
            continue
        if _is_mark(base[0]):
            reversed_ += 1
        if base[-1] in _WORD_FINAL_ONLY:
            logical += 1
        if base[0] in _WORD_FINAL_ONLY:
            reversed_ += 1
        if len(base) >= 4 and base.startswith("\u0627\u0644"):  # the article al- starts words
            logical += 1
        if len(base) >= 4 and base.endswith("\u0644\u0627"):
            reversed_ += 1
    return logical, reversed_


def is_visual_order(text: str) -> bool:
    """True when the Arabic words of `text` are clearly stored reversed.

    Args:
        text: raw extracted text, before NFKC (presentation forms are part of the evidence).

    Returns:
        True only when reversed evidence outweighs logical evidence and there are at least two votes.
    """
    logical, reversed_ = _votes(text)
    return reversed_ >= 2 and reversed_ > logical


def _reverse_line(line: str) -> str:
    if not _ARABIC_WORD.search(line):
        return line
    flipped = line[::-1]
    # Latin words and numbers were drawn left to right already: put them back.
    flipped = _LTR_RUN.sub(lambda m: m.group(0)[::-1], flipped)
    # Mirrored brackets read the other way round once the line is reversed.
    flipped = flipped.translate(str.maketrans("()[]{}<>", ")(][}{><"))
    # A combining mark drawn after its letter ends up before it: move it back behind the letter.
    if any(_is_mark(w[0]) for w in _ARABIC_WORD.findall(unicodedata.normalize("NFKC", flipped)) if w):
        flipped = _MARK_THEN_LETTER.sub(r"\2\1", flipped)
    return flipped


def fix_visual_order(text: str) -> str:
    """Return `text` in logical reading order if it was stored in visual order, else unchanged.

    Args:
        text: raw extracted page text.

    Returns:
        The same text, each line reversed (left-to-right runs kept) when `is_visual_order(text)`.
    """
    if not is_visual_order(text):
        return text
    return "\n".join(_reverse_line(line) for line in text.split("\n"))
