"""The directory gold set (evals/directory): exact against the built corpus, complete, and scored by clear rules."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from evals.directory_gold import (
    KINDS,
    SECTORS,
    candidate_right,
    load_json,
    load_list_entries,
    load_name_suggestions,
    load_table_rows,
    name_right,
    normalise_name,
    row_right,
    share_right,
)
from evals.sections_gold import current_chunks

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "corpus" / "sources"


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, str(REPO / "corpus" / "build.py"), "--out", str(out / "build"),
                    "--manifest", str(out / "manifest.csv")], check=True, capture_output=True, cwd=REPO)
    return out / "build"


@pytest.fixture(scope="module")
def manifest() -> dict[str, dict[str, str]]:
    with (REPO / "corpus" / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


def _check_candidate(c: dict) -> None:
    assert c["kind"] in KINDS and c["sector"] in SECTORS, c
    also = c.get("also_accepted", {})
    assert all(k in KINDS for k in also.get("kind", [])) and all(s in SECTORS for s in also.get("sector", [])), c


# --- exact and complete ---------------------------------------------------------------------------------


def test_every_table_row_of_the_corpus_is_in_the_gold_with_its_exact_cells(build: Path) -> None:
    rows = {(r["file"], r["table_index"], r["row_index"]): r for r in load_table_rows()}
    seen = set()
    for path in sorted(build.glob("*.docx")):
        for ti, table in enumerate(docx.Document(str(path)).tables):
            header = [c.text for c in table.rows[0].cells]
            for ri, row in enumerate(table.rows[1:], 1):
                gold = rows[(path.name, ti, ri)]
                assert gold["header"] == header and gold["cells"] == [c.text for c in row.cells]
                seen.add((path.name, ti, ri))
    assert seen == set(rows)


def test_no_other_source_has_a_table() -> None:
    """HTML, Markdown, text and PDF sources hold no table today, so the DOCX rows are all the rows."""
    for path in sorted(SOURCES.iterdir()):
        text = path.read_text(encoding="utf-8")
        if path.name.endswith(".docx.md") or path.suffix == ".csv":
            continue
        assert "<table" not in text.lower() and not re.search(r"^\s*\|.*\|\s*$", text, re.M), path.name


def test_candidates_are_well_formed_and_copied_from_their_row(manifest: dict) -> None:
    rows = load_table_rows()
    for r in rows:
        for c in r["candidates"]:
            _check_candidate(c)
            assert c["city"] == manifest[r["file"]]["city"]
            assert any(c["name"] in cell for cell in r["cells"]), c["name"]
    measured = load_table_rows(in_measure_only=True)
    assert {r["file"] for r in measured} == {"harrow-bend-directory.docx", "campo-lirio-diretorio-programas.docx"}
    assert all(r["candidates"] for r in measured)
    assert all(row_right(r["candidates"], r["candidates"]) for r in rows), "the gold scores itself right"


def test_list_entries_are_copied_from_chunks(build: Path, manifest: dict) -> None:
    entries = load_list_entries()
    chunks = current_chunks(build, sorted({e["file"] for e in entries}))
    assert {e["file"] for e in entries} >= {"qasr-al-ward-directory.html"}
    for e in entries:
        assert e["item"] in chunks[e["chunk"]].text
        for c in e["candidates"]:
            _check_candidate(c)
            assert c["city"] == manifest[e["file"]]["city"]
            assert any(n in e["item"] for n in [c["name"], *c.get("also_accepted", {}).get("name", [])])


def test_name_excerpts_are_exact_copies_of_todays_chunks(build: Path) -> None:
    items = load_name_suggestions()
    chunks = current_chunks(build, sorted({i["file"] for i in items}))
    assert len(items) == 40 and {i["lang"] for i in items} == {"en", "es", "fr", "de", "pt", "ar"}
    for i in items:
        chunk = chunks[f"{i['file']}#{i['ordinal']}"]
        assert chunk.sha256 == i["chunk_sha256"] and i["excerpt"] in chunk.text and i["lang"] == chunk.lang
        assert i["excerpt"][i["start"]:i["end"]] == i["name"] and i["kind"] in KINDS


def test_expected_sectors_quote_the_guidance(build: Path) -> None:
    data = load_json("expected_sectors.json")
    chunks = current_chunks(build, [data["source"]["file"]])
    quoted = [data["intro"], *data["expected"], *data["also_in_guidance"]]
    assert all(q["quote"] in chunks[q["chunk"]].text for q in quoted)
    sectors = [e["sector"] for e in data["expected"]]
    assert set(sectors) <= set(SECTORS) and len(sectors) == len(set(sectors))
    assert {"municipality", "police", "education", "health", "social work", "civil society"} <= set(sectors)


def test_header_words_are_the_tables_headers() -> None:
    words = load_json("header_words.json")
    headers = {h for r in load_table_rows() for h in r["header"]}
    for lang, fields in words["tables"].items():
        assert set(fields) <= set(words["fields"]), lang
        assert all(w in headers for ws in fields.values() for w in ws), lang
    negatives = {h for tables in words["not_directory"].values() for t in tables for h in t["header"]}
    assert not negatives & {w for f in words["tables"].values() for ws in f.values() for w in ws}


# --- the scoring rules ----------------------------------------------------------------------------------

ENTRY = {"name": "Conecta Jovem", "kind": "programme", "sector": "civil society", "city": "Campo Lírio",
         "also_accepted": {"sector": ["youth work"]}}


def test_names_compare_without_case_spacing_or_quotes_but_with_accents() -> None:
    assert normalise_name(' „NetzKlar"\n') == normalise_name("netzklar")
    assert normalise_name("Think Before You\nShare") == normalise_name("Think Before You Share")
    assert normalise_name("Escola sem Ódio") != normalise_name("Escola sem Odio")


def test_a_candidate_needs_name_kind_sector_and_city() -> None:
    good = {"name": "conecta jovem", "kind": "programme", "sector": "youth work", "city": "campo lírio"}
    assert candidate_right(ENTRY, good)
    for field, wrong in [("name", "Conecta"), ("kind", "service"), ("sector", "education"), ("city", "Vale do Junco")]:
        assert not candidate_right(ENTRY, {**good, field: wrong}), field


def test_a_row_is_right_only_with_its_candidates_one_for_one() -> None:
    other = {**ENTRY, "name": "Instituto Girassol", "kind": "organisation"}
    assert row_right([ENTRY, other], [other, ENTRY])
    assert not row_right([ENTRY, other], [ENTRY, ENTRY])
    assert not row_right([ENTRY], [ENTRY, other])
    assert row_right([], []) and not row_right([], [ENTRY])


def test_name_suggestion_accepts_the_listed_spans_only() -> None:
    item = {"name": "Écoute 42", "also_accepted": ["association d'aide aux victimes Écoute 42"]}
    assert name_right(item, "écoute 42") and name_right(item, "association d'aide aux victimes Écoute 42")
    assert not name_right(item, "police municipale")
    assert share_right([True, False, True, True]) == 0.75 and share_right([]) == 0.0
