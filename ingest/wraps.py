"""What a line break inside a stored passage means: a paragraph's end, or a wrap its page drew.

A DOCX or HTML reader writes one line per paragraph and never wraps one; a PDF (or a scan) keeps the
breaks its page drew where the next line goes on in a capital, a digit or a caseless script (its reader
joins those going on in lower case), and a plain text or Markdown file keeps its hard-wrapped lines. In
every format a line may also be a heading, a list item ("• item", "3. item") or a table row ("a | b").
Search's highlights (whole sentences, not lines), the cards, the reader and a quote's export
(`kb.drafting.quotes.reflow`) all read the breaks by these rules.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from .normalize import WORD_BEFORE_HYPHEN

__all__ = ["STANDALONE_MAX_CHARS", "ROW", "NO_SPACE", "is_item", "wraps", "soft_wraps", "lines_may_wrap"]

# A line of at most this many characters that ends without punctuation keeps its own line: a heading,
# a label, a name. Measured on the starter corpus's PDFs: section headings are at most 62 characters,
# the first line of a paragraph wrapped before a capital at least 84 (a full line of the page); a
# paragraph whose first line is this short (a narrow column) keeps that break, as before.
STANDALONE_MAX_CHARS = 80

# A line that is a list item or a table row keeps its own line: "• item", "- item", "3. item", "b) item",
# "| a | b |", "a | b".
_ITEM = re.compile(r"^(?:[•◦▪‣●○■□·*+\-–—]\s|\d{1,3}[.)]\s|[a-z][.)]\s|\|)")
ROW = " | "
# What ends a sentence or a clause (a line ending so is a paragraph's end, not a wrap), before any
# closing quotes or brackets.
_ENDS = ".!?:;…。！？；：؟۔"
_CLOSERS = "\"'”’»«›‹)]}"
# Scripts written without spaces between words: a wrap between two of their characters joins without one.
NO_SPACE = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
# Formats whose readers write one line per paragraph and never wrap one: their breaks are all kept.
_UNWRAPPED_SUFFIXES = frozenset({".docx", ".html", ".htm"})


def is_item(line: str) -> bool:
    return bool(_ITEM.match(line)) or ROW in line


def _ends_sentence(line: str) -> bool:
    return line.rstrip(_CLOSERS)[-1:] in tuple(_ENDS)


def soft_wraps(text: str) -> str:
    """`text` with each line break `reflow` would join by a space made a space, nothing else changed,
    for a page that shows a stored passage (a card, the reader): the same length, so offsets into the
    stored text (its highlights) hold in it. A break after a hyphen or between two characters of a
    script written without spaces stays a break (joining it needs a character removed, or none added).
    Decided line by line, so a paragraph with one short line in it keeps that break: never more joins
    than `reflow`'s."""
    chars = list(text)
    lines = text.split("\n")
    at = 0
    for line, following in zip(lines, lines[1:], strict=False):
        at += len(line)  # the break after `line`
        prev, nxt = line.strip(), following.strip()
        if (prev and nxt and not WORD_BEFORE_HYPHEN.search(prev) and not is_item(nxt) and ROW not in prev
                and not (NO_SPACE.match(prev[-1]) and NO_SPACE.match(nxt[0])) and wraps(prev, nxt)):
            chars[at] = " "
        at += 1
    return "".join(chars)


def lines_may_wrap(source: str | None) -> bool:
    """Whether a passage of this source file may hold wrapped lines: all but DOCX and HTML files
    (PDFs, scans, text and Markdown files; a source not known)."""
    return PurePosixPath(source or "").suffix.lower() not in _UNWRAPPED_SUFFIXES


def wraps(line: str, next_line: str) -> bool:
    """Whether the break between two lines of a paragraph is a wrap rather than a paragraph's end."""
    if not line or not next_line or _ends_sentence(line) or is_item(next_line) or ROW in line:
        return False
    if next_line[:1].islower():
        return True  # a sentence going on
    # a list item takes in a next line only when it goes on in lower case; a short line is a heading
    return not _ITEM.match(line) and len(line) > STANDALONE_MAX_CHARS
