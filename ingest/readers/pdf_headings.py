"""Sections for a PDF without bookmarks: its headings, found by their type size and weight.

Citations name a section, and a PDF's outline (its bookmarks) gives one; but Word, LibreOffice and
Google Docs often export without bookmarks. Such a PDF still shows its headings in a larger type
than its body text, and pypdf reports the size of everything it extracts. A line is a heading when
its type is at least `HEADING_RATIO` times the body size (the size most of the document's
characters are set in), it is short, holds a letter and does not end like a sentence. A line set
wholly in bold at the body size is a heading too (the lowest level) when it stands alone between
lines that are not, and bold is rare enough in the document to mean something. Large lines before
the first body line (title, author, date) are the document's front matter, not sections, unless
they are set like a heading that comes later. Heading sizes, largest first, give the levels.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from .pdf_pieces import Piece, by_baseline

__all__ = ["HEADING_RATIO", "Line", "body_size", "line_sizes", "sections_by_line", "title_by_size", "is_contents_heading",
           "looks_like_heading"]

HEADING_RATIO = 1.15
MAX_HEADING_CHARS = 120
MAX_LEVELS = 3
# Bold at the body size marks headings only where it is rare: past this share of the body-size
# characters, bold is the document's emphasis style (or its whole text) and says nothing.
MAX_BOLD_SHARE = 0.2
_ENDS_SENTENCE = (".", ",", ";", "!", "?", "。", "،", "؛")
MAX_TITLE_CHARS = 200
# A title's lines are set in one size; OCR estimates each line's size on its own (36 then 35 for one
# title), so "the same size" allows this much less.
TITLE_SIZE_TOLERANCE = 0.05
TITLE_WITHIN_LINES = 6  # a title is set near the top of its page, under a running header at most
# "Contents" in the network's languages: the heading of a table of contents is never the title
_CONTENTS = {
    "contents", "tableofcontents", "inhalt", "inhaltsverzeichnis", "sommaire", "tabledesmatières",
    "índice", "indice", "contenido", "contenidos", "sumário", "sumario", "المحتويات", "فهرس", "الفهرس",
}


def _key(line: str) -> str:
    return "".join(line.split()).lower()


class Line(NamedTuple):
    """One baseline of a page as measured: its text as a key, its largest type size, all bold or not."""

    key: str  # whitespace-free lower-case text, to find the line again in the extracted text
    size: float
    bold: bool


def line_sizes(pieces: Sequence[Piece]) -> list[Line]:
    """Each baseline of a page: its key, the largest type size on it, and whether all of it is bold."""
    lines = by_baseline([p for p in pieces if p.size is not None]).values()
    return [
        Line(_key("".join(p.text for p in line)), max(p.size or 0.0 for p in line), all(p.bold for p in line))
        for line in lines
    ]


def body_size(sizes: Sequence[Sequence[Line]]) -> float:
    """The type size most of a document's characters are set in (0.0 when nothing was measured)."""
    chars: Counter[float] = Counter()
    for page in sizes:
        for line in page:
            chars[line.size] += len(line.key)
    return chars.most_common(1)[0][0] if chars else 0.0


def title_by_size(page: str, sizes: Sequence[Line], body: float) -> str | None:
    """A page's title: its largest line near the top when set larger than the body, else None.

    Consecutive lines of that size (within TITLE_SIZE_TOLERANCE below it: a scan's sizes are
    estimates) join: a title set on two lines. A table-of-contents heading is not a title, nor is
    anything that reads like a sentence.

    Args:
        page: the page's extracted text.
        sizes: the page's `line_sizes`.
        body: the document's `body_size`.
    """
    size_of = {line.key: line.size for line in sizes}
    lines = [" ".join(line.split()) for line in page.split("\n")]
    lines = [line for line in lines if line]
    measured = [(n, size_of.get(_key(line), 0.0)) for n, line in enumerate(lines[:TITLE_WITHIN_LINES])]
    if not body or not measured:
        return None
    largest = max(size for _, size in measured)
    if largest < body * HEADING_RATIO:
        return None
    same = [size >= largest * (1 - TITLE_SIZE_TOLERANCE) for _, size in measured]
    first = next(n for n, size in measured if size == largest)
    while first > 0 and same[first - 1]:  # OCR may measure a title's second line the larger
        first -= 1
    end = first
    while end + 1 < len(measured) and same[end + 1]:
        end += 1
    title = " ".join(lines[first : end + 1])
    if is_contents_heading(title) or not looks_like_heading(title, MAX_TITLE_CHARS):
        return None
    return title


def is_contents_heading(line: str) -> bool:
    """Whether a line is the heading of a table of contents ("Contents", "Inhalt", "Sommaire", ...)."""
    return _key(line).rstrip(":") in _CONTENTS


def sections_by_line(pages: Sequence[str], sizes: Sequence[Sequence[Line]]) -> list[list[tuple[str, ...]]]:
    """For every line of every page, the section path it falls under (() before the first heading).

    Args:
        pages: each page's extracted text.
        sizes: each page's `line_sizes`.

    Returns:
        Per page, one section path per line of `page.split("\\n")`; a heading line carries its own.
    """
    body = body_size(sizes)
    # a heading's rank: its size; a bold body-size heading ranks just below the body size
    rank_of: dict[tuple[int, str], float] = {}
    for p, page in enumerate(sizes):
        for line in page:
            if body and line.size >= body * HEADING_RATIO:
                rank_of[(p, line.key)] = line.size
    bold_body = _bold_body_lines(sizes, body)
    seen_body = False
    found: list[tuple[int, int, float, str]] = []  # page, line, rank, text of each heading
    front: list[tuple[int, int, float, str]] = []  # large lines before any body text
    for p, text in enumerate(pages):
        lines = [" ".join(line.split()) for line in text.split("\n")]
        bold = [(p, _key(line)) in bold_body for line in lines]
        for n, stripped in enumerate(lines):
            rank = rank_of.get((p, _key(stripped)))
            if rank is None and bold[n] and _stands_alone(lines, bold, n):
                rank = body - 0.01
            if rank is not None and looks_like_heading(stripped):
                (found if seen_body else front).append((p, n, rank, stripped))
            elif stripped:
                seen_body = seen_body or rank is None
    # a first heading set like the later ones is one of them; the title, author and date are not
    later = {rank for _, _, rank, _ in found}
    found = [h for h in front if h[2] in later] + found
    levels = {s: i for i, s in enumerate(sorted({s for *_, s, _ in found}, reverse=True)[:MAX_LEVELS])}
    by_place = {(p, n): (levels.get(size, MAX_LEVELS - 1), heading) for p, n, size, heading in found}
    out: list[list[tuple[str, ...]]] = []
    path: list[tuple[int, str]] = []  # (level, heading), outermost first
    for p, text in enumerate(pages):
        page_paths = []
        for n, _ in enumerate(text.split("\n")):
            if (p, n) in by_place:
                level, heading = by_place[(p, n)]
                path = [entry for entry in path if entry[0] < level]
                path.append((level, heading))
            page_paths.append(tuple(h for _, h in path))
        out.append(page_paths)
    return out


def _bold_body_lines(sizes: Sequence[Sequence[Line]], body: float) -> set[tuple[int, str]]:
    """(page, key) of the lines set wholly in bold at about the body size (below a heading size), when bold
    is rare enough among them."""
    lines = [(p, line) for p, page in enumerate(sizes) for line in page
             if body and body - 0.5 < line.size < body * HEADING_RATIO]
    total = sum(len(line.key) for _, line in lines)
    bold = {(p, line.key) for p, line in lines if line.bold}
    bold_chars = sum(len(line.key) for _, line in lines if line.bold)
    return bold if total and bold_chars <= MAX_BOLD_SHARE * total else set()


def _stands_alone(lines: list[str], bold: list[bool], n: int) -> bool:
    """Whether line n has no bold line right above or below it (a bold paragraph wraps over several)."""
    above = next((i for i in range(n - 1, -1, -1) if lines[i]), None)
    below = next((i for i in range(n + 1, len(lines)) if lines[i]), None)
    return (above is None or not bold[above]) and (below is None or not bold[below])


def looks_like_heading(line: str, max_chars: int = MAX_HEADING_CHARS) -> bool:
    """Short, with a letter, and not ending like a sentence."""
    return 0 < len(line) <= max_chars and any(c.isalpha() for c in line) and not line.endswith(_ENDS_SENTENCE)
