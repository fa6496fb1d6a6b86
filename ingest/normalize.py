"""Text clean-up shared by every reader: Unicode form, control characters, whitespace."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_text", "clean_inline", "join_wrapped_lines"]

# Control characters except tab and newline, plus invisible formatting that only disturbs search
# (bidi embeddings/overrides/isolates, LRM/RLM, zero-width space, BOM, soft hyphen). ZWJ/ZWNJ are kept:
# Persian spelling depends on ZWNJ.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_SPACES = re.compile(r"[^\S\n]+")  # any whitespace except newline
_MANY_NEWLINES = re.compile(r"\n{3,}")


_SENTENCE_END = ".!?:;。！？؟"


def join_wrapped_lines(text: str) -> str:
    """Join lines that a PDF wrapped mid-sentence, so excerpts read as paragraphs.

    A break is joined when the line before does not end a sentence and the next line goes on in
    lower case (or with a digit or an opening bracket). Headings, bullets and lines starting with a
    capital keep their own lines; caseless scripts are left alone.
    """
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        prev, head = out[-1].rstrip(), line.lstrip()[:1]
        if prev and prev[-1] not in _SENTENCE_END and (head.islower() or head.isdigit() or head == "("):
            out[-1] = f"{prev} {line.lstrip()}"
        else:
            out.append(line)
    return "\n".join(out)


def normalize_text(text: str) -> str:
    """NFKC, drop control/invisible characters, collapse spaces, keep paragraph breaks.

    NFKC folds ligatures ("ﬁ") and Arabic presentation forms into ordinary letters, so search and
    the tokenizer see the same characters whatever produced the file. pypdf returns double spaces on
    justified text; collapsing them keeps spans and highlights stable.

    Args:
        text: raw text from a reader.

    Returns:
        Text with lines stripped, single spaces, and at most one blank line between paragraphs.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def clean_inline(text: str) -> str:
    """Normalise a one-line string such as a title or a heading."""
    return " ".join(normalize_text(text).split())
