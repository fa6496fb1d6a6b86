"""LAB: the reader's language - fold translations together and show the reader's version first.

Copies are folded today (word 5-grams, `kb.search.diversify`); translations share no 5-grams, so a
cross-lingual notion of "the same content" is needed. Candidate: two chunks in different languages
are translations when their vectors' cosine is at least a threshold calibrated on parallel text
(XQuAD paragraphs 0-119: every paragraph in 12 languages). Then, walking the ranking, a chunk that
translates a kept one is folded into it ("also in: English"), and where a group holds a version in
the reader's language that version is the one shown, in the group's place.

    python -m evals.lab.reader calibrate       # parallel vs non-parallel cosines, e5 and USE
    python -m evals.lab.reader fold            # XQuAD mixed pool: top5_has_<lang> with folding
"""

from __future__ import annotations

import json
import sys

import numpy as np

from evals.lab.fusion import LabConfig, fuse_arrays
from evals.lab.tune import query_sets
from evals.lab.xquad_lab import Lab
from evals.xquad import LANGS, _doc_id

__all__ = ["fold_translations"]


def _vectors(lab: Lab, langs: list[str], lo: int, hi: int, model: str) -> dict[str, np.ndarray]:
    emb = lab.e5 if model == "e5" else lab.use
    return {lang: lab.cache.embed_passages(emb, lab.lang(lang, lo, hi).paragraphs) for lang in langs}


def calibrate(lab: Lab, lo: int = 0, hi: int = 120) -> dict[str, dict[str, float]]:
    """Cosine of a paragraph with its translation vs with the closest other paragraph, per model."""
    out = {}
    for model in ("e5", "use"):
        langs = list(LANGS) if model == "e5" else [x for x in LANGS if lab.use.covers(x)]
        vecs = _vectors(lab, langs, lo, hi, model)
        parallel, other = [], []
        for i, a in enumerate(langs):
            for b in langs[i + 1:]:
                sims = vecs[a] @ vecs[b].T
                parallel.append(np.diag(sims))
                off = sims.copy()
                np.fill_diagonal(off, -1)
                other.append(off.max(axis=1))
        p, o = np.concatenate(parallel), np.concatenate(other)
        row = {"parallel p1": float(np.percentile(p, 1)), "parallel p5": float(np.percentile(p, 5)),
               "parallel median": float(np.median(p)), "other max": float(o.max()),
               "other p99": float(np.percentile(o, 99)), "other p99.9": float(np.percentile(o, 99.9))}
        for t in (0.75, 0.8, 0.85, 0.9):
            row[f"recall@{t}"] = float((p >= t).mean())
            row[f"false@{t}"] = float((o >= t).mean())
        out[model] = {k: round(v, 4) for k, v in row.items()}
    return out


def fold_translations(
    ranked: list[int], vec: dict[int, np.ndarray], lang: dict[int, str], reader: str | None,
    threshold: float, k: int, lookahead: int = 3,
) -> list[tuple[int, list[int]]]:
    """Groups of translations, best first: (the chunk shown, the others folded into it).

    A chunk whose cosine with a kept chunk of another language reaches `threshold` joins it; the
    shown chunk of a group is its version in the `reader`'s language when there is one, else its best.
    Only the first `lookahead` x k chunks are looked at, as for copies.
    """
    groups: list[list[int]] = []
    for cid in ranked[: lookahead * k]:
        home = next((g for g in groups if lang[g[0]] != lang[cid] and all(lang[m] != lang[cid] for m in g)
                     and float(vec[g[0]] @ vec[cid]) >= threshold), None)
        if home is not None:
            home.append(cid)
        elif len(groups) < k:
            groups.append([cid])
    out = []
    for g in groups:
        shown = next((m for m in g if reader and lang[m] == reader), g[0])
        out.append((shown, [m for m in g if m != shown]))
    return out


def fold(lab: Lab, lo: int, hi: int, thresholds: tuple[float, ...], model: str = "e5") -> None:
    sets = [qs for qs in query_sets(lab, lo, hi, pairs=()) if qs.name.endswith("mixed")]
    vecs = _vectors(lab, list(LANGS), lo, hi, model)
    vec = {_doc_id(x, lo + p): vecs[x][p] for x in LANGS for p in range(hi - lo)}
    lang = {i: LANGS[i // 10_000] for i in vec}
    for qs in sets:
        reader = qs.name.split("-")[0]
        for cfg_name, cfg in (("today (scaled down)", LabConfig(use_e5_paragraphs=False)),
                              ("no same-language scale", LabConfig(use_e5_paragraphs=False, calibrate=False))):
            ranked_all = [fuse_arrays(c, cfg).tolist() for c in qs.cands]
            for t in (None, *thresholds):
                shown, any_version, precise, folds = [], [], [], 0
                for ranked, rel, para in zip(ranked_all, qs.relevant, qs.extra[f"top5_has_{reader}"], strict=True):
                    if t is None:
                        top = [(i, []) for i in ranked[:5]]
                    else:
                        top = fold_translations(ranked, vec, lang, reader, t, 5)
                    shown.append(any(i in para for i, _ in top))
                    any_version.append(any(i in rel or any(m in rel for m in f) for i, f in top))
                    for i, f in top:
                        for m in f:
                            folds += 1
                            precise.append(m % 10_000 == i % 10_000)
                print(json.dumps({"split": f"{lo}-{hi}", "reader": reader, "ranking": cfg_name, "model": model,
                                  "threshold": t, f"top5 shows the {reader} version": round(float(np.mean(shown)), 4),
                                  "top5 has some version": round(float(np.mean(any_version)), 4),
                                  "folds per query": round(folds / len(shown), 2),
                                  "fold precision": round(float(np.mean(precise)), 4) if precise else None}),
                      flush=True)


if __name__ == "__main__":
    lab = Lab()
    if sys.argv[1] == "calibrate":
        print(json.dumps(calibrate(lab), indent=1))
    else:
        for lo, hi in ((0, 120), (120, 240)):
            fold(lab, lo, hi, (0.8, 0.85, 0.9))
