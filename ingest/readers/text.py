"""Plain text to blocks: the first line as title (when it reads as one), standalone capitalised lines as section headings.

Plain text has no markup, but a note typed in a text editor often marks its headings the way
typewriters did: a short line in capitals, alone between blank lines ("THE NETWORK"). Such a line,
with text after it, opens a section, so citations can name it. A short mixed-case line alone is not
taken for one: in a page saved as text it is as often an attribution under a quote ("Athens, Ohio")
as a heading, and a citation naming the wrong section is worse than none. A line underlined with
"===" or "---" (as in reStructuredText and Markdown's setext headings) is a heading in any case,
"=" the outer level; the underline itself is left out. List items ("* ", "- ", "• ") are written
"• item" like in every other format.
"""

from __future__ import annotations

import re

from ..errors import IngestError
from ..normalize import BULLET, normalize_text
from ..records import Block, ParsedDocument
from .sections import SectionBuilder

__all__ = ["read_text", "MAX_TITLE_CHARS", "MAX_HEADING_CHARS"]

MAX_TITLE_CHARS = 120
MAX_HEADING_CHARS = 80
_LIST_ITEM = re.compile(r"^[ \t]*[-*•][ \t]+(\S.*)$")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s")
_ENDS_SENTENCE = (".", ",", ";", ":", "!", "。", "،", "؛")  # a heading may be a question: "?" is allowed
_UNDERLINE = re.compile(r"^[ \t]*(={3,}|-{3,})[ \t]*$")


def read_text(text: str, stem: str) -> ParsedDocument:
    """Read decoded plain text.

    Args:
        text: the decoded file.
        stem: the file name without suffix, the title when the first line does not read as one.

    Returns:
        A ParsedDocument (language is filled in by the caller).

    Raises:
        IngestError: empty when there is no text.
    """
    body = normalize_text(text)
    if not body:
        raise IngestError("empty", "This file is empty.")
    first = _title_line(body)
    return ParsedDocument(
        format="text", title=first or stem, blocks=_blocks(body, first is not None), page_count=None, language="und"
    )


def _title_line(body: str) -> str | None:
    """The first line when it reads as a title; None when it is too long, ends like a sentence or a
    lead-in, or runs on into a next line that starts in lower case (a hard-wrapped paragraph)."""
    lines = body.split("\n", 2)
    first = lines[0].strip()
    if not first or len(first) > MAX_TITLE_CHARS or first.endswith(_ENDS_SENTENCE):
        return None
    after = lines[1].strip() if len(lines) > 1 else ""
    return None if after[:1].islower() else first


def _blocks(body: str, first_is_title: bool) -> list[Block]:
    paragraphs = _paragraphs(body)
    headings = {
        i: level or 2 for i, (lines, level) in enumerate(paragraphs)
        if level or (i and i < len(paragraphs) - 1 and len(lines) == 1 and _looks_like_heading(lines[0]))
    }  # fmt: skip
    if first_is_title:
        headings.pop(0, None)  # the title line, underlined or not, heads everything below it
    if not headings:
        text = "\n\n".join("\n".join(lines) for lines, _ in paragraphs)  # the body, less an underline
        return [Block(text=_mark_items(text), page=None, section=())]
    builder = SectionBuilder()
    for i, (lines, _) in enumerate(paragraphs):
        if i == 0 and first_is_title:
            builder.heading(1, lines[0])  # the title heads the sections below it, as a Markdown H1
            lines = lines[1:]
        if i in headings:
            builder.heading(headings[i], lines[0])
        elif lines:
            builder.text(_mark_items("\n".join(lines)))
    return builder.finish()


def _paragraphs(body: str) -> list[tuple[list[str], int | None]]:
    """The text's paragraphs as lines, an underlined heading made a paragraph of its own with its
    level (2 under "===", 3 under "---"; None for the rest) and its underline left out."""
    out: list[tuple[list[str], int | None]] = []
    for paragraph in body.split("\n\n"):
        lines = paragraph.split("\n")
        current: list[str] = []
        start, n = len(out), 0
        while n < len(lines):
            line = lines[n].strip()
            underlined = n + 1 < len(lines) and _UNDERLINE.match(lines[n + 1])
            if underlined and 0 < len(line) <= MAX_HEADING_CHARS and not line.endswith(_ENDS_SENTENCE) \
                    and not _LIST_ITEM.match(line):
                if current:
                    out.append((current, None))
                out.append(([line], 2 if lines[n + 1].strip().startswith("=") else 3))
                current, n = [], n + 2
                continue
            current.append(lines[n])
            n += 1
        if current or len(out) == start:  # an empty paragraph stays, so the text keeps its shape
            out.append((current, None))
    return out


def _looks_like_heading(line: str) -> bool:
    line = line.strip()
    letters = [c for c in line if c.isalpha()]
    return (
        0 < len(line) <= MAX_HEADING_CHARS
        and len(letters) >= 3
        and all(c.isupper() for c in letters)  # capitals only: caseless scripts never qualify
        and not line.endswith(_ENDS_SENTENCE)
        and not _LIST_ITEM.match(line)
        and not _NUMBERED.match(line)
    )


def _mark_items(text: str) -> str:
    return "\n".join(
        f"{BULLET} {m.group(1)}" if (m := _LIST_ITEM.match(line)) else line for line in text.split("\n")
    )
