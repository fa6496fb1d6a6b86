"""Build the starter corpus: `corpus/sources/` (text) -> `corpus/build/` (the files people would share).

Run `python corpus/build.py` (or `make corpus`). Sources are kept as text so they can be reviewed in
a diff; PDFs and Word files are generated here. The output is identical byte for byte on every run
and machine, so a rebuild never shows up as a change and re-ingesting skips every unchanged file:
- `*.md`, `*.txt`, `*.html` are copied as they are;
- `NAME.pdf.md` becomes `NAME.pdf` (reportlab, invariant mode: fixed dates and document id);
- `NAME.docx.md` becomes `NAME.docx` (python-docx, fixed core dates, zip rewritten with sorted
  entries, fixed timestamps and no compression, so no zlib version can change the bytes);
- `sources/manifest-*.csv` are merged into `corpus/manifest.csv`, sorted by file.
A file is written only when its bytes change, and built files whose source is gone are removed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

__all__ = ["build", "build_pdf", "build_docx", "merge_manifests", "main", "MANIFEST_COLUMNS"]

HERE = Path(__file__).resolve().parent
PAGE_BREAK = "<!-- page -->"
FIXED_DATETIME = dt.datetime(2024, 1, 1, 0, 0, 0)
ZIP_DATE_TIME = (2024, 1, 1, 0, 0, 0)
COPIED_SUFFIXES = (".md", ".txt", ".html")
MANIFEST_COLUMNS = [
    "file",
    "title",
    "city",
    "country",
    "region",
    "population_band",
    "doc_type",
    "themes",
    "prevention_level",
    "year",
    "source_url",
    "licence",
    "illustrative",
]


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


# --- manifest ---------------------------------------------------------------------------------------


def merge_manifests(sources: Path) -> str:
    """Merge every `manifest-*.csv` in `sources` into one CSV text sorted by file.

    Args:
        sources: the folder holding the writers' manifests.

    Returns:
        The merged CSV (header + rows, "\\n" line endings).

    Raises:
        ValueError: a manifest has other columns, or two rows name the same file.
    """
    rows: dict[str, dict[str, str]] = {}
    for part in sorted(sources.glob("manifest-*.csv")):
        with part.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames != MANIFEST_COLUMNS:
                raise ValueError(f"{part.name}: columns must be {','.join(MANIFEST_COLUMNS)}")
            for row in reader:
                name = row["file"].strip()
                if name in rows:
                    raise ValueError(f"{part.name}: {name} is listed twice")
                rows[name] = {k: (v or "").strip() for k, v in row.items()}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for name in sorted(rows):
        writer.writerow(rows[name])
    return out.getvalue()


# --- the build --------------------------------------------------------------------------------------


def _target(source: Path) -> str | None:
    """The built file name for a source, or None for files that are not corpus sources."""
    name = source.name
    if name.startswith("manifest-") or name.startswith("."):
        return None
    if name.endswith(".pdf.md"):
        return name[: -len(".md")]
    if name.endswith(".docx.md"):
        return name[: -len(".md")]
    if name.endswith(COPIED_SUFFIXES):
        return name
    return None


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the bytes differ, so unchanged files keep their mtime."""
    if path.exists() and path.read_bytes() == data:
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def build(
    sources: Path = HERE / "sources",
    out: Path = HERE / "build",
    manifest: Path | None = HERE / "manifest.csv",
) -> dict[str, list[str]]:
    """Build every source into `out` and merge the manifests into `manifest`.

    Args:
        sources: folder of sources (flat).
        out: folder for built files (flat); created if missing.
        manifest: where to write the merged manifest; None to skip it.

    Returns:
        {"written": [...], "unchanged": [...], "removed": [...]} file names.
    """
    out.mkdir(parents=True, exist_ok=True)
    report: dict[str, list[str]] = {"written": [], "unchanged": [], "removed": []}
    expected: set[str] = set()
    for source in sorted(p for p in sources.iterdir() if p.is_file()):
        target = _target(source)
        if target is None:
            continue
        if target in expected:
            raise ValueError(f"two sources build {target}")
        expected.add(target)
        if source.name.endswith(".pdf.md"):
            data = build_pdf(source)
        elif source.name.endswith(".docx.md"):
            data = build_docx(source)
        else:
            data = source.read_bytes()
        report["written" if _write_if_changed(out / target, data) else "unchanged"].append(target)
    for stale in sorted(p for p in out.iterdir() if p.is_file() and p.name not in expected):
        stale.unlink()
        report["removed"].append(stale.name)
    if manifest is not None and _write_if_changed(manifest, merge_manifests(sources).encode("utf-8")):
        report["written"].append(manifest.name)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: `python corpus/build.py [--out DIR] [--manifest FILE]` (defaults: corpus/build)."""
    parser = argparse.ArgumentParser(description="Build the illustrative starter corpus.")
    parser.add_argument("--sources", type=Path, default=HERE / "sources", help="source folder")
    parser.add_argument("--out", type=Path, default=HERE / "build", help="output folder")
    parser.add_argument("--manifest", type=Path, default=HERE / "manifest.csv", help="merged manifest path")
    args = parser.parse_args(argv)
    report = build(args.sources, args.out, args.manifest)
    print(
        f"corpus: {len(report['written'])} written, {len(report['unchanged'])} unchanged, "
        f"{len(report['removed'])} removed -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
