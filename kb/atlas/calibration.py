"""Thresholds for section labels, calibrated on hand-labelled data, and what ships with them.

`python -m evals.sections --calibrate` fits one threshold per section on the *calibration half* of
the gold set (the starter corpus's documents in file-name order, every other one: the first, third,
...), the threshold that gives that section the best F1 on those documents, placed half-way to the
next lower score so that it does not sit on one chunk's exact value. It writes
`kb/atlas/data/calibration.json`; nothing here is set by hand. The other half is the held-out set
the reported figures come from. The same run fits the per-section regression of
kb.atlas.section_model on the calibration half; when it is shipped and the framework's sections are
written as when it was fitted, it decides the labels, else the thresholds do.

A threshold belongs to a section as it was written when calibrated (its texts' digest): a section
whose texts change, or a new section, gets the median of the calibrated thresholds. The file also
keeps the reference statistics of each prototype's cosine on the starter corpus (used while a KB
is too small to measure its own) and the prototype query vectors of the default embedder, so a
fresh KB labels without running the model over the prototypes again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kb.atlas.section_model import SectionModel

__all__ = ["Calibration", "CALIBRATION_PATH", "VECTORS_PATH", "fit_thresholds", "section_digest", "model_digest",
           "text_key", "load_calibration", "DEFAULT_THRESHOLD"]

DATA = Path(__file__).resolve().parent / "data"
CALIBRATION_PATH = DATA / "calibration.json"
VECTORS_PATH = DATA / "prototype-queries.npz"
DEFAULT_THRESHOLD = 0.3  # only when no calibration file exists at all


def text_key(text: str) -> str:
    """A prototype text's key in the calibration file."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def section_digest(texts: tuple[str, ...] | list[str]) -> str:
    return hashlib.sha256(json.dumps(list(texts), ensure_ascii=False).encode()).hexdigest()[:16]


def model_digest(texts: tuple[str, ...] | list[str], negatives: tuple[str, ...] | list[str] = ()) -> str:
    """A section as the regression sees it: its texts and its negatives (the same as section_digest without)."""
    return section_digest([*texts, *(f"not: {t}" for t in negatives)])


@dataclass(frozen=True)
class Calibration:
    """What `evals.sections --calibrate` measured."""

    embedder: str = ""
    thresholds: dict[str, float] = field(default_factory=dict)  # section key -> threshold
    sections: dict[str, str] = field(default_factory=dict)  # section key -> digest of its texts then
    reference: dict[str, tuple[float, float]] = field(default_factory=dict)  # text key -> (mean, std)
    version: str = "none"
    params: dict[str, float] = field(default_factory=dict)  # kb.atlas.labels.LabelParams fields
    info: dict[str, Any] = field(default_factory=dict)  # the split and figures, for people reading it
    model: dict[str, Any] | None = None  # kb.atlas.section_model.SectionModel.to_dict(), when fitted

    @property
    def default(self) -> float:
        return float(np.median(list(self.thresholds.values()))) if self.thresholds else DEFAULT_THRESHOLD

    def threshold(self, key: str, texts: tuple[str, ...]) -> float:
        """The section's calibrated threshold if it is written as when calibrated, else the median."""
        if key in self.thresholds and self.sections.get(key) == section_digest(texts):
            return float(self.thresholds[key])
        return self.default

    def section_model(self, texts: dict[str, tuple[str, ...]],
                      negatives: dict[str, tuple[str, ...]] | None = None) -> SectionModel | None:
        """The shipped regression when the framework's sections (key -> texts, in order; key -> negative
        texts) are those it was fitted on, else None (the thresholds decide)."""
        if not self.model:
            return None
        try:
            model = SectionModel.from_dict(self.model)
        except (KeyError, TypeError, ValueError):
            return None  # a model written by another version of this code: the thresholds decide
        neg = negatives or {}
        digests = {k: model_digest(v, neg.get(k, ())) for k, v in texts.items()}
        return model if model.applies(list(texts), digests) else None

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "embedder": self.embedder, "params": self.params, "thresholds": self.thresholds,
                "sections": self.sections, "reference": {k: list(v) for k, v in self.reference.items()},
                "info": self.info, "model": self.model}


def load_calibration(path: Path = CALIBRATION_PATH) -> Calibration:
    """The shipped calibration, or an empty one (every section at DEFAULT_THRESHOLD) when absent."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Calibration()
    return Calibration(
        embedder=str(data.get("embedder", "")),
        thresholds={k: float(v) for k, v in (data.get("thresholds") or {}).items()},
        sections={k: str(v) for k, v in (data.get("sections") or {}).items()},
        reference={k: (float(v[0]), float(v[1])) for k, v in (data.get("reference") or {}).items()},
        version=str(data.get("version", "none")),
        params={k: float(v) for k, v in (data.get("params") or {}).items()},
        info=dict(data.get("info") or {}),
        model=dict(data["model"]) if data.get("model") else None,
    )


def fit_thresholds(scores: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Per section, the threshold with the best F1 on these chunks (half-way to the next lower score).

    Args:
        scores: [n, sections] label scores; truth: [n, sections] bool, the hand labels.

    Returns:
        [sections] thresholds (above every score, i.e. "never", for a section without positives).
    """
    out = np.zeros(scores.shape[1], dtype=np.float64)
    for j in range(scores.shape[1]):
        values = np.unique(scores[:, j])
        best, best_t = -1.0, float(values.max()) + 1e-6 if len(values) else 1.0
        positives = truth[:, j].sum()
        for t in values[::-1]:
            pred = scores[:, j] >= t
            tp = float((pred & truth[:, j]).sum())
            f1 = 2 * tp / (pred.sum() + positives) if positives else 0.0
            if f1 > best:
                best, best_t = f1, float(t)
        lower = values[values < best_t]
        out[j] = (best_t + float(lower.max())) / 2 if len(lower) and positives else best_t
    return out
