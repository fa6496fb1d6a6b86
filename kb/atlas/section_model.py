"""A small per-section logistic regression on top of the prototype scores (numpy only).

One shared rule ("score >= the section's threshold") mislabels what the prototypes cannot tell apart
by topic alone: the *results* of a youth programme read like the programme (engagement) while the
gold calls them monitoring; one programme serving a plan's objective reads like the plan. Each
section's decision therefore also looks at cheap features of the chunk. Features per section, all
from what labelling already has (no model pass over the chunk):

- the section's smoothed score (kb.atlas.labels.smooth of raw_scores),
- the chunk's digit share (figures, years, percentages, budgets),
- its smoothed similarity to the section's negatives (kb.atlas.labels.negative_similarity: texts in
  the framework file saying what does not count for the section; 0, and so no weight, for a section
  without negatives).

(Tried and not kept, under cross-validation: the other sections' scores; the chunk's heading path
matched against each section's words; the score relative to the chunk's other sections or to the
document's mean; see evals/sections/README.md.)

Weights are fitted by `python -m evals.sections --calibrate` on the calibration half of the gold set
only, and shipped in kb/atlas/data/calibration.json with the digest of every section's texts: a
framework file whose sections changed falls back to the per-section thresholds
(kb.atlas.calibration), so `kb relabel` keeps working with any framework.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["SectionModel", "FEATURES", "digit_share", "fit_logistic", "features"]

FEATURES = ("score of the section", "digit share", "similarity to the section's negatives")  # `features`, in order


def digit_share(texts: Sequence[str]) -> np.ndarray:
    """[n] share of each text's words that contain a digit (any script's digits)."""
    out = np.zeros(len(texts), dtype=np.float32)
    for i, text in enumerate(texts):
        words = text.split()
        if words:
            out[i] = sum(1 for w in words if any(c.isdigit() for c in w)) / len(words)
    return out


def features(scores: np.ndarray, digits: np.ndarray, j: int, negatives: np.ndarray | None = None) -> np.ndarray:
    """[n, 3] section j's features: its score, the digit share, the similarity to its negatives (0 when None)."""
    neg = negatives[:, j] if negatives is not None else np.zeros(len(scores))
    return np.stack([scores[:, j], digits, neg], axis=1).astype(np.float64)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float, iterations: int = 50) -> np.ndarray:
    """L2-regularised logistic regression by Newton's method (the intercept is not penalised).

    Args:
        x: [n, f] standardised features; y: [n] 0/1 targets; l2: the penalty on the weights.

    Returns:
        [f + 1] weights, the intercept last.
    """
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    penalty = np.eye(xb.shape[1]) * l2
    penalty[-1, -1] = 1e-6
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (p - y) + penalty @ w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


@dataclass(frozen=True)
class SectionModel:
    """Per-section weights over standardised features, and the probability a label needs."""

    keys: tuple[str, ...]
    sections: dict[str, str]  # section key -> digest of its texts when fitted (kb.atlas.calibration)
    mean: np.ndarray  # [sections, features]
    std: np.ndarray  # [sections, features]
    weights: np.ndarray  # [sections, features + 1]
    cut: float  # a section is given when its probability reaches this
    l2: float

    @classmethod
    def fit(cls, scores: np.ndarray, digits: np.ndarray, truth: np.ndarray, keys: Sequence[str],
            sections: dict[str, str], *, l2: float, cut: float, negatives: np.ndarray | None = None) -> SectionModel:
        """Fit one regression per section on these chunks (scores [n, k], digits [n], truth [n, k] bool,
        negatives [n, k] or None)."""
        means, stds, weights = [], [], []
        for j in range(len(keys)):
            x = features(scores, digits, j, negatives)
            mu, sd = x.mean(0), x.std(0)
            sd = np.where(sd < 1e-6, 1.0, sd)  # a constant feature (a section without negatives) gets no weight
            means.append(mu)
            stds.append(sd)
            weights.append(fit_logistic((x - mu) / sd, truth[:, j].astype(np.float64), l2))
        return cls(tuple(keys), dict(sections), np.array(means), np.array(stds), np.array(weights), float(cut), float(l2))

    def applies(self, keys: Sequence[str], sections: dict[str, str]) -> bool:
        """True when the framework's sections are exactly those the model was fitted on, written the same."""
        return (tuple(keys) == self.keys and all(sections.get(k) == self.sections.get(k) for k in self.keys)
                and self.weights.shape == (len(self.keys), len(FEATURES) + 1))

    def probabilities(self, scores: np.ndarray, digits: np.ndarray, negatives: np.ndarray | None = None) -> np.ndarray:
        """[n, sections] each section's probability for each chunk (negatives as in `fit`)."""
        out = np.zeros(scores.shape, dtype=np.float32)
        for j in range(len(self.keys)):
            x = (features(scores, digits, j, negatives) - self.mean[j]) / self.std[j]
            z = x @ self.weights[j, :-1] + self.weights[j, -1]
            out[:, j] = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"keys": list(self.keys), "sections": self.sections, "cut": self.cut, "l2": self.l2,
                "features": list(FEATURES),
                "mean": np.round(self.mean, 6).tolist(), "std": np.round(self.std, 6).tolist(),
                "weights": np.round(self.weights, 6).tolist()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SectionModel:
        """Raises KeyError or ValueError when `data` is not a model's to_dict()."""
        return cls(tuple(data["keys"]), {k: str(v) for k, v in data["sections"].items()},
                   np.asarray(data["mean"], dtype=np.float64), np.asarray(data["std"], dtype=np.float64),
                   np.asarray(data["weights"], dtype=np.float64), float(data["cut"]), float(data.get("l2", 1.0)))
