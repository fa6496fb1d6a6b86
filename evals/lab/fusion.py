"""LAB: the product's hybrid ranking re-done over arrays, plus the second encoder, for tuning.

`fuse_arrays(c, cfg)` with `LabConfig()` (the defaults) reproduces `index.hybrid_search` exactly
(checked by tests/evals/test_lab_fusion.py on real XQuAD queries), so every variant below is measured
against the product's own ranking. It is the shape issue 18 asks of the refactor too: candidates and
one score array per signal in, a ranking out, no callbacks.

    dense  = e5 + pw * (best e5 paragraph, else e5)       # index.passages
    dense *= same_language_scale for chunks in the query's language (when known)
    dense += lw * latent cosine                           # index.latent
    second = use + upw * (best USE paragraph, else use)   # USE multilingual v3, NaN where not covered
    D      = blend(minmax(dense), second, form, alpha)    # a missing second score: e5's own stands in
    final  = D + weight * matched_share * gate * (coverage - p90 background)   # index.fusion

A chunk or query in a language the second encoder does not cover has NO second score: its blended
value is its e5 value (the weights renormalised to e5 alone), never a guess from a meaningless vector.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from index.fusion import BACKGROUND_PERCENTILE, LEXICAL_WEIGHT
from index.signals.latent import LATENT_WEIGHT
from index.signals.passages import PASSAGE_WEIGHT

__all__ = ["Candidates", "LabConfig", "fuse_arrays", "fuse_scores", "minmax"]


@dataclass
class Candidates:
    """One query's candidates and every signal's score for each of them (aligned arrays).

    ids: int64 chunk ids, sorted. e5: exact e5 inner products. lexical: BM25 (0 = no match).
    latent: latent-term cosine (0 when unknown). e5_para / use_para: best paragraph score, NaN for a
    one-paragraph chunk. use: USE cosine, NaN where the chunk's language is not covered. gate: the
    lexical script/language gate (see index.fusion.fuse). same: chunk is in the query's language.
    in_e5 / in_lex / in_use: which side's top list brought the candidate.
    """

    ids: np.ndarray
    e5: np.ndarray
    lexical: np.ndarray
    latent: np.ndarray
    e5_para: np.ndarray
    use: np.ndarray
    use_para: np.ndarray
    gate: np.ndarray
    same: np.ndarray
    in_e5: np.ndarray
    in_lex: np.ndarray
    in_use: np.ndarray
    ideal: float
    share: float
    query_covered: bool = True
    scale: float = 1.0  # the embedder's same-language scale for the query's language (1.0: none)
    e5_parmean: np.ndarray | None = None  # score of the mean of the chunk's paragraph vectors (NaN: one paragraph)


@dataclass(frozen=True)
class LabConfig:
    """A ranking recipe. The defaults are today's product (no second encoder)."""

    lexical_weight: float = LEXICAL_WEIGHT
    latent_weight: float = LATENT_WEIGHT
    passage_weight: float = PASSAGE_WEIGHT
    use_e5_paragraphs: bool = True
    calibrate: bool = True  # apply the candidates' same-language scale (as the product does)
    alpha: float = 0.0  # share of the second encoder in the dense blend
    use_paragraph_weight: float = 0.0
    form: str = "minmax"  # "minmax" | "z" | "rrf"
    use_candidates: bool = False  # does the second encoder bring its own top list?
    use_cross_only: bool = False  # chunks in the query's (detected) language keep e5 alone
    chunk_from_paragraphs: bool = False  # a multi-paragraph chunk's vector = mean of its paragraphs' (no chunk pass)

    def but(self, **changes: object) -> LabConfig:
        return replace(self, **changes)  # type: ignore[arg-type]


def minmax(x: np.ndarray) -> np.ndarray:
    """Min-max over the finite values (NaN stays NaN); all equal -> ones, as index.fusion does."""
    ok = np.isfinite(x)
    if not ok.any():
        return np.full(len(x), np.nan)
    lo, hi = x[ok].min(), x[ok].max()
    return (x - lo) / (hi - lo) if hi > lo else np.where(ok, 1.0, np.nan)


def _z(x: np.ndarray) -> np.ndarray:
    ok = np.isfinite(x)
    if ok.sum() < 2:
        return np.where(ok, 0.0, np.nan)
    sd = x[ok].std()
    return (x - x[ok].mean()) / sd if sd > 0 else np.where(ok, 0.0, np.nan)


def _ranks(x: np.ndarray) -> np.ndarray:
    """1-based rank by descending score; NaN for missing."""
    out = np.full(len(x), np.nan)
    ok = np.flatnonzero(np.isfinite(x))
    out[ok[np.argsort(-x[ok], kind="stable")]] = np.arange(1, len(ok) + 1)
    return out


def fuse_arrays(c: Candidates, cfg: LabConfig) -> np.ndarray:
    """Candidate ids, best first, under `cfg`."""
    return fuse_scores(c, cfg)[0]


def fuse_scores(c: Candidates, cfg: LabConfig) -> tuple[np.ndarray, np.ndarray]:
    """(candidate ids, final scores), best first, under `cfg`."""
    keep = c.in_e5 | c.in_lex | (c.in_use if cfg.use_candidates else np.zeros(len(c.ids), bool))
    ids = c.ids[keep]
    if not len(ids):
        return ids, np.zeros(0)
    e5 = c.e5[keep].astype(np.float32)
    if cfg.chunk_from_paragraphs and c.e5_parmean is not None:
        pm = c.e5_parmean[keep]
        e5 = np.where(np.isnan(pm), e5, pm).astype(np.float32)
    dense = e5
    if cfg.use_e5_paragraphs and cfg.passage_weight:
        para = c.e5_para[keep]
        dense = (dense + np.float32(cfg.passage_weight) * np.where(np.isnan(para), dense, para)).astype(np.float32)
    if cfg.calibrate and c.scale != 1.0:
        dense = np.where(c.same[keep], dense * np.float32(c.scale), dense).astype(np.float32)
    if cfg.latent_weight:
        dense = (dense + np.float32(cfg.latent_weight) * c.latent[keep]).astype(np.float32)
    dense64 = dense.astype(float)
    dn = minmax(dense64)
    if cfg.alpha > 0 and c.query_covered:
        use = c.use[keep].astype(float)
        if cfg.use_paragraph_weight:
            up = c.use_para[keep]
            use = use + cfg.use_paragraph_weight * np.where(np.isnan(up), use, up)
        if cfg.use_cross_only:
            use = np.where(c.same[keep], np.nan, use)
        if cfg.form == "minmax":
            un = minmax(use)
            un = np.where(np.isnan(un), dn, un)
            d = (1 - cfg.alpha) * dn + cfg.alpha * un
        elif cfg.form == "z":
            ze, zu = _z(dense64), _z(use)
            zu = np.where(np.isnan(zu), ze, zu)
            d = minmax((1 - cfg.alpha) * ze + cfg.alpha * zu)
        elif cfg.form == "rrf":
            re, ru = _ranks(dense64), _ranks(use)
            ru = np.where(np.isnan(ru), re, ru)
            d = minmax((1 - cfg.alpha) / (60 + re) + cfg.alpha / (60 + ru))
        else:
            raise ValueError(f"unknown form {cfg.form!r}")
    else:
        d = dn
    lex = c.lexical[keep].astype(float)
    coverage = np.clip(lex / c.ideal, 0.0, 1.0) if c.ideal > 0 else np.zeros(len(ids))
    gate = c.gate[keep].astype(float) if coverage.any() else np.ones(len(ids))
    same = gate > 0
    if same.sum() > 1:
        background = float(np.percentile(coverage[same], BACKGROUND_PERCENTILE))
        coverage = np.clip(coverage - background, 0.0, 1.0)
    final = d + cfg.lexical_weight * c.share * gate * coverage
    order = np.lexsort((ids, -final))
    return ids[order], final[order]
