"""OCR on the scanned starter corpus: character error rate per language, flagged pages, pages per second.

    kb eval ocr [--json] [--calibrate]        # or: python -m evals.ocr

The scans come from `evals/scans.py` (built first when missing). Each scanned PDF is read exactly as
`kb add` reads it (pages drawn by pdftoppm at their scan resolution, script by OSD, one pack per
page, no language given), and every page's OCR text is compared with the born-digital text of the
same page (`evals.cer`). Targets: CER <= 3 % for Latin scripts, <= 8 % for Arabic. Speed is pages
per second with the default two pages side by side, on whatever else the machine is doing.

`--calibrate` runs `evals/ocr_calibration.py` instead: pages degraded harder than the standard scans,
and how a page's mean word confidence tracks its CER (the evidence for `ingest.ocr.LOW_CONFIDENCE`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.ocr_pages import page_rows, read_scan
from evals.scans import DEFAULT_OUT

__all__ = ["TARGETS", "DOMAIN_GAP", "run_ocr_eval", "compare_domain", "throughput", "to_markdown", "main"]

_REPO = Path(__file__).resolve().parents[1]
TARGETS = {"latin": 0.03, "arabic": 0.08}
DOMAIN_GAP = 0.03  # the domain evaluation over the scans stays within this of the originals (Recall@5, MRR@10)


def _script(language: str) -> str:
    return "arabic" if language == "ar" else "latin"


def _rate(rows: Sequence[dict[str, Any]], edits: str = "edits", chars: str = "chars") -> float | None:
    total = sum(r[chars] for r in rows)
    return round(sum(r[edits] for r in rows) / total, 4) if total else None


def run_ocr_eval(scans: Path = DEFAULT_OUT, workers: int = 2) -> dict[str, Any]:
    """OCR the scanned corpus and its Arabic scans; CER by language and script, flags, speed.

    Returns:
        {"engine", "pages", "seconds", "pages_per_second", "cer": {...}, "targets": {...},
        "language_picked", "low_confidence_pages", "rows": [per page]}.
    """
    from evals.scans import ensure_scans
    from ingest.ocr import LOW_CONFIDENCE, engine, pack_for_language

    ensure_scans(out=scans)
    truth = json.loads((scans / "truth.json").read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    for name, entry in truth.items():
        rows += page_rows(name, entry["language"], entry["pages"], read_scan(scans / name, workers))
    seconds = time.perf_counter() - started
    by_language: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_language[row["language"]].append(row)
    cer = {
        "latin": _rate([r for r in rows if _script(r["language"]) == "latin"]),
        "arabic": _rate(by_language.get("ar", [])),
        "arabic_no_diacritics": _rate(by_language.get("ar", []), "edits_no_diacritics", "chars_no_diacritics"),
        "by_language": {lang: _rate(group) for lang, group in sorted(by_language.items())},
    }
    found = engine()
    right = sum(1 for r in rows if r["pack"] and r["pack"] == pack_for_language(r["language"]))
    return {
        "engine": found.name if found else None,
        "workers": workers,
        "pages": len(rows),
        "seconds": round(seconds, 1),
        "pages_per_second": round(len(rows) / seconds, 2) if seconds else None,
        "cer": cer,
        "targets": {s: {"target": t, "met": cer[s] is not None and cer[s] <= t} for s, t in TARGETS.items()},
        "language_picked": {"right": right, "pages": len(rows)},
        "low_confidence": LOW_CONFIDENCE,
        "low_confidence_pages": [f"{r['file']} p. {r['page']}" for r in rows
                                 if r["confidence"] is not None and r["confidence"] < LOW_CONFIDENCE],
        "rows": rows,
    }


def throughput(files: int = 3, workers: Sequence[int] = (1, 2), rounds: int = 2, scans: Path = DEFAULT_OUT) -> dict[str, Any]:
    """OCR speed on the first `files` scanned PDFs of the corpus, for each number of pages side by side.

    The settings are measured in turn, round after round (1, 2, 1, 2, ...), so that a change in the
    machine's load touches all of them alike; CPU seconds are Tesseract's and pdftoppm's, per page.

    Returns:
        {"pages", "rounds", "load_avg_1m": [...], "by_workers": {n: {"pages_per_s", "cpu_s_per_page"}}}.
    """
    import os
    import resource

    from evals.scans import ensure_scans

    pdfs = sorted((ensure_scans(out=scans) / "corpus").glob("*.pdf"))[:files]
    walls: dict[int, float] = defaultdict(float)
    cpus: dict[int, float] = defaultdict(float)
    pages = 0
    loads = []
    for _ in range(rounds):
        for n in workers:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            pages_now = sum(len(read_scan(pdf, n).texts) for pdf in pdfs)
            walls[n] += time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[n] += (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            pages = pages_now
            loads.append(round(os.getloadavg()[0], 2))
    return {
        "files": [p.name for p in pdfs],
        "pages": pages,
        "rounds": rounds,
        "load_avg_1m": loads,
        "by_workers": {n: {"pages_per_s": round(pages * rounds / walls[n], 3),
                           "cpu_s_per_page": round(cpus[n] / (pages * rounds), 2)} for n in workers},
    }


def compare_domain(original: dict[str, Any], scanned: dict[str, Any]) -> dict[str, Any]:
    """Recall@5 and MRR@10 (fused) of the domain evaluation over the originals and over their scans.

    Returns:
        {metric: {"original", "scanned", "gap", "met"}}: met when the scans lose at most `DOMAIN_GAP`.
    """
    out = {}
    for metric in ("recall@5", "mrr@10", "recall@1", "page_accuracy"):
        a = original["systems"]["fused"]["overall"][metric]
        b = scanned["systems"]["fused"]["overall"][metric]
        gap = None if a is None or b is None else round(a - b, 4)
        out[metric] = {"original": a, "scanned": b, "gap": gap,
                       "met": None if metric not in ("recall@5", "mrr@10") else gap is not None and gap <= DOMAIN_GAP}
    return out


def compare_markdown(comparison: dict[str, Any]) -> str:
    """The comparison as a Markdown table."""
    fmt = lambda v: "–" if v is None else f"{v:.3f}"  # noqa: E731
    lines = ["| metric (fused) | originals | scans | loss | target |", "|---|---|---|---|---|"]
    for metric, c in comparison.items():
        target = "" if c["met"] is None else f"≤ {DOMAIN_GAP:.2f} {'✓' if c['met'] else '✗'}"
        lines.append(f"| {metric} | {fmt(c['original'])} | {fmt(c['scanned'])} | {fmt(c['gap'])} | {target} |")
    return "\n".join(lines)


def to_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown tables (CER, targets, speed; the calibration when present)."""
    cer = report["cer"]
    pct = lambda v: "—" if v is None else f"{100 * v:.2f} %"  # noqa: E731
    lines = [
        f"OCR: {report['engine']}, {report['pages']} scanned pages, {report['workers']} pages side by side.",
        "",
        "| script / language | CER | target |",
        "|---|---|---|",
        f"| Latin (all) | {pct(cer['latin'])} | ≤ {pct(TARGETS['latin'])} {'✓' if report['targets']['latin']['met'] else '✗'} |",
        f"| Arabic | {pct(cer['arabic'])} | ≤ {pct(TARGETS['arabic'])} {'✓' if report['targets']['arabic']['met'] else '✗'} |",
        f"| Arabic without diacritics | {pct(cer['arabic_no_diacritics'])} | |",
        *[f"| {lang} | {pct(v)} | |" for lang, v in cer["by_language"].items()],
        "",
        f"Pack of the page's language picked (no language given): {report['language_picked']['right']}/"
        f"{report['language_picked']['pages']} pages.",
        f"Speed: {report['pages_per_second']} pages/s ({report['seconds']} s; measured on a shared, busy machine).",
        f"Pages under the low-confidence flag ({report['low_confidence']:g}): "
        + (", ".join(report["low_confidence_pages"]) or "none") + ".",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="kb eval ocr", description=__doc__.splitlines()[0])
    p.add_argument("--scans", type=Path, default=DEFAULT_OUT, help="scanned corpus (built when missing)")
    p.add_argument("--workers", type=int, default=2, help="pages read side by side (default 2)")
    p.add_argument("--calibrate", action="store_true", help="measure confidence against CER on harder scans instead")
    p.add_argument("--out", type=Path, default=_REPO / "evals" / "reports", help="report folder")
    p.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = p.parse_args(argv)
    from ingest.ocr import engine

    if engine() is None:
        print("Tesseract is not installed: run `make ocr`.", file=sys.stderr)
        return 2
    if args.calibrate:
        from evals import ocr_calibration

        report = ocr_calibration.calibrate(args.scans, workers=args.workers,
                                           progress=lambda s: print(s, file=sys.stderr, flush=True))
        markdown, name = ocr_calibration.to_markdown(report), "ocr-calibration"
    else:
        report = run_ocr_eval(args.scans, args.workers)
        markdown, name = to_markdown(report), "ocr"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{name}.md").write_text(markdown, encoding="utf-8")
    (args.out / f"{name}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "rows"}, ensure_ascii=False, indent=1)
          if args.json else markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
