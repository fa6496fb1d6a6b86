"""Word (.docx) to blocks with python-docx: headings as sections, tables as text rows."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import IngestError
from ..normalize import clean_inline
from ..records import ParsedDocument
from .sections import SectionBuilder

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
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
        builder = SectionBuilder()
        first_title: str | None = None
        body = document.element.body
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                para = Paragraph(child, document)
                text = para.text
                style = para.style.name if para.style is not None else ""
                level = _heading_level(style or "")
                if style == "Title":
                    first_title = first_title or clean_inline(text) or None
                    builder.text(text)
                elif level is not None:
                    if level == 1 and first_title is None:
                        first_title = clean_inline(text) or None
                    builder.heading(level, text)
                else:
                    builder.text(text)
            elif tag == "tbl":
                for row in Table(child, document).rows:
                    cells: list[str] = []
                    previous = None
                    for cell in row.cells:
                        if cell._tc is previous:  # a merged cell is listed once per grid column it spans
                            continue
                        previous = cell._tc
                        cells.append(" ".join(cell.text.split()))
                    builder.text(" | ".join(cells))
        blocks = builder.finish()
        core_title = clean_inline(document.core_properties.title or "")
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError("corrupt", _CORRUPT.format(detail=type(exc).__name__)) from exc
    if not blocks:
        raise IngestError("no_text", "This Word file contains no text.")
    return ParsedDocument(
        format="docx", title=core_title or first_title, blocks=blocks, page_count=None, language="und"
    )
