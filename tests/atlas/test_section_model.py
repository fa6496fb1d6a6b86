"""The per-section regression that decides section labels: its fitting arithmetic, what it ships with,
and that a framework it was not fitted on (or a model from another version) falls back to thresholds."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np

from kb.atlas.calibration import load_calibration, model_digest
from kb.atlas.framework_file import read_framework
from kb.atlas.section_model import FEATURES, SectionModel, digit_share, fit_logistic
from kb.drafting.framework import DEFAULT_FRAMEWORK


def test_digit_share_counts_words_with_digits_in_any_script() -> None:
    got = digit_share(["In 2024, 57 people took part", "no figures here", "", "شارك ١٨٠ طالبًا"])
    assert np.allclose(got, [2 / 6, 0.0, 0.0, 1 / 3])


def test_fit_logistic_separates_and_the_penalty_shrinks() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 2))
    y = (x[:, 0] > 0).astype(float)
    loose, tight = fit_logistic(x, y, l2=0.1), fit_logistic(x, y, l2=100.0)
    assert loose[0] > 2 and abs(loose[1]) < loose[0] / 3  # the first feature decides, the second does not
    assert 0 < tight[0] < loose[0]  # a larger penalty gives smaller weights


def _toy() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two sections: 'a' when its score is high, 'b' when its score is high *and* the chunk has figures."""
    rng = np.random.default_rng(1)
    scores = rng.uniform(size=(300, 2)).astype(np.float32)
    digits = rng.uniform(0, 0.2, size=300).astype(np.float32)
    truth = np.stack([scores[:, 0] > 0.5, (scores[:, 1] > 0.4) & (digits > 0.1)], axis=1)
    return scores, digits, truth


def test_model_learns_from_the_digit_share_and_round_trips() -> None:
    scores, digits, truth = _toy()
    model = SectionModel.fit(scores, digits, truth, ("a", "b"), {"a": "x", "b": "y"}, l2=0.3, cut=0.5)
    pred = model.probabilities(scores, digits) >= model.cut
    assert (pred == truth).mean(0).min() > 0.9
    assert model.weights[1, 1] > 1.0 and abs(model.weights[0, 1]) < model.weights[0, 0] / 3
    again = SectionModel.from_dict(model.to_dict())
    assert np.allclose(again.probabilities(scores, digits), model.probabilities(scores, digits), atol=1e-4)
    assert again.applies(("a", "b"), {"a": "x", "b": "y"})
    assert not again.applies(("b", "a"), {"a": "x", "b": "y"})  # another order
    assert not again.applies(("a", "b"), {"a": "x", "b": "changed"})  # a section's texts changed


def test_shipped_model_belongs_to_the_framework_file_and_falls_back_when_it_changes() -> None:
    cal = load_calibration()
    fw = read_framework(DEFAULT_FRAMEWORK)
    texts = {k: fw.texts(k) for k in fw.keys}
    negatives = {k: fw.negative_texts(k) for k in fw.keys}
    model = cal.section_model(texts, negatives)
    assert model is not None, "recalibrate: python -m evals.sections --calibrate"
    assert model.keys == fw.keys and model.cut in (0.3, 0.4, 0.5)
    assert model.weights.shape == (len(fw.keys), len(FEATURES) + 1)
    assert cal.model and cal.model["sections"] == {k: model_digest(v, negatives[k]) for k, v in texts.items()}
    edited = dict(texts, plan=(*texts["plan"], "One more prototype text."))
    assert cal.section_model(edited, negatives) is None  # a changed section: thresholds decide
    assert cal.section_model({**texts, "training": ("Training first-line staff",)}, negatives) is None  # a new section
    stale = dataclasses.replace(cal, model={**cal.model, "weights": [[1.0, 2.0, 0.5]] * len(fw.keys)})
    assert stale.section_model(texts, negatives) is None  # written by another version of the features


def test_labeller_uses_the_model_only_for_its_embedder(city_kb: Any) -> None:
    """The hash embedder of the fixture is not the one the model was fitted for: thresholds label. Told
    the model is for this embedder, the labeller gives every label a probability of at least the cut."""
    from kb.atlas.labelling import Labeller

    labeller = city_kb.atlas.labeller
    plan = labeller.plan()
    assert plan is not None and plan["model"] is None and len(plan["thresholds"]) == len(plan["keys"])
    cal = dataclasses.replace(load_calibration(), embedder=city_kb.indexes.embedder.id)
    own = Labeller(labeller.store, city_kb.indexes, Path(labeller.framework_path), calibration=cal)
    report = own.relabel()
    plan = own.plan()
    assert plan is not None and plan["model"] is not None
    assert report.chunks == len(city_kb.catalog.chunk_ids())
    labels = city_kb.atlas.labels_of(city_kb.catalog.chunk_ids().tolist())
    cut = plan["model"]["cut"]
    assert all(cut <= p <= 1.0 for lab in labels.values() for p in lab.values())
