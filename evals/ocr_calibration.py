"""How a page's mean word confidence tracks its character error rate: the evidence for the flag.

    kb eval ocr --calibrate        # or: python -m evals.ocr --calibrate

The first pages of every scanned document (evals/scans.py) are scanned again at five levels, from
the standard scans to far worse ones (more blur, heavy speckles, 100-110 dpi), read as `kb add` reads
them, and compared with their born-digital text. A page is bad when more than `BAD_PAGE_CER` of its
characters are wrong; for each candidate threshold the report counts the bad pages it flags and the
good pages it flags too, for Latin and Arabic script apart (Tesseract is less sure of Arabic).
`ingest.ocr.LOW_CONFIDENCE` is chosen from this table.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.ocr_pages import page_rows, read_images
from evals.scans import DEFAULT_OUT, degrade, ensure_scans, render_pages, text_pages

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["BAD_PAGE_CER", "LEVELS", "calibrate", "to_markdown"]

_REPO = Path(__file__).resolve().parents[1]
BAD_PAGE_CER = 0.10  # a page with more than one character in ten wrong is worth a person's check
LEVELS: dict[str, dict[str, Any]] = {
    "standard": {"dpi": 200},
    "blurred": {"dpi": 200, "blur": 1.3},
    "noisy": {"dpi": 200, "noise": 45.0, "speckles": 0.004},
    "low-res": {"dpi": 110, "blur": 0.8},
    "poor": {"dpi": 100, "blur": 1.2, "noise": 35.0, "speckles": 0.003},
}


def calibrate(scans: Path = DEFAULT_OUT, pages_per_file: int = 2, workers: int = 2,
              progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Confidence against CER on pages degraded at every level of `LEVELS`.

    Args:
        scans: where truth.json is (built when missing).
        pages_per_file: the first pages of each document that are measured.

    Returns:
        {"rows": [{level, file, page, language, confidence, cer}], "pages", "unread", and for "latin",
        "arabic" and "all": {"bins": confidence bins with their mean CER and share of bad pages,
        "thresholds": for each candidate, the bad pages it flags and the good pages it flags too}}.
    """
    ensure_scans(out=scans)
    truth = json.loads((scans / "truth.json").read_text(encoding="utf-8"))
    arabic = {name: entry for name, entry in truth.items() if name.startswith("arabic/")}
    rows: list[dict[str, Any]] = []
    for level, how in LEVELS.items():
        dpi = how["dpi"]
        knobs = {k: v for k, v in how.items() if k != "dpi"}
        for name, entry in truth.items():
            if name.startswith("arabic/"):
                continue
            clean = render_pages(_REPO / "corpus" / "build" / Path(name).name, dpi)[:pages_per_file]
            rows += _calibration_rows(level, name, entry, clean, dpi, knobs, workers)
        for name, entry in arabic.items():  # set again at this resolution: its lines and pages as set now
            clean, lines = text_pages(_paragraphs(name), dpi=dpi)
            rows += _calibration_rows(level, name, {**entry, "pages": lines}, clean[:pages_per_file], dpi, knobs,
                                      workers)
        if progress:
            progress(f"{level}: {sum(1 for r in rows if r['level'] == level)} pages")
    return {"rows": rows, **_summarise(rows)}


def _calibration_rows(level: str, name: str, entry: dict[str, Any], clean: list[Image], dpi: int,
                      knobs: dict[str, Any], workers: int) -> list[dict[str, Any]]:
    images = [(degrade(page, level, name, n, **knobs), dpi) for n, page in enumerate(clean, start=1)]
    run = read_images(images, workers)
    rows = page_rows(name, entry["language"], entry["pages"][: len(clean)], run)
    return [{"level": level, **{k: r[k] for k in ("file", "page", "language", "confidence", "cer")}} for r in rows]


def _summarise(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"pages": len(rows), "unread": sum(r["confidence"] is None for r in rows)}
    for script, group in (("all", rows), ("latin", [r for r in rows if r["language"] != "ar"]),
                          ("arabic", [r for r in rows if r["language"] == "ar"])):
        out[script] = _tables(group)
    return out


def _tables(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Confidence bins with their mean CER, and what each candidate threshold flags."""
    measured = [r for r in rows if r["confidence"] is not None]
    bins = []
    for low in range(0, 100, 10):
        group = [r for r in measured if low <= r["confidence"] < low + 10]
        if group:
            bins.append({"confidence": f"{low}-{low + 10}", "pages": len(group),
                         "mean_cer": round(sum(r["cer"] for r in group) / len(group), 4),
                         "bad_share": round(sum(r["cer"] > BAD_PAGE_CER for r in group) / len(group), 2)})
    bad = [r for r in measured if r["cer"] > BAD_PAGE_CER]
    good = [r for r in measured if r["cer"] <= BAD_PAGE_CER]
    thresholds = []
    for t in range(60, 96, 2):
        thresholds.append({"threshold": t,
                           "bad_flagged": f"{sum(r['confidence'] < t for r in bad)}/{len(bad)}",
                           "good_flagged": f"{sum(r['confidence'] < t for r in good)}/{len(good)}"})
    return {"pages": len(rows), "bins": bins, "thresholds": thresholds}


def _paragraphs(name: str) -> list[str]:
    """The paragraphs an Arabic scan was set from (evals.scans sets the corpus's Arabic documents)."""
    from evals.scans import arabic_documents

    return dict(arabic_documents(_REPO / "corpus" / "build"))[Path(name).name]


def to_markdown(report: dict[str, Any]) -> str:
    """The calibration as Markdown: per script, confidence bins and what each threshold flags."""
    pct = lambda v: f"{100 * v:.2f} %"  # noqa: E731
    lines = [f"OCR calibration: {report['pages']} pages at {len(LEVELS)} levels ({', '.join(LEVELS)}), "
             f"{report['unread']} with no text read; a bad page has CER > {100 * BAD_PAGE_CER:g} %."]
    for script in ("latin", "arabic", "all"):
        t = report[script]
        lines += ["", f"### {script} ({t['pages']} pages)", "", "| mean confidence | pages | mean CER | bad pages |",
                  "|---|---|---|---|"]
        lines += [f"| {b['confidence']} | {b['pages']} | {pct(b['mean_cer'])} | {100 * b['bad_share']:.0f} % |"
                  for b in t["bins"]]
        lines += ["", "| flag under | bad pages flagged | good pages flagged |", "|---|---|---|"]
        lines += [f"| {x['threshold']} | {x['bad_flagged']} | {x['good_flagged']} |" for x in t["thresholds"]]
    return "\n".join(lines)


