"""Word (.docx) to blocks with python-docx: headings as sections, tables as text rows."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import IngestError
from ..normalize import BULLET, clean_inline
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


class _ListMarkers:
    """The marker Word shows before a list paragraph: "• " for bullets, "3. " for numbered items.

    A paragraph is a list item when it or its style (or a style it is based on) has numbering
    properties; the format of its level ("bullet", "decimal", letters, roman) comes from the numbering
    part. Counters run per list and level, and an item resets the deeper levels, as Word does.
    """

    def __init__(self, document: Any) -> None:
        self.formats: dict[tuple[str, str], tuple[str, int]] = {}  # (numId, level) -> (format, start)
        self.counters: dict[str, dict[str, int]] = {}  # numId -> level -> last number shown
        self._chains: dict[str | None, list[Any]] = {}  # style id -> pPr of it and the styles it is based on
        try:
            self._read_formats(document.part.numbering_part.element)
        except Exception:  # no numbering part, or one Word would repair: items then show as bullets
            self.formats = {}

    def _read_formats(self, numbering: Any) -> None:
        levels: dict[str, dict[str, tuple[str, int]]] = {}
        for abstract in _XPATH["abstract"](numbering):
            by_level = levels.setdefault(abstract.get(_w("abstractNumId")), {})
            for lvl in _XPATH["levels"](abstract):
                fmt = _XPATH["format"](lvl)
                start = _XPATH["start"](lvl)
                by_level[lvl.get(_w("ilvl"))] = (fmt[0] if fmt else "decimal", _int(start[0] if start else "1"))
        for num in _XPATH["num"](numbering):
            abstract_id = _XPATH["abstract_id"](num)
            for level, spec in levels.get(abstract_id[0] if abstract_id else "", {}).items():
                self.formats[(num.get(_w("numId")), level)] = spec

    def marker(self, ppr: Any, style: Any) -> str:
        """A paragraph's list marker with a trailing space, or "" when it is not a list item.

        Args:
            ppr: the paragraph's own properties (`w:pPr`, or None).
            style: its style object (or None); the style chain is looked up once per style.
        """
        key = style.style_id if style is not None else None
        if key not in self._chains:
            self._chains[key] = _style_chain(style)
        num_id, level = _numbering_of([ppr, *self._chains[key]])
        if num_id is None or num_id == "0":
            return ""
        fmt, start = self.formats.get((num_id, level), ("bullet", 1))
        if fmt == "bullet":
            return f"{BULLET} "
        if fmt == "none":
            return ""
        counters = self.counters.setdefault(num_id, {})  # one list's levels: at most nine
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [lv for lv in counters if _int(lv) > _int(level)]:
            del counters[deeper]
        return f"{_format_number(counters[level], fmt)}. "


_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}

_XPATH = {
    name: etree.XPath(expr, namespaces=_NS)
    for name, expr in {
        "abstract": "./w:abstractNum", "levels": "./w:lvl", "format": "./w:numFmt/@w:val",
        "start": "./w:start/@w:val", "num": "./w:num", "abstract_id": "./w:abstractNumId/@w:val",
        "default_size": "./w:docDefaults/w:rPrDefault/w:rPr/w:sz/@w:val",
    }.items()
}  # fmt: skip


def _w(name: str) -> str:
    return f"{{{_NS['w']}}}{name}"


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _style_chain(style: Any) -> list[Any]:
    """The pPr of a style and of the styles it is based on, nearest first."""
    chain = []
    for _ in range(10):  # styles can be based on each other; a cycle must not hang the reader
        if style is None:
            break
        chain.append(style.element.pPr)
        style = style.base_style
    return chain


def _numbering_of(candidates: list[Any]) -> tuple[str | None, str]:
    """(numId, level) from the first paragraph properties that set each: the paragraph's, then its styles'."""
    num_id = level = None
    for ppr in candidates:
        numpr = ppr.numPr if ppr is not None else None
        if numpr is None:
            continue
        if num_id is None and numpr.numId is not None:
            num_id = str(numpr.numId.val)
        if level is None and numpr.ilvl is not None:
            level = str(numpr.ilvl.val)
    return num_id, str(min(max(_int(level or "0"), 0), 8))  # Word has levels 0-8; a file may claim more


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter") and 1 <= n <= 26:
        letter = chr(ord("a") + n - 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman") and 1 <= n < 40:
        roman = "x" * (n // 10) + _SMALL_ROMAN[n % 10]
        return roman if fmt == "lowerRoman" else roman.upper()
    return str(n)


_SMALL_ROMAN = ("", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix")


def _entries(document: Any, paragraph_cls: Any, table_cls: Any) -> Any:
    """The body in order: ("p", paragraph, text, heading level, style, style name) and ("tbl", rows, ...)."""
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
                rows.append(" | ".join(cells))
            yield "tbl", rows, "", None, None, ""


# A document written without Heading styles still sets its headings apart: in bold, or larger.
PSEUDO_HEADING_RATIO = 1.15
_MAX_HEADING_CHARS = 120
_ENDS_SENTENCE = (".", ",", ";", ":", "!", "?", "。", "،", "؛")


def _pseudo_headings(document: Any, paragraphs: list[tuple[Any, ...]]) -> dict[int, int]:
    """id(paragraph) -> heading level for short lines set larger than the body (by size, largest
    first) or wholly in bold (the level below those), in a document that uses no Heading style."""
    default = (_style_size(document.styles["Normal"]) if "Normal" in document.styles else None) or _default_size(document)
    found: list[tuple[int, float | None, bool]] = []
    chars: dict[float, int] = {}
    for _, para, text, _, style_obj, style in paragraphs:
        runs = [r for r in para.runs if r.text.strip()]
        if not runs or style == "Title":
            continue
        sizes = [_run_size(r, style_obj, default) for r in runs]
        size = max((x for x in sizes if x is not None), default=None)
        if size is not None:
            chars[size] = chars.get(size, 0) + len(text)
        line = " ".join(text.split())
        listed = (para._p.pPr is not None and para._p.pPr.numPr is not None) or style.startswith("List")
        if listed or not 0 < len(line) <= _MAX_HEADING_CHARS or line.endswith(_ENDS_SENTENCE):
            continue
        found.append((id(para), size, all(_run_bold(r, style_obj) for r in runs)))
    body = max(chars, key=lambda k: chars[k]) if chars else None
    larger = sorted({s for _, s, _ in found if body and s and s >= body * PSEUDO_HEADING_RATIO}, reverse=True)[:2]
    levels: dict[int, int] = {}
    for key, size, bold in found:
        if size in larger:
            levels[key] = larger.index(size) + 1
        elif bold and (not body or not size or size >= body):
            levels[key] = len(larger) + 1
    return levels


def _default_size(document: Any) -> float:
    """The document's default type size (docDefaults, in half-points), else Word's 11 pt."""
    try:
        half_points = _XPATH["default_size"](document.styles.element)
        return int(half_points[0]) / 2 if half_points else 11.0
    except (ValueError, TypeError):
        return 11.0


def _style_size(style: Any) -> float | None:
    for _ in range(10):  # the style, then the styles it is based on
        if style is None:
            return None
        if style.font.size is not None:
            return float(style.font.size.pt)
        style = style.base_style
    return None


def _run_size(run: Any, style: Any, default: float | None) -> float | None:
    if run.font.size is not None:
        return float(run.font.size.pt)
    return _style_size(style) or default


def _run_bold(run: Any, style: Any) -> bool:
    if run.bold is not None:
        return bool(run.bold)
    for _ in range(10):
        if style is None:
            return False
        if style.font.bold is not None:
            return bool(style.font.bold)
        style = style.base_style
    return False


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
        markers = _ListMarkers(document)
        first_title: str | None = None
        entries = list(_entries(document, Paragraph, Table))
        styled = any(e[3] is not None for e in entries if e[0] == "p")
        pseudo = {} if styled else _pseudo_headings(document, [e for e in entries if e[0] == "p"])
        for kind, item, text, level, style_obj, style in entries:
            if kind == "tbl":
                for row in item:
                    builder.text(row)
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
