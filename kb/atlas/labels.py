"""Which framework sections a chunk speaks to: scores from its vector against each section's prototypes.

Pure array code (no catalog, no model). Each section is described by several texts (its title,
purpose, suggested searches and the prototypes written in the framework file, in several
languages), embedded as queries. For a chunk vector `v` and prototype vectors `P`:

1. *Which section, compared with the others*: a softmax over all prototypes' cosines (temperature
   T), summed per section. A chunk about referral gets most of its mass on `coordination`.
2. *How strongly, compared with other chunks*: each prototype's cosine as a z-score over the
   collection's chunks (mean and spread measured on data, see `PrototypeStats`), the best per
   section, centred on the chunk's mean over sections. This catches a second subject that the
   softmax hides (a practice write-up whose last paragraph gives the evaluation's figures).
3. The two are mixed, then smoothed within the document: a chunk leans towards its neighbours
   (the chunks just before and after it) and towards its document's average, because a passage cut
   from a referral protocol is more likely about referral than its own words alone suggest.

A chunk gets every section whose score reaches that section's threshold (zero, one or more), or,
when the shipped regression fits the framework (kb.atlas.section_model), whose probability reaches
its cut. Both are calibrated on hand-labelled data (`kb.atlas.calibration`), never set by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["LabelParams", "PrototypeStats", "Prototypes", "raw_scores", "negative_similarity", "smooth", "decide",
           "LABELLER_VERSION"]

LABELLER_VERSION = "1"  # part of the labels' digest: a change of method relabels every KB
BATCH = 8192  # chunks scored at once (bounds memory at 1M chunks)


@dataclass(frozen=True)
class LabelParams:
    """The labeller's few constants. The shipped values come from kb/atlas/data/calibration.json, chosen
    there by cross-validation within the calibration half of the gold set (see evals/sections.py)."""

    temperature: float = 0.05  # softmax temperature over prototype cosines
    mix: float = 0.25  # share of the "how strongly" part (2.) in the score
    z_offset: float = 1.5  # z-score (above the chunk's mean) at which that part is one half
    neighbour: float = 0.35  # pull towards the chunks just before and after
    document: float = 0.15  # pull towards the document's average


@dataclass(frozen=True)
class Prototypes:
    """Prototype vectors, the section each belongs to, and the section keys in framework order."""

    keys: tuple[str, ...]
    owner: np.ndarray  # [m] index into keys
    vectors: np.ndarray  # [m, dim] float32, L2-normalised


@dataclass(frozen=True)
class PrototypeStats:
    """Mean and spread of each prototype's cosine over a collection's chunks."""

    mean: np.ndarray  # [m]
    std: np.ndarray  # [m]

    @classmethod
    def measure(cls, vectors: np.ndarray, protos: Prototypes) -> PrototypeStats:
        """Measure on chunk vectors (in batches; the sums are all that is kept)."""
        m = len(protos.owner)
        total, squares, n = np.zeros(m), np.zeros(m), 0
        for start in range(0, len(vectors), BATCH):
            sims = vectors[start : start + BATCH] @ protos.vectors.T
            total += sims.sum(0)
            squares += (sims.astype(np.float64) ** 2).sum(0)
            n += len(sims)
        mean = total / max(n, 1)
        std = np.sqrt(np.maximum(squares / max(n, 1) - mean**2, 0.0))
        return cls(mean.astype(np.float32), np.maximum(std, 1e-3).astype(np.float32))


def raw_scores(vectors: np.ndarray, protos: Prototypes, stats: PrototypeStats, params: LabelParams) -> np.ndarray:
    """Per-chunk section scores before smoothing: [n, sections], each in 0..1.

    Args:
        vectors: chunk vectors [n, dim], L2-normalised (as the vector index holds them).
        protos: the prototypes; stats: their cosine's mean and spread over the collection.
    """
    k = len(protos.keys)
    onehot = np.eye(k, dtype=np.float32)[protos.owner]  # [m, k]
    out = np.zeros((len(vectors), k), dtype=np.float32)
    for start in range(0, len(vectors), BATCH):
        sims = vectors[start : start + BATCH].astype(np.float32) @ protos.vectors.T  # [b, m]
        e = np.exp((sims - sims.max(1, keepdims=True)) / params.temperature)
        which = (e @ onehot) / e.sum(1, keepdims=True)
        z = (sims - stats.mean) / stats.std
        best = np.full((len(sims), k), -np.inf, dtype=np.float32)
        for j in range(k):
            best[:, j] = z[:, protos.owner == j].max(1)
        centred = best - best.mean(1, keepdims=True)
        strength = 1.0 / (1.0 + np.exp(-(centred - params.z_offset)))
        out[start : start + len(sims)] = (1 - params.mix) * which + params.mix * strength
    return out


def negative_similarity(vectors: np.ndarray, negatives: Prototypes) -> np.ndarray:
    """[n, sections] each chunk's best cosine to the texts saying what does *not* count for a section (0 for a
    section without any): a feature of kb.atlas.section_model, so that a chunk close to a section's
    prototypes but closer still to its negatives (one programme serving a plan's objective) is told apart.

    Args:
        vectors: chunk vectors [n, dim], L2-normalised; negatives: the negative texts' vectors and owners.
    """
    k = len(negatives.keys)
    out = np.zeros((len(vectors), k), dtype=np.float32)
    if not len(negatives.owner):
        return out
    for start in range(0, len(vectors), BATCH):
        sims = vectors[start : start + BATCH].astype(np.float32) @ negatives.vectors.T
        for j in np.unique(negatives.owner):
            out[start : start + len(sims), j] = sims[:, negatives.owner == j].max(1)
    return out


def smooth(scores: np.ndarray, doc_ids: np.ndarray, ordinals: np.ndarray, params: LabelParams) -> np.ndarray:
    """Lean each chunk's scores towards its neighbours' and its document's.

    Args:
        scores: [n, sections] from raw_scores; doc_ids, ordinals: [n] each chunk's document and place.
            All chunks of a document must be present (neighbours and averages are within documents).

    Returns:
        The smoothed scores, same shape and order.
    """
    n = len(scores)
    if not n:
        return scores
    order = np.lexsort((ordinals, doc_ids))
    s, d, o = scores[order], doc_ids[order], ordinals[order]
    near = np.zeros_like(s)
    count = np.zeros((n, 1), dtype=np.float32)
    before = (d[1:] == d[:-1]) & (o[1:] - o[:-1] == 1)  # chunk i+1 follows chunk i in one document
    near[1:][before] += s[:-1][before]
    count[1:][before] += 1
    near[:-1][before] += s[1:][before]
    count[:-1][before] += 1
    leaned = np.where(count > 0, (1 - params.neighbour) * s + params.neighbour * near / np.maximum(count, 1), s)
    _, group, sizes = np.unique(d, return_inverse=True, return_counts=True)
    sums = np.zeros((len(sizes), s.shape[1]), dtype=np.float64)
    np.add.at(sums, group, s)
    mean = (sums / sizes[:, None])[group].astype(np.float32)
    out_sorted = (1 - params.document) * leaned + params.document * mean
    out = np.empty_like(out_sorted)
    out[order] = out_sorted
    return out


def decide(scores: np.ndarray, keys: tuple[str, ...], thresholds: np.ndarray) -> list[dict[str, float]]:
    """Each chunk's sections: those whose score reaches their threshold, with the score."""
    hit = scores >= thresholds[None, :]
    return [{keys[j]: round(float(scores[i, j]), 4) for j in np.flatnonzero(hit[i])} for i in range(len(scores))]
