"""The starter corpus: built byte-stably, fully described by its manifest, and matched by the gold queries.

No model here: the corpus is built into a temporary folder once per session and read with `ingest`.
"""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from ingest import DEFAULT_MAX_BYTES, read_document, validate_metadata

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "corpus" / "sources"
BUILD_SCRIPT = REPO / "corpus" / "build.py"
QUERIES = REPO / "evals" / "domain"
THEMES = {
    "leadership-group",
    "landscape-assessment",
    "prevention-plan",
    "directory",
    "referral",
    "exit-counselling",
    "youth-resilience",
    "digital-literacy",
    "online-hate",
    "incident-response",
    "victim-support",
    "interfaith-dialogue",
    "mediation",
    "training",
    "data-sharing",
    "privacy",
    "funding",
    "sustainability",
    "monitoring-evaluation",
    "community-engagement",
    "communication",
}
FILTER_KEYS = {
    "city",
    "country",
    "region",
    "doc_type",
    "themes",
    "language",
    "year_min",
    "year_max",
    "population_band",
    "prevention_level",
}


def _build(out: Path, manifest: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--out", str(out), "--manifest", str(manifest)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return done.stdout


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus built once into a temporary folder (its manifest beside it as manifest.csv)."""
    root = tmp_path_factory.mktemp("corpus")
    _build(root / "build", root / "manifest.csv")
    return root


@pytest.fixture(scope="session")
def manifest(built: Path) -> dict[str, dict[str, str]]:
    with (built / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


@pytest.fixture(scope="session")
def parsed(built: Path) -> dict[str, Any]:
    """Every built file read the way the knowledge base reads it."""
    return {
        p.name: read_document(p, max_bytes=DEFAULT_MAX_BYTES) for p in sorted((built / "build").iterdir())
    }


@pytest.fixture(scope="session")
def queries() -> list[dict[str, Any]]:
    rows = []
    for path in sorted(QUERIES.glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


# --- the build -----------------------------------------------------------------------------------------


def test_build_is_byte_stable_and_skips_unchanged_files(built: Path, tmp_path: Path) -> None:
    _build(tmp_path / "again", tmp_path / "manifest.csv")
    first, second = _hashes(built / "build"), _hashes(tmp_path / "again")
    assert first == second
    assert (built / "manifest.csv").read_bytes() == (tmp_path / "manifest.csv").read_bytes()

    mtimes = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "again").iterdir()}
    assert "0 written" in _build(tmp_path / "again", tmp_path / "manifest.csv")
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "again").iterdir()} == mtimes


def test_build_removes_files_whose_source_is_gone(tmp_path: Path) -> None:
    sources, out = tmp_path / "sources", tmp_path / "build"
    sources.mkdir()
    (sources / "x-note.md").write_text("# Note\n\nText.\n", encoding="utf-8")
    (sources / "x-page.pdf.md").write_text(
        "# T\n\n## One\n\nA.\n\n<!-- page -->\n## Two\n\nB.\n", encoding="utf-8"
    )
    subprocess.run(
        [
            sys.executable,
            str(BUILD_SCRIPT),
            "--sources",
            str(sources),
            "--out",
            str(out),
            "--manifest",
            str(tmp_path / "m.csv"),
        ],
        check=True,
        capture_output=True,
    )
    assert sorted(p.name for p in out.iterdir()) == ["x-note.md", "x-page.pdf"]
    (sources / "x-note.md").unlink()
    subprocess.run(
        [
            sys.executable,
            str(BUILD_SCRIPT),
            "--sources",
            str(sources),
            "--out",
            str(out),
            "--manifest",
            str(tmp_path / "m.csv"),
        ],
        check=True,
        capture_output=True,
    )
    assert sorted(p.name for p in out.iterdir()) == ["x-page.pdf"]


def test_committed_manifest_is_the_merge_of_the_parts(built: Path) -> None:
    committed = REPO / "corpus" / "manifest.csv"
    assert committed.exists(), "run python corpus/build.py"
    assert committed.read_bytes() == (built / "manifest.csv").read_bytes(), "corpus/manifest.csv is stale"


# --- manifest ------------------------------------------------------------------------------------------


def test_manifest_covers_every_built_file_and_nothing_else(built: Path, manifest: dict) -> None:
    assert set(manifest) == {p.name for p in (built / "build").iterdir()}


def test_every_manifest_row_validates(manifest: dict) -> None:
    for name, row in manifest.items():
        meta = validate_metadata({k: v for k, v in row.items() if k != "file"})
        assert meta["doc_type"] and meta["title"] and meta["themes"], name
        assert set(meta["themes"]) <= THEMES, (name, set(meta["themes"]) - THEMES)
        assert 2019 <= meta["year"] <= 2026, name
        assert row["licence"] == "CC BY 4.0" and row["illustrative"] == "yes" and not row["source_url"], name
        if name.startswith("network-"):
            assert not row["city"] and meta["doc_type"] in {"network-guidance", "toolkit"}, name
        else:
            assert row["city"] and row["country"] and row["population_band"], name


def test_corpus_size_languages_formats_and_kinds(manifest: dict, parsed: dict) -> None:
    assert len(manifest) >= 40
    langs = Counter(doc.language for doc in parsed.values())
    assert {"en", "es", "pt", "fr", "de", "ar"} <= set(langs), langs
    assert sum(n for lang, n in langs.items() if lang != "en") >= len(parsed) / 3, langs
    formats = Counter(doc.format for doc in parsed.values())
    assert formats["pdf"] >= 5 and formats["docx"] >= 3 and formats["html"] >= 4, formats
    assert formats["markdown"] and formats["text"], formats
    kinds = {row["doc_type"] for row in manifest.values()}
    assert kinds == {
        "city-practice",
        "network-guidance",
        "pilot-output",
        "toolkit",
        "evaluation",
        "directory",
    }


def test_documents_are_the_right_length(parsed: dict) -> None:
    for name, doc in parsed.items():
        words = sum(len(b.text.split()) for b in doc.blocks)
        assert 250 <= words <= 1000, (name, words)


def test_pdfs_have_one_bookmarked_heading_per_page(built: Path) -> None:
    pdfs = sorted((built / "build").glob("*.pdf"))
    assert len(pdfs) >= 10
    for pdf in pdfs:
        reader = PdfReader(pdf)
        pages = len(reader.pages)
        assert 3 <= pages <= 5, (pdf.name, pages)
        outline = [reader.get_destination_page_number(o) for o in reader.outline]
        assert outline == list(range(pages)), (pdf.name, outline)
        for i, page in enumerate(reader.pages):
            words = len(page.extract_text().split())
            assert 80 <= words <= 420, (pdf.name, i + 1, words)


def test_pdf_running_lines_are_printed_and_left_out_when_read(built: Path, parsed: dict[str, Any]) -> None:
    """Every page prints the title, a note and its number in the margins; none of them reaches a chunk."""
    for pdf in sorted((built / "build").glob("*.pdf")):
        raw = [page.extract_text() for page in PdfReader(pdf).pages]
        assert all("Illustrative document (fictional)" in text for text in raw), pdf.name
        doc = parsed[pdf.name]
        for block in doc.blocks:
            lines = block.text.split("\n")
            assert "Illustrative document" not in block.text and not lines[-1].strip().isdigit(), (pdf.name, block.page)
            assert lines.count(doc.title) <= 1, (pdf.name, block.page)  # the running title is gone, the real one stays
        assert doc.blocks[0].text.replace("\n", " ").startswith(doc.title + " "), pdf.name  # a long title wraps


def test_pdfs_read_the_same_without_their_bookmarks(built: Path, parsed: dict[str, Any], tmp_path: Path) -> None:
    """Many exported PDFs have no bookmarks: the heading sizes must then give the same sections."""
    from pypdf import PdfWriter

    for pdf in sorted((built / "build").glob("*.pdf")):
        writer = PdfWriter()
        for page in PdfReader(pdf).pages:
            writer.add_page(page)  # the pages only: no outline
        bare = tmp_path / pdf.name
        with bare.open("wb") as fh:
            writer.write(fh)
        assert not PdfReader(bare).outline
        with_marks, without = parsed[pdf.name], read_document(bare, max_bytes=DEFAULT_MAX_BYTES)
        assert [(b.page, b.section, b.text) for b in without.blocks] == [
            (b.page, b.section, b.text) for b in with_marks.blocks
        ], pdf.name


def test_docx_read_the_same_with_headings_typed_by_hand(built: Path, parsed: dict[str, Any], tmp_path: Path) -> None:
    """Many Word files set headings in bold or a larger size instead of a Heading style: same sections."""
    import docx
    from docx.shared import Pt

    for path in sorted((built / "build").glob("*.docx")):
        document = docx.Document(str(path))
        for para in document.paragraphs:
            name = para.style.name if para.style is not None else ""
            if name.startswith("Heading"):
                para.style = document.styles["Normal"]
                for run in para.runs:
                    run.bold, run.font.size = True, Pt(16 if name == "Heading 1" else 13)
        by_hand = tmp_path / path.name
        document.save(str(by_hand))
        styled, typed = parsed[path.name], read_document(by_hand, max_bytes=DEFAULT_MAX_BYTES)
        assert [(b.section, b.text) for b in typed.blocks] == [(b.section, b.text) for b in styled.blocks], path.name


def test_docx_have_word_headings_and_tables_where_the_source_has_them(built: Path) -> None:
    import docx

    for source in sorted(SOURCES.glob("*.docx.md")):
        document = docx.Document(str(built / "build" / source.name[: -len(".md")]))
        styles = {p.style.name for p in document.paragraphs}
        assert {"Title", "Heading 1"} <= styles, source.name
        lines = source.read_text(encoding="utf-8").splitlines()
        # a table is a run of `|` lines (the `|---|` separator row is optional)
        tables = sum(
            1
            for i, line in enumerate(lines)
            if line.startswith("|") and (i == 0 or not lines[i - 1].startswith("|"))
        )
        assert len(document.tables) == tables, source.name
        assert document.core_properties.created.year == 2024


def test_html_pages_carry_boilerplate_around_the_article() -> None:
    for page in sorted(SOURCES.glob("*.html")):
        html = page.read_text(encoding="utf-8").lower()
        assert "<nav" in html and "<footer" in html and "cookie" in html, page.name
        assert "<main" in html or "<article" in html, page.name


# --- gold queries --------------------------------------------------------------------------------------


def test_gold_queries_are_well_formed_and_answerable(queries: list, manifest: dict, parsed: dict) -> None:
    assert len(queries) >= 80
    ids = [q["id"] for q in queries]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    langs = Counter(q["lang"] for q in queries)
    assert len(langs) >= 6, langs
    assert sum(q["kind"] == "cross" for q in queries) >= len(queries) / 2
    assert sum(bool(q["filters"]) for q in queries) >= 5
    for q in queries:
        assert q["relevant"] and set(q["relevant"]) <= set(manifest), (q["id"], q["relevant"])
        assert 4 <= len(q["query"].split()) <= 25, q["id"]
        doc_langs = {parsed[name].language for name in q["relevant"]}
        assert q["kind"] == ("same" if q["lang"] in doc_langs else "cross"), (q["id"], q["lang"], doc_langs)
        if q["page"] is not None:
            assert len(q["relevant"]) == 1 and q["relevant"][0].endswith(".pdf"), q["id"]
            assert 1 <= q["page"] <= (parsed[q["relevant"][0]].page_count or 0), q["id"]
        for key, value in (q["filters"] or {}).items():
            assert key in FILTER_KEYS, (q["id"], key)
            for name in q["relevant"]:  # a filter must not hide the answer
                meta = validate_metadata({k: v for k, v in manifest[name].items() if k != "file"})
                have = parsed[name].language if key == "language" else meta.get(key)
                wanted = value if isinstance(value, list) else [value]
                have = have if isinstance(have, list) else [have]
                assert set(wanted) & set(have), (q["id"], key, value, have)


def test_every_pdf_answers_a_page_specific_query(queries: list, built: Path) -> None:
    paged = {q["relevant"][0] for q in queries if q["page"] is not None}
    missing = sorted(p.name for p in (built / "build").glob("*.pdf") if p.name not in paged)
    assert not missing
