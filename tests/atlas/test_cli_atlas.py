"""The atlas's commands: `kb cities|city|compare|examples|overview|relabel`, their `--json`, and refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kb.cli import main
from tests.atlas.conftest import write_corpus


@pytest.fixture
def home(tmp_path: Path) -> str:
    folder, manifest = write_corpus(tmp_path / "docs")
    home = str(tmp_path / "home")
    assert main(["--home", home, "--embedder", "hash", "add", str(folder), "--manifest", str(manifest)]) == 0
    return home


def run(capsys: Any, home: str, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--home", home, "--embedder", "hash", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cities_and_city_json(home: str, capsys: Any) -> None:
    code, out, _ = run(capsys, home, "cities", "--json")
    data = json.loads(out)
    assert code == 0 and [c["name"] for c in data["cities"]] == ["Harrow Bend", "Lindau", "Villa Sol"]
    assert data["documents_without_city"] == 1
    harrow = data["cities"][0]
    assert harrow["key"] == "harrow bend" and len(harrow["documents"]) == 2 and harrow["population_band"] == "250k-1m"
    assert {s["section"] for s in harrow["sections"]} >= {"leadership", "coordination", "monitoring"}
    code, out, _ = run(capsys, home, "city", "HARROW BEND", "--json")
    one = json.loads(out)
    assert code == 0 and one["name"] == "Harrow Bend" and set(one["spellings"]) == {"Harrow Bend", "harrow bend"}
    for key, ex in one["best_excerpts"].items():
        assert ex["framework_section"] == key and ex["citation"].startswith(("Harrow Bend", "Referral")) and ex["text"]
    code, out, _ = run(capsys, home, "cities")
    assert code == 0 and "3 cities; 1 document names no city" in out
    code, _, err = run(capsys, home, "city", "Gotham")
    assert code == 2 and "Unknown city 'Gotham'" in err


def test_compare_json_explains_and_refuses(home: str, capsys: Any) -> None:
    code, out, _ = run(capsys, home, "compare", "--profile", "population_band=50k-250k", "region=Latin America",
                       "themes=online hate;schools", "--json")
    data = json.loads(out)
    assert code == 0 and data["profile"]["themes"] == ["online-hate", "schools"]
    first = data["cities"][0]
    assert first["name"] == "Villa Sol" and first["reasons"][:2] == ["same size band (50k-250k)",
                                                                      "both work on online hate and schools"]
    assert first["explanation"].startswith("Same size band (50k-250k); both work on online hate and schools")
    code, out, _ = run(capsys, home, "compare", "--city", "harrow bend", "-k", "1", "--json")
    assert code == 0 and len(json.loads(out)["cities"]) == 1 and json.loads(out)["profile"]["city"] == "harrow bend"
    code, _, err = run(capsys, home, "compare", "--profile", "population_band=huge")
    assert code == 2 and "use one of: <50k, 50k-250k, 250k-1m, >1m" in err
    code, _, err = run(capsys, home, "compare", "--profile", "region=Atlantis")
    assert code == 2 and "the regions this knowledge base knows: Europe, Latin America, North America" in err
    code, _, err = run(capsys, home, "compare")
    assert code == 2 and "Describe the city to compare with" in err


def test_examples_overview_relabel_json(home: str, capsys: Any) -> None:
    code, out, _ = run(capsys, home, "examples", "leadership", "-k", "3", "--city", "Villa Sol", "--json")
    found = json.loads(out)
    assert code == 0 and 0 < len(found) <= 3
    assert all(e["framework_section"] == "leadership" and e["citation"] and e["city_similarity"] is not None for e in found)
    code, _, err = run(capsys, home, "examples", "nowhere")
    assert code == 2 and "Unknown framework section 'nowhere'; use one of: leadership, landscape" in err
    code, out, _ = run(capsys, home, "overview", "--json")
    ov = json.loads(out)
    assert code == 0 and ov["documents"] == 5 and [h["name"] for h in ov["heat"]] == ["Harrow Bend", "Lindau", "Villa Sol"]
    assert len(ov["sections"]) == 8 and all(len(h["cells"]) == 8 for h in ov["heat"])
    assert {c["value"] for c in ov["by_language"]} >= {"en", "de", "es"} and ov["by_year"][0]["value"] == "2023"
    assert all(g["text"] for g in ov["gaps"])
    code, out, _ = run(capsys, home, "overview")
    assert code == 0 and "Documents by language:" in out and "Excerpts per city and framework section" in out
    code, out, _ = run(capsys, home, "relabel", "--json")
    report = json.loads(out)
    assert code == 0 and report["chunks"] >= 5 and not report["kept_old"]


def test_every_atlas_command_has_help() -> None:
    from kb.cli.atlas import ATLAS_COMMANDS
    from kb.cli.parser import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    helps = {c.dest: c.help for c in sub._choices_actions}
    assert all(helps.get(c) for c in ATLAS_COMMANDS)
