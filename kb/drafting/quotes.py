"""A pinned quotation as an export shows it: its lines reflowed into running text, without the title
and heading lines its citation already names. The stored text is never changed.

What a line break means in a passage depends on the reader that made it. In every format a line is a
paragraph, a heading, a list item ("• item", "3. item") or a table row ("a | b"), and blocks (pages,
sections, a text file's paragraphs) are apart by a blank line. A DOCX or HTML reader never leaves a
break inside a paragraph; a PDF (or a scan) keeps the breaks its page drew where the next line goes on
in a capital, a digit or a caseless script (its reader joins those going on in lower case), and a plain
text or Markdown file keeps its hard-wrapped lines. So "Etwa ein Drittel aller\\nBeratungsfälle
beginnt ..." of a German PDF reads as one paragraph only once `reflow` joins it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from ingest.normalize import OPEN_COMPOUND_WORDS, WORD_BEFORE_HYPHEN
from kb.drafting.records import DraftItem

__all__ = ["STANDALONE_MAX_CHARS", "reflow", "soft_wraps", "without_heading_lines", "lines_may_wrap",
           "quote_for_reading", "words_for_reading"]

# A line of at most this many characters that ends without punctuation keeps its own line: a heading,
# a label, a name. Measured on the starter corpus's PDFs: section headings are at most 62 characters,
# the first line of a paragraph wrapped before a capital at least 84 (a full line of the page); a
# paragraph whose first line is this short (a narrow column) keeps that break, as before.
STANDALONE_MAX_CHARS = 80
# How many lines a title or heading may wrap over at the top of a quote.
_HEADING_MAX_LINES = 3

# A line that is a list item or a table row keeps its own line: "• item", "- item", "3. item", "b) item",
# "| a | b |", "a | b".
_ITEM = re.compile(r"^(?:[•◦▪‣●○■□·*+\-–—]\s|\d{1,3}[.)]\s|[a-z][.)]\s|\|)")
_ROW = " | "
# What ends a sentence or a clause (a line ending so is a paragraph's end, not a wrap), before any
# closing quotes or brackets.
_ENDS = ".!?:;…。！？；：؟۔"
_CLOSERS = "\"'”’»«›‹)]}"
# The words after which a hyphen at a line's end (`WORD_BEFORE_HYPHEN`) is a suspended compound's
# ("Ausstiegs- und Distanzierungsberatung", "pre- and post-test", "pré- e pós-"): the hyphen stays and
# the space with it. The reader's (`ingest.normalize`), and a few more a quote may hold.
_CONJUNCTIONS = OPEN_COMPOUND_WORDS | {
    "bis", "noch",  # German
    "nor", "to", "ni",  # English, French and Spanish
    "en", "of", "och", "eller", "og",  # Dutch, Swedish, Danish and Norwegian
}
# Scripts written without spaces between words: a wrap between two of their characters joins without one.
_NO_SPACE = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
# Formats whose readers write one line per paragraph and never wrap one: their breaks are all kept.
_UNWRAPPED_SUFFIXES = frozenset({".docx", ".html", ".htm"})


def _is_item(line: str) -> bool:
    return bool(_ITEM.match(line)) or _ROW in line


def _ends_sentence(line: str) -> bool:
    return line.rstrip(_CLOSERS)[-1:] in tuple(_ENDS)


def _after_hyphen(line: str, next_line: str, whole: str) -> str | None:
    """`line` and `next_line` joined when `line` ends in a word hyphenated at the break, else None.

    The hyphen is kept, with a space, before a conjunction ("Ausstiegs- und"); kept without one before
    anything but a lower-case letter ("Haselwerder-Ost", "COVID-19"). Before a lower-case letter it is
    dropped only when the quote writes the word whole elsewhere ("Bera-" + "tung" is "Beratung" where
    "Beratung" appears): a typesetter's hyphen and a compound's ("city-wide", "deutsch-französisch")
    look the same, and a kept hyphen loses nothing while a dropped one can make a word up.
    """
    m = WORD_BEFORE_HYPHEN.search(line)
    if not m or not next_line[:1].isalnum():
        return None
    first = next_line.split(maxsplit=1)[0].rstrip(".,;:!?)")
    if not next_line[:1].islower():
        return line + next_line
    if first in _CONJUNCTIONS:
        return f"{line} {next_line}"
    if re.search(rf"\b{re.escape(m.group(1) + first)}\b", whole, re.IGNORECASE):
        return line[:-1] + next_line
    return line + next_line


def _wraps(line: str, next_line: str) -> bool:
    """Whether the break between two lines of a paragraph is a wrap rather than a paragraph's end."""
    if not line or not next_line or _ends_sentence(line) or _is_item(next_line) or _ROW in line:
        return False
    if next_line[:1].islower():
        return True  # a sentence going on
    # a list item takes in a next line only when it goes on in lower case; a short line is a heading
    return not _ITEM.match(line) and len(line) > STANDALONE_MAX_CHARS


def reflow(text: str) -> str:
    """A passage's wrapped lines joined back into running text, for reading.

    A single line break is a wrap, joined by a space (none between two Chinese or Japanese characters),
    when the line before ends without closing punctuation and the next line goes on in lower case, or
    the line before is longer than STANDALONE_MAX_CHARS (a short one is a heading or a label). List
    items and table rows keep their own lines; a list item takes in a next line only when it goes on in
    lower case. A blank line (between paragraphs, pages or sections) is always kept. A hyphen at the end
    of a line: see `_after_hyphen` ("Ausstiegs-" + "und" is "Ausstiegs- und").

    Args:
        text: the passage, as stored.

    Returns:
        The passage with its wraps joined; its words and characters otherwise unchanged.
    """
    paragraphs = []
    for block in re.split(r"\n[^\S\n]*\n", text.strip()):
        out: list[str] = []
        for raw in block.split("\n"):
            line = raw.strip()
            if not out or not line:
                out.append(line)
                continue
            prev = out[-1]
            hyphened = _after_hyphen(prev, line, text) if prev and not _is_item(line) and _ROW not in prev else None
            if hyphened is not None:
                out[-1] = hyphened
            elif _wraps(prev, line):
                space = "" if _NO_SPACE.match(prev[-1]) and _NO_SPACE.match(line[0]) else " "
                out[-1] = prev + space + line
            else:
                out.append(line)
        paragraphs.append("\n".join(out).strip("\n"))
    return "\n\n".join(p for p in paragraphs if p)


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
        if (prev and nxt and not WORD_BEFORE_HYPHEN.search(prev) and not _is_item(nxt) and _ROW not in prev
                and not (_NO_SPACE.match(prev[-1]) and _NO_SPACE.match(nxt[0])) and _wraps(prev, nxt)):
            chars[at] = " "
        at += 1
    return "".join(chars)


def _words(text: str) -> str:
    return "".join(re.findall(r"\w+", text)).casefold()


def without_heading_lines(text: str, headings: Iterable[str]) -> str:
    """The quote without its leading lines that only repeat one of `headings` (the document's title,
    the quote's section path): a title may wrap over several lines ("Haselwerder: Programm für
    Ausstiegs- und" / "Distanzierungsberatung „Wegwechsel“"), so lines are compared by their words
    alone, spacing, case and punctuation aside. Only leading lines go, and never all of them.
    """
    names = {key for h in headings if (key := _words(str(h or "")))}
    lines = text.strip().split("\n")
    at = 0
    while names and at < len(lines):
        if not lines[at].strip():
            at += 1
            continue
        span = next((n for n in range(1, _HEADING_MAX_LINES + 1)
                     if at + n <= len(lines) and _words(" ".join(lines[at:at + n])) in names), 0)
        if not span:
            break
        at += span
    rest = "\n".join(lines[at:]).strip()
    return rest or text.strip()


def lines_may_wrap(source: str | None) -> bool:
    """Whether a passage of this source file may hold wrapped lines: all but DOCX and HTML files
    (PDFs, scans, text and Markdown files; a source not known)."""
    return PurePosixPath(source or "").suffix.lower() not in _UNWRAPPED_SUFFIXES


def quote_for_reading(item: DraftItem) -> str:
    """A pinned excerpt's text as an export quotes it: without leading lines that repeat its
    document's title or its section headings (the citation names them), its wrapped lines joined."""
    return words_for_reading(item.text, item.source, [item.meta.get("title") or "", *(item.meta.get("section") or ())])


def words_for_reading(text: str, source: str | None, headings: Iterable[str]) -> str:
    """Quoted words of the document `source` as a reader should see them (a pin's, a directory
    entry's source): leading lines that only repeat `headings` left out, a PDF's wrapped lines
    joined; list items and table rows keep their lines."""
    text = without_heading_lines(text, headings)
    return reflow(text) if lines_may_wrap(source) else text
