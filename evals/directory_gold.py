"""The hand-checked directory gold of the starter corpus (issue 15), and what counts as a right answer.

The files live in `evals/directory/` (how each was made and the judgement rules: its README):

- `table_rows.jsonl`: every data row of every table in the corpus, with its raw cells and the directory
  candidates a careful person makes of it (none for tables that list no programme or organisation);
- `list_entries.jsonl`: the directory entries the directory documents write as lists instead of tables;
- `name_suggestions.jsonl`: 40 excerpts copied from chunks, each with the name to suggest for it;
- `expected_sectors.json`: the sectors the network's guidance expects at a leadership group's table;
- `header_words.json`: the tables' header words per language and field, for the column mapping.

The functions below are the scoring rules, so that every scorer judges the same way: a candidate is right
when its name, kind, sector and city are (issue 15's measure); a row is right when its candidates are,
one for one, with nothing extra; names compare without regard to case, spacing or surrounding quotes.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "DIRECTORY_DIR", "SECTORS", "KINDS", "SCORED_FIELDS", "load_jsonl", "load_table_rows", "load_list_entries",
    "load_name_suggestions", "load_json", "normalise_name", "candidate_right", "row_right", "name_right", "share_right",
]

DIRECTORY_DIR = Path(__file__).resolve().parent / "directory"
SECTORS = ("municipality", "police", "education", "health", "social work", "youth work", "civil society",
           "faith community", "private sector", "media", "other")
KINDS = ("programme", "service", "organisation")
SCORED_FIELDS = ("name", "kind", "sector", "city")
_QUOTES = "\"'“”„‟«»‹›‘’‚`"


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_json(name: str) -> dict[str, Any]:
    """`expected_sectors.json` or `header_words.json`."""
    return json.loads((DIRECTORY_DIR / name).read_text(encoding="utf-8"))


def load_table_rows(in_measure_only: bool = False) -> list[dict[str, Any]]:
    """Table rows; with `in_measure_only`, those of the directory documents that issue 15's figure counts."""
    rows = load_jsonl(DIRECTORY_DIR / "table_rows.jsonl")
    return [r for r in rows if r["in_measure"]] if in_measure_only else rows


def load_list_entries() -> list[dict[str, Any]]:
    return load_jsonl(DIRECTORY_DIR / "list_entries.jsonl")


def load_name_suggestions() -> list[dict[str, Any]]:
    return load_jsonl(DIRECTORY_DIR / "name_suggestions.jsonl")


def normalise_name(text: str) -> str:
    """Case, spacing (line breaks included) and surrounding quotes or punctuation do not make a name wrong;
    accents, articles inside the span and extra words do."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    text = text.strip(_QUOTES + " .,:;")
    return text.casefold()


def _accepted(expected: Mapping[str, Any], field: str) -> list[str]:
    return [expected[field], *expected.get("also_accepted", {}).get(field, [])]


def candidate_right(expected: Mapping[str, Any], got: Mapping[str, Any]) -> bool:
    """Name, kind, sector and city all right (an `also_accepted` value counts as right)."""
    if normalise_name(str(got.get("name", ""))) not in {normalise_name(n) for n in _accepted(expected, "name")}:
        return False
    if normalise_name(str(got.get("city", ""))) != normalise_name(expected["city"]):
        return False
    return all(got.get(f) in _accepted(expected, f) for f in ("kind", "sector"))


def row_right(expected: Sequence[Mapping[str, Any]], got: Sequence[Mapping[str, Any]]) -> bool:
    """A row's candidates are right when each expected one is matched by a different proposed one and
    nothing else is proposed; a row with no expected candidate is right when nothing is proposed."""
    if len(got) != len(expected):
        return False
    left = list(got)
    for e in expected:
        hit = next((g for g in left if candidate_right(e, g)), None)
        if hit is None:
            return False
        left.remove(hit)
    return True


def name_right(item: Mapping[str, Any], suggested: str) -> bool:
    """A suggested name is right when it is the expected span or one of the accepted ones."""
    return normalise_name(suggested) in {normalise_name(n) for n in [item["name"], *item.get("also_accepted", [])]}


def share_right(pairs: Iterable[bool]) -> float:
    """The share of True in `pairs` (0.0 for none): the figure issue 15 sets targets on."""
    values = list(pairs)
    return sum(values) / len(values) if values else 0.0
