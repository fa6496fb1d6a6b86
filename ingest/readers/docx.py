"""Word (.docx) to blocks with python-docx: headings as sections, tables as text rows."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from ..errors import IngestError
from ..normalize import clean_inline
from ..records import ParsedDocument
from ..tables import Table, make_table, row_line
from .docx_headings import pseudo_headings
from .docx_lists import ListMarkers
from .sections import SectionBuilder
from .titles import metadata_title

__all__ = ["read_docx", "MAX_UNCOMPRESSED_BYTES", "MAX_COMPRESSION_RATIO"]

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Small archives cannot hurt whatever their ratio; only check the ratio past this size.
_RATIO_FLOOR_BYTES = 1024 * 1024
_HEADING = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_BOMB = "This Word file's archive expands too much ({detail}); it may be a zip bomb and was not opened."
_CORRUPT = "This Word file is damaged and cannot be read ({detail})."


def _check_archive(path: Path) -> None:
    """Refuse archives that would expand to far more than they weigh, before python-docx opens them."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError("corrupt", _CORRUPT.format(detail=type(exc).__name__)) from exc
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNCOMPRESSED_BYTES:
        raise IngestError("corrupt", _BOMB.format(detail=f"{total / 1e6:.0f} MB uncompressed, limit 200 MB"))
    if total > _RATIO_FLOOR_BYTES and total / packed > MAX_COMPRESSION_RATIO:
        raise IngestError(
            "corrupt", _BOMB.format(detail=f"compression ratio {total / packed:.0f}:1, limit 100:1")
        )


def _heading_level(style_name: str) -> int | None:
    m = _HEADING.match(style_name.strip())
    return int(m.group(1)) if m else None


def _entries(document: Any, paragraph_cls: Any, table_cls: Any) -> Any:
    """The body in order: ("p", paragraph, text, heading level, style, style name) and ("tbl", rows of cells, ...)."""
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = paragraph_cls(child, document)
            style_obj = para.style
            style = style_obj.name if style_obj is not None else ""
            yield "p", para, para.text, _heading_level(style or ""), style_obj, style
        elif tag == "tbl":
            rows = []
            for row in table_cls(child, document).rows:
                cells: list[str] = []
                previous = None
                for cell in row.cells:
                    if cell._tc is previous:  # a merged cell is listed once per grid column it spans
                        continue
                    previous = cell._tc
                    cells.append(" ".join(cell.text.split()))
                rows.append(cells)
            yield "tbl", rows, "", None, None, ""


def read_docx(path: Path) -> ParsedDocument:
    """Read a .docx body in order: paragraphs, headings (as sections) and tables.

    Args:
        path: the .docx file.

    Returns:
        A ParsedDocument (language is filled in by the caller).

    Raises:
        IngestError: corrupt (including archives that expand too much) or no_text.
    """
    _check_archive(path)
    import docx  # imported here: only DOCX ingestion pays for it
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
        builder = SectionBuilder()
        markers = ListMarkers(document)
        first_title: str | None = None
        tables: list[Table] = []
        entries = list(_entries(document, Paragraph, DocxTable))
        styled = any(e[3] is not None for e in entries if e[0] == "p")
        pseudo = {} if styled else pseudo_headings(document, [e for e in entries if e[0] == "p"])
        for kind, item, text, level, style_obj, style in entries:
            if kind == "tbl":
                for row in item:
                    builder.text(row_line(row))
                table = make_table(len(tables), builder.path, item)
                if table is not None:
                    tables.append(table)
            elif style == "Title":
                first_title = first_title or clean_inline(text) or None
                builder.title(text)
            elif level is not None or id(item) in pseudo:
                level = level if level is not None else pseudo[id(item)]
                if level == 1 and first_title is None:
                    first_title = clean_inline(text) or None
                builder.heading(level, text)
            elif text.strip():
                builder.text(markers.marker(item._p.pPr, style_obj) + text)
        blocks = builder.finish()
        core_title = metadata_title(document.core_properties.title)
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError("corrupt", _CORRUPT.format(detail=type(exc).__name__)) from exc
    if not blocks:
        raise IngestError("no_text", "This Word file contains no text.")
    return ParsedDocument(
        format="docx", title=core_title or first_title, blocks=blocks, page_count=None, language="und",
        tables=tables,
    )
