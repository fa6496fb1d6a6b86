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
import pickle
import re
import sys
from collections.abc import Callable

import numpy as np

from evals.lab.fusion import LabConfig, fuse_arrays
from evals.lab.tune import CACHE_DIR
from evals.lab.xquad_lab import Lab
from evals.xquad import LANGS, _doc_id
from index.embedders.usem3 import USEm3Embedder

__all__ = ["fold_translations"]


def _vectors(lab: Lab, langs: list[str], lo: int, hi: int, model: str) -> dict[str, np.ndarray]:
    emb = lab.e5 if model == "e5" else lab.use
    return {lang: lab.cache.embed_passages(emb, lab.lang(lang, lo, hi).paragraphs) for lang in langs}


def _pairs(vecs: dict[str, np.ndarray], langs: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Every cross-language paragraph pair's cosine: parallel (the diagonals) and the rest."""
    parallel, other = [], []
    for i, a in enumerate(langs):
        for b in langs[i + 1:]:
            sims = vecs[a] @ vecs[b].T
            parallel.append(np.diag(sims))
            mask = ~np.eye(len(sims), dtype=bool)
            other.append(sims[mask])
    return np.concatenate(parallel), np.concatenate(other)


THRESHOLDS = {"e5": (0.45, 0.5, 0.55), "use": (0.65, 0.7, 0.75), "mean": (0.55, 0.6, 0.65)}


def calibrate(lab: Lab, langs: list[str], lo: int = 0, hi: int = 120) -> dict[str, dict[str, float]]:
    """Cosine of a paragraph with its translation vs with every other paragraph, per model.

    "recall@t": share of translation pairs at or above t; "false@t": share of non-translation pairs
    above t (what would be folded wrongly); "false per 1000 pairs" is the same per thousand.
    "mean" averages the e5 and USE cosines (languages both cover).
    """
    langs = [x for x in langs if lab.use.covers(x)]
    e5 = _pairs(_vectors(lab, langs, lo, hi, "e5"), langs)
    use = _pairs(_vectors(lab, langs, lo, hi, "use"), langs)
    both = {"e5": e5, "use": use, "mean": ((e5[0] + use[0]) / 2, (e5[1] + use[1]) / 2)}
    out = {}
    for model, (p, o) in both.items():
        row = {"parallel p5": float(np.percentile(p, 5)), "parallel median": float(np.median(p)),
               "other p99.9": float(np.percentile(o, 99.9)), "other max": float(o.max())}
        for t in THRESHOLDS[model]:
            row[f"recall@{t}"] = float((p >= t).mean())
            row[f"false per 1000 @{t}"] = float(1000 * (o >= t).mean())
        out[model] = {k: round(v, 4) for k, v in row.items()}
    return out


def fold_translations(
    ranked: list[int], same: Callable[[int, int], bool], lang: dict[int, str], reader: str | None, k: int,
    lookahead: int = 3,
) -> list[tuple[int, list[int]]]:
    """Groups of translations, best first: (the chunk shown, the others folded into it).

    A chunk that `same` calls a translation of a kept chunk in another language joins its group
    (one member per language); the shown chunk of a group is its version in the `reader`'s
    language when there is one, else its best-ranked. Only the first `lookahead` x k chunks are
    looked at, as for copies.
    """
    groups: list[list[int]] = []
    for cid in ranked[: lookahead * k]:
        home = next((g for g in groups if all(lang[m] != lang[cid] for m in g) and same(g[0], cid)), None)
        if home is not None:
            home.append(cid)
        elif len(groups) < k:
            groups.append([cid])
    out = []
    for g in groups:
        shown = next((m for m in g if reader and lang[m] == reader), g[0])
        out.append((shown, [m for m in g if m != shown]))
    return out


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_agree(a: str, b: str) -> bool | None:
    """Whether two texts cite the same numbers (Jaccard >= 0.5); None when they hold fewer than two.

    A translation keeps its numbers (years, counts, percentages); two documents about similar
    programmes in two languages (the starter corpus has several) usually do not.
    """
    na = {re.sub(r"[.,]", "", n) for n in _NUMBER.findall(a)}
    nb = {re.sub(r"[.,]", "", n) for n in _NUMBER.findall(b)}
    if len(na) + len(nb) < 2:
        return None
    return len(na & nb) / len(na | nb) >= 0.5


MEAN_THRESHOLD, SURE_THRESHOLD, E5_THRESHOLD = 0.55, 0.65, 0.5


def same_content(e5: dict[int, np.ndarray], use: dict[int, np.ndarray], lang: dict[int, str],
                 texts: dict[int, str] | None = None) -> Callable[[int, int], bool]:
    """Translation test, calibrated on XQuAD 0-119 (`calibrate`; the number check: docs/lab/encoder-and-ranking.md):
    the mean of the e5 and USE cosines >= 0.55 and the texts cite the same numbers, or, when they cite
    fewer than two, the mean >= 0.65; where USE does not cover a language, the e5 cosine >= 0.5 with
    the same number check. XQuAD ar/de/en: 88 % of translation pairs, no false pair in 85,000;
    starter corpus (no translations): no pair."""
    covered = USEm3Embedder.covers

    def same(a: int, b: int) -> bool:
        cos = float(e5[a] @ e5[b])
        both = covered(lang[a]) and covered(lang[b])
        score = (cos + float(use[a] @ use[b])) / 2 if both else cos
        low = MEAN_THRESHOLD if both else E5_THRESHOLD
        if score < low:
            return False
        agree = numbers_agree(texts[a], texts[b]) if texts is not None else True
        return bool(agree) if agree is not None else score >= (SURE_THRESHOLD if both else low + 0.1)

    return same


def fold(lab: Lab, langs: list[str], lo: int, hi: int, readers: list[str] | None = None) -> None:
    sets = []
    for q in readers or langs:
        path = CACHE_DIR / f"reader-{q}-{'+'.join(langs)}-{lo}-{hi}.pkl"
        if not path.exists():
            path.write_bytes(pickle.dumps(lab.query_set(q, langs, lo, hi, calibrated=True)))
        sets.append(pickle.loads(path.read_bytes()))
    e5v, usev = _vectors(lab, langs, lo, hi, "e5"), _vectors(lab, langs, lo, hi, "use")
    e5 = {_doc_id(x, lo + p): e5v[x][p] for x in langs for p in range(hi - lo)}
    use = {_doc_id(x, lo + p): usev[x][p] for x in langs for p in range(hi - lo)}
    lang = {i: LANGS[i // 10_000] for i in e5}
    texts = {_doc_id(x, lo + p): t for x in langs for p, t in enumerate(lab.lang(x, lo, hi).paragraphs)}
    same = same_content(e5, use, lang, texts)
    for qs in sets:
        reader = qs.name.split("-")[0]
        if readers and reader not in readers:
            continue
        for c in qs.cands:
            c.scale = float(lab.e5.same_language_scale(reader))  # type: ignore[attr-defined]
        base = LabConfig(use_e5_paragraphs=False)
        for cfg_name, cfg in (("today (scaled down)", base), ("no same-language scale", base.but(calibrate=False)),
                              ("today + USE z 0.4", base.but(alpha=0.4, form="z"))):
            ranked_all = [fuse_arrays(c, cfg).tolist() for c in qs.cands]
            for folding in (False, True):
                shown, any_version, precise, first = [], [], [], []
                for ranked, rel, own in zip(ranked_all, qs.relevant, qs.extra[f"top5_has_{reader}"], strict=True):
                    top = fold_translations(ranked, same, lang, reader, 5) if folding else [(i, []) for i in ranked[:5]]
                    shown.append(any(i in own for i, _ in top))
                    # the first version of the answer the reader meets is in their language
                    met = next((i for i, f in top if i in rel or any(m in rel for m in f)), None)
                    first.append(met is not None and met in own)
                    any_version.append(any(i in rel for i, f in top for i in (i, *f)))
                    precise += [m % 10_000 == i % 10_000 for i, f in top for m in f]
                print(json.dumps({"split": f"{lo}-{hi}", "pool": "+".join(langs), "reader": reader,
                                  "ranking": cfg_name, "folding": folding,
                                  f"top5 shows the {reader} version": round(float(np.mean(shown)), 4),
                                  "top5 has some version": round(float(np.mean(any_version)), 4),
                                  "first version met is the reader's": round(float(np.mean(first)), 4),
                                  "folds per query": round(len(precise) / len(shown), 2),
                                  "fold precision": round(float(np.mean(precise)), 4) if precise else None}),
                      flush=True)


if __name__ == "__main__":
    lab = Lab()
    pool = sys.argv[2].split(",") if len(sys.argv) > 2 else list(LANGS)
    if sys.argv[1] == "calibrate":
        print(json.dumps(calibrate(lab, pool), indent=1))
    else:
        readers = sys.argv[3].split(",") if len(sys.argv) > 3 else None
        for lo, hi in ((0, 120), (120, 240)):
            fold(lab, pool, lo, hi, readers)
