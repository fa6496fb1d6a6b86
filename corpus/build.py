"""Build the starter corpus: `corpus/sources/` (text) -> `corpus/build/` (the files people would share).

Run `python corpus/build.py` (or `make corpus`). Sources are kept as text so they can be reviewed in
a diff; PDFs and Word files are generated here (rendered by `pdf_docx.py`). The output is identical
byte for byte on every run and machine, so a rebuild never shows up as a change and re-ingesting
skips every unchanged file:
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
import io
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # loaded from its file (a test) rather than run as `python corpus/build.py`
    sys.path.append(str(HERE))

from pdf_docx import build_docx, build_pdf  # noqa: E402  (corpus/ is a folder of scripts, not a package)

__all__ = ["build", "build_pdf", "build_docx", "merge_manifests", "main", "MANIFEST_COLUMNS"]

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
