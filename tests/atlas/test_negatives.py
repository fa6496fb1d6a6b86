"""Negative prototypes: texts in the framework file saying what does *not* count for a section, read
strictly, part of what labels depend on, and a feature of the per-section regression."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from kb.atlas.calibration import load_calibration, model_digest, section_digest
from kb.atlas.framework_file import FrameworkError, read_framework
from kb.atlas.labels import Prototypes, negative_similarity
from kb.atlas.section_model import FEATURES, SectionModel
from kb.drafting.framework import DEFAULT_FRAMEWORK

NEGATIVES = "    negatives:\n      - \"A single programme that serves one objective of the city's plan.\"\n"


def _without_negatives(tmp_path: Path) -> Path:
    """The shipped framework with every `negatives:` block removed."""
    path = tmp_path / "framework.yaml"
    shutil.copyfile(DEFAULT_FRAMEWORK, path)
    lines, out, skipping = path.read_text(encoding="utf-8").splitlines(keepends=True), [], False
    for line in lines:
        if line.startswith("    negatives:"):
            skipping = True
            continue
        if skipping and line.startswith("      - "):
            continue
        skipping = False
        out.append(line)
    path.write_text("".join(out), encoding="utf-8")
    return path


def test_negatives_are_optional_read_and_change_the_digest(tmp_path: Path) -> None:
    shipped = read_framework(DEFAULT_FRAMEWORK)
    assert shipped.negative_texts("plan") and shipped.negative_texts("leadership") == ()
    assert not set(shipped.negative_texts("plan")) & set(shipped.texts("plan"))  # never among its prototypes
    plain = read_framework(_without_negatives(tmp_path))
    assert plain.negatives == {} and plain.texts("plan") == shipped.texts("plan")
    assert plain.digest() != shipped.digest()  # editing the negatives relabels
    # a section's digest for the regression: the same as section_digest without negatives, another with them
    assert model_digest(plain.texts("plan")) == section_digest(plain.texts("plan"))
    assert model_digest(shipped.texts("plan"), shipped.negative_texts("plan")) != section_digest(shipped.texts("plan"))


def test_negatives_that_are_not_a_list_name_the_line(tmp_path: Path) -> None:
    path = _without_negatives(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - key: plan\n", "  - key: plan\n    negatives: just one text\n", 1), encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"line [0-9]+ \(section 3\): negatives must be a list"):
        read_framework(path)


def test_negative_similarity_is_the_best_cosine_and_zero_without_negatives() -> None:
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]], dtype=np.float32)
    negs = Prototypes(("a", "b", "c"), np.array([1, 1]), np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32))
    got = negative_similarity(vectors, negs)
    assert got.shape == (3, 3)
    assert np.allclose(got[:, 1], [1.0, 1.0, 0.8]) and not got[:, [0, 2]].any()
    none = Prototypes(("a",), np.zeros(0, dtype=np.int64), np.zeros((0, 2), dtype=np.float32))
    assert not negative_similarity(vectors, none).any()


def test_model_learns_to_refuse_what_is_close_to_the_negatives_and_round_trips() -> None:
    """Section 'a' is given when its score beats the chunk's closeness to a's negatives; section 'b' has
    none (its third feature is constant: no weight, and it survives the round trip)."""
    rng = np.random.default_rng(2)
    scores = rng.uniform(size=(400, 2)).astype(np.float32)
    digits = rng.uniform(0, 0.2, size=400).astype(np.float32)
    negatives = np.zeros((400, 2), dtype=np.float32)
    negatives[:, 0] = rng.uniform(size=400)
    truth = np.stack([scores[:, 0] > negatives[:, 0], scores[:, 1] > 0.5], axis=1)
    model = SectionModel.fit(scores, digits, truth, ("a", "b"), {"a": "x", "b": "y"}, l2=0.3, cut=0.5, negatives=negatives)
    assert model.weights.shape == (2, len(FEATURES) + 1)
    assert model.weights[0, 2] < -1.0 and model.weights[1, 2] == pytest.approx(0.0, abs=1e-6)
    pred = model.probabilities(scores, digits, negatives) >= model.cut
    assert (pred == truth).mean(0).min() > 0.95
    without = model.probabilities(scores, digits) >= model.cut  # no negatives known: section a is given more often
    assert without[:, 0].sum() > pred[:, 0].sum()
    again = SectionModel.from_dict(model.to_dict())
    assert np.allclose(again.probabilities(scores, digits, negatives), model.probabilities(scores, digits, negatives),
                       atol=1e-4)


def test_shipped_model_needs_the_negatives_it_was_fitted_with(tmp_path: Path) -> None:
    cal = load_calibration()
    fw = read_framework(DEFAULT_FRAMEWORK)
    texts = {k: fw.texts(k) for k in fw.keys}
    negatives = {k: fw.negative_texts(k) for k in fw.keys if fw.negative_texts(k)}
    assert cal.section_model(texts, negatives) is not None, "recalibrate: python -m evals.sections --calibrate"
    assert cal.section_model(texts) is None  # the plan's negatives removed: thresholds decide
    edited = {**negatives, "plan": (*negatives["plan"], "One more negative text.")}
    assert cal.section_model(texts, edited) is None
    assert cal.threshold("plan", texts["plan"]) == cal.thresholds["plan"]  # thresholds do not use negatives
