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

from ingest.normalize import OPEN_COMPOUND_WORDS, WORD_BEFORE_HYPHEN
from ingest.wraps import NO_SPACE, ROW, is_item, lines_may_wrap, wraps
from kb.drafting.records import DraftItem

__all__ = ["reflow", "without_heading_lines", "quote_for_reading", "words_for_reading"]

# How many lines a title or heading may wrap over at the top of a quote.
_HEADING_MAX_LINES = 3
# The words after which a hyphen at a line's end (`WORD_BEFORE_HYPHEN`) is a suspended compound's
# ("Ausstiegs- und Distanzierungsberatung", "pre- and post-test", "pré- e pós-"): the hyphen stays and
# the space with it. The reader's (`ingest.normalize`), and a few more a quote may hold.
_CONJUNCTIONS = OPEN_COMPOUND_WORDS | {
    "bis", "noch",  # German
    "nor", "to", "ni",  # English, French and Spanish
    "en", "of", "och", "eller", "og",  # Dutch, Swedish, Danish and Norwegian
}

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


def reflow(text: str) -> str:
    """A passage's wrapped lines joined back into running text, for reading.

    A single line break is a wrap, joined by a space (none between two Chinese or Japanese characters),
    when the line before ends without closing punctuation and the next line goes on in lower case, or
    the line before is longer than `ingest.wraps.STANDALONE_MAX_CHARS` (a short one is a heading or a label). List
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
            hyphened = _after_hyphen(prev, line, text) if prev and not is_item(line) and ROW not in prev else None
            if hyphened is not None:
                out[-1] = hyphened
            elif wraps(prev, line):
                space = "" if NO_SPACE.match(prev[-1]) and NO_SPACE.match(line[0]) else " "
                out[-1] = prev + space + line
            else:
                out.append(line)
        paragraphs.append("\n".join(out).strip("\n"))
    return "\n\n".join(p for p in paragraphs if p)


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
