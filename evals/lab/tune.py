"""LAB: grid over fusion recipes on XQuAD's tuning split; report chosen recipes on every split.

    python -m evals.lab.tune grid            # paragraphs 0-119: every recipe, as JSON lines
    python -m evals.lab.tune report NAME...  # named recipes (RECIPES) on 0-119, 120-239 and 0-239
"""

from __future__ import annotations

import itertools
import json
import pickle
import sys
from pathlib import Path

from evals.lab.fusion import LabConfig
from evals.lab.xquad_lab import Lab, QuerySet, score

PAIRS = ("en-en", "ar-en", "es-en", "zh-en", "en-ar")
EXTRA_PAIRS = ("hi-en", "th-en")  # coverage checks: hi is not covered (no USE score), th is
MIXED_QUERIES = ("ar", "en", "zh")
SPLITS = {"tune 0-119": (0, 120), "test 120-239": (120, 240), "all 0-239": (0, 240)}
CACHE_DIR = Path("/tmp/lab/qsets")

BASE = LabConfig(use_e5_paragraphs=False)  # XQuAD paragraphs are single paragraphs (as evals.xquad)
RECIPES: dict[str, LabConfig] = {
    "today": BASE,
    "use z 0.4": BASE.but(alpha=0.4, form="z"),
    "use z 0.4, no latent": BASE.but(alpha=0.4, form="z", latent_weight=0.0),
    "use z 0.4 + its candidates": BASE.but(alpha=0.4, form="z", use_candidates=True),
    "use minmax 0.4": BASE.but(alpha=0.4),
}


def query_sets(lab: Lab, lo: int, hi: int, pairs=PAIRS, mixed: bool = True) -> list[QuerySet]:
    """Every pair (and the 12-language mixed pool, calibrated as the KB does), cached on disk."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    out = []
    jobs = [(p.split("-")[0], [p.split("-")[1]], False) for p in pairs]
    if mixed:
        from evals.xquad import LANGS

        jobs += [(q, list(LANGS), True) for q in MIXED_QUERIES]
    for q, docs, calibrated in jobs:
        path = CACHE_DIR / f"{q}-{'+'.join(docs)}-{lo}-{hi}-{int(calibrated)}.pkl"
        if path.exists():
            qs = pickle.loads(path.read_bytes())
        else:
            qs = lab.query_set(q, docs, lo, hi, calibrated=calibrated)
            path.write_bytes(pickle.dumps(qs))
        if calibrated:  # sets pickled before the scale was recorded
            scale = float(lab.e5.same_language_scale(q))  # type: ignore[attr-defined]
            for c in qs.cands:
                c.scale = scale
        out.append(qs)
    return out


def grid(mixed: bool = False) -> None:
    lab = Lab()
    sets = query_sets(lab, 0, 120, mixed=mixed)
    base = {qs.name: score(qs, BASE) for qs in sets}
    print(json.dumps({"recipe": "today", **{k: _r(v) for k, v in base.items()}}), flush=True)
    for form, alpha, lw, cand in itertools.product(
        ("minmax", "z", "rrf"), (0.2, 0.3, 0.4, 0.5, 0.6), (0.3, 0.0), (False, True)
    ):
        cfg = BASE.but(form=form, alpha=alpha, latent_weight=lw, use_candidates=cand)
        res = {qs.name: score(qs, cfg) for qs in sets}
        print(json.dumps({"recipe": f"{form} a={alpha} lw={lw} cand={int(cand)}",
                          **{k: _r(v) for k, v in res.items()}}), flush=True)


def _r(d: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in d.items()}


def report(names: list[str], extra: bool = False) -> None:
    lab = Lab()
    for split, (lo, hi) in SPLITS.items():
        sets = query_sets(lab, lo, hi, PAIRS, mixed=False)
        if extra and lo == 0 and hi == 120:  # coverage checks on the tuning split only (cost)
            sets += query_sets(lab, lo, hi, EXTRA_PAIRS, mixed=False)
        for name in names:
            res = {qs.name: _r(score(qs, RECIPES[name])) for qs in sets}
            print(json.dumps({"split": split, "recipe": name, **res}), flush=True)

if __name__ == "__main__":
    if sys.argv[1] == "grid":
        grid(mixed="--mixed" in sys.argv)
    else:
        names = [a for a in sys.argv[2:] if not a.startswith("--")]
        report(names or list(RECIPES), extra="--extra" in sys.argv)
