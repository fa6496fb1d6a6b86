"""The framework-section gold set (evals/sections) and its scorer: well-formed, covering, and still the KB's chunks."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from evals.sections_gold import (
    GOLD_PATH,
    SECTIONS,
    ChunkInfo,
    GoldChunk,
    GoldError,
    current_chunks,
    load_gold,
    score,
    text_hash,
    verify,
)

REPO = Path(__file__).resolve().parents[1]


def _gold(key: str, *labels: str, hard: bool = False) -> GoldChunk:
    file, _, ordinal = key.partition("#")
    return GoldChunk(file, int(ordinal), "0" * 16, None, (), "en", frozenset(labels), hard)


# --- the scorer ---------------------------------------------------------------------------------------


def test_perfect_predictions_score_one_and_none_score_zero() -> None:
    gold = load_gold()
    perfect = score(gold, {g.key: set(g.labels) for g in gold})
    assert perfect.macro_f1 == 1.0
    assert all(s.precision == s.recall == s.f1 == 1.0 for s in perfect.per_section.values())
    nothing = score(gold, {})
    assert nothing.macro_f1 == 0.0 and nothing.unpredicted == len(gold)
    assert all(s.predicted == 0 and s.precision == 0.0 for s in nothing.per_section.values())


def test_scores_by_hand() -> None:
    gold = [_gold("a#0", "plan"), _gold("a#1", "plan", "monitoring"), _gold("a#2"), _gold("a#3", "monitoring")]
    predicted = {"a#0": {"plan"}, "a#1": {"monitoring"}, "a#2": {"plan", "monitoring"}}  # a#3 not predicted
    got = score(gold, predicted, sections=("plan", "monitoring"))
    plan, mon = got.per_section["plan"], got.per_section["monitoring"]
    assert (plan.true_positives, plan.predicted, plan.support) == (1, 2, 2)
    assert plan.precision == 0.5 and plan.recall == 0.5 and plan.f1 == 0.5
    assert (mon.true_positives, mon.predicted, mon.support) == (1, 2, 2)
    assert mon.f1 == 0.5
    assert got.macro_f1 == 0.5
    assert got.chunks == 4 and got.unpredicted == 1


def test_predictions_outside_the_gold_or_the_framework_are_ignored_and_named() -> None:
    gold = [_gold("a#0", "plan")]
    got = score(gold, {"a#0": {"plan", "budget"}, "zzz#9": {"plan"}}, sections=("plan", "monitoring"))
    assert got.per_section["plan"].f1 == 1.0 and got.per_section["plan"].predicted == 1
    assert got.unknown_sections == ("budget",)
    assert got.per_section["monitoring"].f1 == 0.0  # no gold positive: recall 0, never a free 1.0


def test_clear_cases_can_be_scored_alone() -> None:
    gold = [_gold("a#0", "plan"), _gold("a#1", "plan", hard=True)]
    got = score([g for g in gold if not g.hard], {"a#0": {"plan"}}, sections=("plan",))
    assert got.chunks == 1 and got.macro_f1 == 1.0


# --- the gold file ------------------------------------------------------------------------------------


def test_sections_are_the_framework_keys_in_order() -> None:
    framework = yaml.safe_load((REPO / "corpus" / "framework.yaml").read_text(encoding="utf-8"))
    assert tuple(s["key"] for s in framework["sections"]) == SECTIONS


def test_gold_covers_every_document_language_and_section() -> None:
    gold = load_gold()
    with (REPO / "corpus" / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        documents = {row["file"] for row in csv.DictReader(fh)}
    assert len(gold) >= 150
    assert {g.file for g in gold} == documents
    assert {g.lang for g in gold} == {"en", "es", "fr", "de", "pt", "ar"}
    positives = Counter(s for g in gold for s in g.labels)
    assert all(positives[s] >= 15 for s in SECTIONS), positives
    assert any(not g.labels for g in gold)
    assert all(g.note for g in gold if g.hard), "every hard call says why"


def test_loader_names_the_bad_line(tmp_path: Path) -> None:
    good = GOLD_PATH.read_text(encoding="utf-8").splitlines()[0]
    row = json.loads(good)
    bad = tmp_path / "gold.jsonl"
    bad.write_text(good + "\n" + json.dumps({**row, "ordinal": 999, "labels": ["budget"]}) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match="line 2: unknown section keys"):
        load_gold(bad)
    bad.write_text(good + "\n" + good + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match="line 2: .* labelled twice"):
        load_gold(bad)
    bad.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(GoldError, match="line 1"):
        load_gold(bad)


# --- drift -------------------------------------------------------------------------------------------


def test_verify_names_changed_moved_and_missing_chunks() -> None:
    text = "Die Stadt richtet einen Lenkungskreis ein."
    g = GoldChunk("x.md", 0, text_hash(text), None, ("§ 1",), "de", frozenset({"leadership"}))
    same = ChunkInfo("x.md", 0, text_hash(text), None, ("§ 1",), "de", text)
    assert verify([g], {g.key: same}) == []
    edited = ChunkInfo("x.md", 0, text_hash(text + " Neu."), None, ("§ 1",), "de", text + " Neu.")
    moved = ChunkInfo("x.md", 0, text_hash(text), None, ("§ 2",), "de", text)
    assert "text changed" in verify([g], {g.key: edited})[0]
    assert "place changed" in verify([g], {g.key: moved})[0]
    assert "no such chunk" in verify([g], {})[0]


def test_gold_still_matches_the_knowledge_base_chunker(tmp_path: Path) -> None:
    """If this fails, a reader or the chunker changed the starter corpus's chunks: relabel the drifted
    chunks (python -m evals.sections_gold --list FILE shows today's chunks beside their labels)."""
    subprocess.run([sys.executable, str(REPO / "corpus" / "build.py"), "--out", str(tmp_path / "build"),
                    "--manifest", str(tmp_path / "manifest.csv")], check=True, capture_output=True, cwd=REPO)
    chunks = current_chunks(tmp_path / "build")
    gold = load_gold()
    assert verify(gold, chunks) == []
    assert len(chunks) == len(gold), "every chunk of the starter corpus is labelled"
