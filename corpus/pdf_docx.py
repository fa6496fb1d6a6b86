"""The two formats the corpus build generates: `NAME.pdf.md` -> PDF, `NAME.docx.md` -> Word.

Both read the same light Markdown (`# Title`, `##`/`###` headings, paragraphs, `- ` bullets, pipe
tables; `<!-- page -->` between PDF pages) and return bytes that are identical on every run and machine
(reportlab's invariant mode; a Word zip rewritten with sorted entries, fixed timestamps, stored).
Separate from `build.py`, which decides what is built, writes the files and merges the manifests, so
that how a document looks can be read and changed without the build around it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

__all__ = ["build_pdf", "build_docx"]

PAGE_BREAK = "<!-- page -->"
FIXED_DATETIME = dt.datetime(2024, 1, 1, 0, 0, 0)
ZIP_DATE_TIME = (2024, 1, 1, 0, 0, 0)


# --- parsing the light Markdown both generated formats use ----------------------------------------


def _title_and_body(text: str, source: Path) -> tuple[str, list[str]]:
    """Split a source into its `# Title` and the remaining lines."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or not lines[0].startswith("# "):
        raise ValueError(f"{source.name}: the first line must be '# Title'")
    return lines[0][2:].strip(), lines[1:]


def _blocks(lines: Sequence[str]) -> list[tuple[str, str | list[str]]]:
    """Group lines into blocks: ("h2"|"h3"|"p", text), ("ul", items) or ("table", rows as lines)."""
    blocks: list[tuple[str, str | list[str]]] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(("p", " ".join(s.strip() for s in para)))
            para.clear()

    for raw in lines:
        line = raw.rstrip()
        if not line.strip():
            flush()
        elif line.startswith("### "):
            flush()
            blocks.append(("h3", line[4:].strip()))
        elif line.startswith("## "):
            flush()
            blocks.append(("h2", line[3:].strip()))
        elif line.startswith("- "):
            flush()
            if blocks and blocks[-1][0] == "ul":
                blocks[-1][1].append(line[2:].strip())  # type: ignore[union-attr]
            else:
                blocks.append(("ul", [line[2:].strip()]))
        elif line.startswith("|"):
            flush()
            if blocks and blocks[-1][0] == "table":
                blocks[-1][1].append(line)  # type: ignore[union-attr]
            else:
                blocks.append(("table", [line]))
        else:
            para.append(line)
    flush()
    return blocks


def _table_rows(lines: Sequence[str]) -> list[list[str]]:
    """Pipe-table lines to cell rows, dropping the `|---|` separator row."""
    rows = []
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
            continue
        rows.append(cells)
    return rows


def _inline(text: str) -> str:
    """Escape for reportlab's mini-HTML and keep **bold** and *italic*."""
    out = escape(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)
    return re.sub(r"(?<!\*)\*(?!\s)(.+?)(?<!\s)\*", r"<i>\1</i>", out)


# --- PDF --------------------------------------------------------------------------------------------


def build_pdf(source: Path) -> bytes:
    """Render a `NAME.pdf.md` source: one PDF page per `<!-- page -->` section, one bookmark per page.

    Args:
        source: the `.pdf.md` file.

    Returns:
        The PDF bytes (identical for identical input).
    """
    from reportlab import rl_config

    rl_config.invariant = 1  # fixed creation date and document id: byte-stable output
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Flowable, ListFlowable, ListItem, PageBreak, Paragraph, SimpleDocTemplate

    class Bookmark(Flowable):
        """Zero-size flowable that adds an outline entry pointing at the page it lands on."""

        def __init__(self, key: str, title: str) -> None:
            super().__init__()
            self.key, self.title = key, title

        def wrap(self, *_: float) -> tuple[float, float]:
            return 0, 0

        def draw(self) -> None:
            self.canv.bookmarkPage(self.key)
            self.canv.addOutlineEntry(self.title, self.key, level=0, closed=False)

    title, lines = _title_and_body(source.read_text(encoding="utf-8"), source)
    styles = getSampleStyleSheet()
    pages: list[list[str]] = [[]]
    for line in lines:
        if line.strip() == PAGE_BREAK:
            pages.append([])
        else:
            pages[-1].append(line)

    story: list[Flowable] = [Paragraph(_inline(title), styles["Title"])]
    for number, page_lines in enumerate(pages, start=1):
        if number > 1:
            story.append(PageBreak())
        for kind, value in _blocks(page_lines):
            if kind == "h2":
                story.append(Bookmark(f"p{number}", str(value)))
                story.append(Paragraph(_inline(str(value)), styles["Heading2"]))
            elif kind == "h3":
                story.append(Paragraph(_inline(str(value)), styles["Heading3"]))
            elif kind == "ul":
                items = [ListItem(Paragraph(_inline(i), styles["BodyText"])) for i in value]
                story.append(ListFlowable(items, bulletType="bullet", start="\u2022", leftIndent=14))
            elif kind == "table":
                for row in _table_rows(value):  # tables are rare in PDFs: one line per row is enough
                    story.append(Paragraph(_inline(" | ".join(row)), styles["BodyText"]))
            else:
                story.append(Paragraph(_inline(str(value)), styles["BodyText"]))

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        title=title,
        author="Illustrative corpus (fictional)",
        subject=title,
        creator="corpus/build.py",
        producer="reportlab",
        leftMargin=2.2 * cm,
        rightMargin=2.2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
    )
    doc.build(story, onFirstPage=_running_lines(title), onLaterPages=_running_lines(title))
    return buf.getvalue()


def _running_lines(title: str) -> Callable[[Any, Any], None]:
    """Draw what real reports print on every page: the title at the top, a note and the page number below.

    The reader leaves them out (ingest/readers/running_lines.py); `make eval` would show it if it did not.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm

    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(2.2 * cm, A4[1] - 1.2 * cm, title)
        canvas.drawString(2.2 * cm, 1.1 * cm, "Illustrative document (fictional)")
        canvas.drawRightString(A4[0] - 2.2 * cm, 1.1 * cm, str(doc.page))
        canvas.restoreState()

    return draw


# --- DOCX -------------------------------------------------------------------------------------------


def build_docx(source: Path) -> bytes:
    """Render a `NAME.docx.md` source with real Word headings, bullets and tables.

    Args:
        source: the `.docx.md` file.

    Returns:
        The .docx bytes, normalised so identical input gives identical bytes.
    """
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    title, lines = _title_and_body(source.read_text(encoding="utf-8"), source)
    rtl = bool(re.search(r"[\u0600-\u06FF]", title))
    document = docx.Document()
    heading = document.add_paragraph(title, style="Title")
    paragraphs = [heading]
    for kind, value in _blocks(lines):
        if kind == "h2":
            paragraphs.append(document.add_heading(str(value), level=1))
        elif kind == "h3":
            paragraphs.append(document.add_heading(str(value), level=2))
        elif kind == "ul":
            paragraphs.extend(document.add_paragraph(item, style="List Bullet") for item in value)
        elif kind == "table":
            rows = _table_rows(value)
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c in range(width):
                    cell = table.cell(r, c)
                    cell.text = row[c] if c < len(row) else ""
                    if r == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
        else:
            paragraphs.append(document.add_paragraph(str(value).replace("**", "")))
    if rtl:  # Arabic documents read right to left; Word needs the paragraph flag for that
        from docx.oxml.shared import OxmlElement

        for p in paragraphs:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
    props = document.core_properties
    props.title = title
    props.author = "Illustrative corpus (fictional)"
    props.last_modified_by = "corpus/build.py"
    props.revision = 1
    props.created = props.modified = props.last_printed = FIXED_DATETIME
    raw = io.BytesIO()
    document.save(raw)
    return _normalise_zip(raw.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with sorted entries, fixed timestamps and permissions, stored (not deflated)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in sorted(src.namelist()):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()
