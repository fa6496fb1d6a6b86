"""Sections for a PDF without bookmarks: its headings, found by their font size.

Citations name a section, and a PDF's outline (its bookmarks) gives one; but Word, LibreOffice and
Google Docs often export without bookmarks. Such a PDF still shows its headings in a larger type
than its body text, and pypdf reports the size of everything it extracts. A line is a heading when
its type is at least `HEADING_RATIO` times the body size (the size most of the document's
characters are set in), it is short, holds a letter and does not end like a sentence. Large lines
before the first body line (title, author, date) are the document's front matter, not sections,
unless they are set like a heading that comes later. Heading sizes, largest first, give the levels.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .pdf_pieces import Piece, by_baseline

__all__ = ["HEADING_RATIO", "body_size", "line_sizes", "sections_by_line", "title_by_size", "is_contents_heading",
           "looks_like_heading"]

HEADING_RATIO = 1.15
MAX_HEADING_CHARS = 120
MAX_LEVELS = 3
_ENDS_SENTENCE = (".", ",", ";", "!", "?", "。", "،", "؛")
MAX_TITLE_CHARS = 200
TITLE_WITHIN_LINES = 6  # a title is set near the top of its page, under a running header at most
# "Contents" in the network's languages: the heading of a table of contents is never the title
_CONTENTS = {
    "contents", "tableofcontents", "inhalt", "inhaltsverzeichnis", "sommaire", "tabledesmatières",
    "índice", "indice", "contenido", "contenidos", "sumário", "sumario", "المحتويات", "فهرس", "الفهرس",
}


def _key(line: str) -> str:
    return "".join(line.split()).lower()


def line_sizes(pieces: Sequence[Piece]) -> list[tuple[str, float]]:
    """(whitespace-free lower-case line text, largest type size on it) for each baseline of a page."""
    lines = by_baseline([p for p in pieces if p.size is not None]).values()
    return [(_key("".join(p.text for p in line)), max(p.size or 0.0 for p in line)) for line in lines]


def body_size(sizes: Sequence[Sequence[tuple[str, float]]]) -> float:
    """The type size most of a document's characters are set in (0.0 when nothing was measured)."""
    chars: Counter[float] = Counter()
    for page in sizes:
        for key, size in page:
            chars[size] += len(key)
    return chars.most_common(1)[0][0] if chars else 0.0


def title_by_size(page: str, sizes: Sequence[tuple[str, float]], body: float) -> str | None:
    """A page's title: its largest line near the top when set larger than the body, else None.

    Consecutive lines of that size join (a title set on two lines). A table-of-contents heading
    is not a title, nor is anything that reads like a sentence.

    Args:
        page: the page's extracted text.
        sizes: the page's `line_sizes`.
        body: the document's `body_size`.
    """
    size_of = dict(sizes)
    lines = [" ".join(line.split()) for line in page.split("\n")]
    lines = [line for line in lines if line]
    measured = [(n, size_of.get(_key(line), 0.0)) for n, line in enumerate(lines[:TITLE_WITHIN_LINES])]
    if not body or not measured:
        return None
    largest = max(size for _, size in measured)
    if largest < body * HEADING_RATIO:
        return None
    first = next(n for n, size in measured if size == largest)
    parts = [lines[first]]
    for line in lines[first + 1 : TITLE_WITHIN_LINES]:
        if size_of.get(_key(line), 0.0) != largest:
            break
        parts.append(line)
    title = " ".join(parts)
    if is_contents_heading(title) or not looks_like_heading(title, MAX_TITLE_CHARS):
        return None
    return title


def is_contents_heading(line: str) -> bool:
    """Whether a line is the heading of a table of contents ("Contents", "Inhalt", "Sommaire", ...)."""
    return _key(line).rstrip(":") in _CONTENTS


def sections_by_line(pages: Sequence[str], sizes: Sequence[Sequence[tuple[str, float]]]) -> list[list[tuple[str, ...]]]:
    """For every line of every page, the section path it falls under (() before the first heading).

    Args:
        pages: each page's extracted text.
        sizes: each page's `line_sizes`.

    Returns:
        Per page, one section path per line of `page.split("\\n")`; a heading line carries its own.
    """
    body = body_size(sizes)
    heading_sizes: dict[tuple[int, str], float] = {}
    for p, page in enumerate(sizes):
        for key, size in page:
            if body and size >= body * HEADING_RATIO:
                heading_sizes[(p, key)] = size
    seen_body = False
    found: list[tuple[int, int, float, str]] = []  # page, line, size, text of each heading
    front: list[tuple[int, int, float, str]] = []  # large lines before any body text
    for p, text in enumerate(pages):
        for n, line in enumerate(text.split("\n")):
            stripped = " ".join(line.split())
            size = heading_sizes.get((p, _key(line)))
            if size is not None and looks_like_heading(stripped):
                (found if seen_body else front).append((p, n, size, stripped))
            elif stripped:
                seen_body = seen_body or size is None
    # a first heading set like the later ones is one of them; the title, author and date are not
    later = {size for _, _, size, _ in found}
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


def looks_like_heading(line: str, max_chars: int = MAX_HEADING_CHARS) -> bool:
    """Short, with a letter, and not ending like a sentence."""
    return 0 < len(line) <= max_chars and any(c.isalpha() for c in line) and not line.endswith(_ENDS_SENTENCE)
