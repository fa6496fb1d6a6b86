"""Tables as rows of cells, kept beside the text the readers write for them.

Readers write each table row into the text as one line, its cells joined by " | " (so a row is
searchable and quotable); DOCX, HTML and Markdown readers also keep each table here, with its header,
its data rows and the heading path above it, so that a directory can be read from a table without
parsing the file again differently. PDFs keep none: pypdf gives lines, not cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Table", "CELL_SEPARATOR", "FORMATS_WITH_TABLES", "row_line", "make_table"]

# Between the cells of a row in the text every reader writes (`row_line`).
CELL_SEPARATOR = " | "

# The formats whose readers keep tables as cells; a PDF, a scan (OCR gives lines) or a text file has none.
FORMATS_WITH_TABLES = frozenset({"docx", "html", "markdown"})


def row_line(cells: Sequence[str]) -> str:
    """A row as the readers write it into the document text: its cells joined by " | "."""
    return CELL_SEPARATOR.join(cells)


@dataclass(frozen=True)
class Table:
    """One table of a document.

    `index` is its place among the document's tables (0-based, in reading order); `header` is its
    first row (a DOCX or HTML table without <th> is taken to start with one, as nearly all do);
    `rows` are the data rows, cells with their whitespace collapsed, as in the text.
    """

    index: int
    section: tuple[str, ...]  # the heading path above the table, outermost first
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    page: int | None = None

    def row_text(self, i: int) -> str:
        """Data row `i` (0-based) as the line the document text holds for it (its quotation)."""
        return row_line(self.rows[i])


def make_table(index: int, section: Sequence[str], rows: Sequence[Sequence[str]],
               page: int | None = None) -> Table | None:
    """A Table from rows of cell texts, the first being the header; None when no data row has text."""
    clean = [tuple(" ".join(str(c).split()) for c in row) for row in rows]
    clean = [row for row in clean if any(row)]
    if len(clean) < 2:
        return None
    return Table(index, tuple(section), clean[0], tuple(clean[1:]), page)
