"""evals.metrics and the XQuAD runner (on two paragraphs per language, real model)."""

import json
from pathlib import Path

import pytest

from evals.metrics import mrr_at_k, recall_at_k
from evals.xquad import load_xquad, main

from .conftest import XQUAD


def test_recall_and_mrr() -> None:
    rankings = [[3, 1, 2], [5, 6, 7], [9, 8]]
    relevant = [{1}, {7, 5}, {4}]
    assert recall_at_k(rankings, relevant, 1) == pytest.approx(1 / 3)
    assert recall_at_k(rankings, relevant, 2) == pytest.approx(2 / 3)
    assert mrr_at_k(rankings, relevant, 10) == pytest.approx((1 / 2 + 1) / 3)
    assert mrr_at_k(rankings, relevant, 1) == pytest.approx(1 / 3)
    assert recall_at_k([], [], 5) == 0.0
    with pytest.raises(ValueError):
        recall_at_k([[1]], [], 1)


def test_load_xquad_limit() -> None:
    en = load_xquad(XQUAD, "en", limit=2)
    assert len(en.paragraphs) == 2
    assert len(en.questions) == len(en.paragraph_of) and set(en.paragraph_of) == {0, 1}


def test_main_writes_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "reports"
    argv = ["--data", str(XQUAD), "--pairs", "ar-en", "--mixed", "en,ar", "--mixed-queries", "ar"]
    argv += ["--limit", "2", "--cache", str(tmp_path / "c.sqlite"), "--out", str(out)]
    assert main(argv) == 0
    report = json.loads((out / "xquad.json").read_text("utf-8"))
    assert set(report["pairs"]) == {"ar-en"}
    ar_en = report["pairs"]["ar-en"]
    assert ar_en["queries"] > 2
    for system in ("lexical", "dense", "fused"):
        assert 0.0 <= ar_en[system]["recall@1"] <= ar_en[system]["recall@5"] <= 1.0
    # two paragraphs: the right one is always in the top 5 of dense and fused
    assert ar_en["fused"]["recall@5"] == ar_en["dense"]["recall@5"] == 1.0
    assert report["mixed"]["ar"]["fused"]["recall@5"] == 1.0
    assert "top5_has_en" in report["mixed"]["ar"]
    markdown = (out / "xquad.md").read_text("utf-8")
    assert "| ar-en |" in markdown and "ar-mixed(en+ar)" in markdown
    assert "| ar-en |" in capsys.readouterr().out
