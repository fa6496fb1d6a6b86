"""`kb eval all` / `make eval`: the standard evaluation set, written as one report.

Runs XQuAD (the default language pairs plus the mixed 12-language pool), the domain set and the
topical set (short topic queries, `evals/topical.py`) on the starter corpus, its framework-section labels (evals/sections.py), the directory's figures (table rows to
candidates, name suggestion, how well directory search narrows the list), OCR on the scanned copy of its
PDFs (character error rate, speed) and the domain set again over those scans (compared with the
originals), then joins their Markdown into `evals/reports/eval.md` (and `eval.json`). Without
Tesseract the OCR parts are skipped and say so.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]

_REPO = Path(__file__).resolve().parents[1]


def main(argv: Sequence[str] | None = None) -> int:
    """Run both evaluations; print and write the combined report."""
    from evals import directory, directory_search, domain, ocr, sections, topical, xquad
    from ingest.ocr import engine

    p = argparse.ArgumentParser(prog="kb eval all", description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=_REPO / "evals" / "reports", help="report folder")
    p.add_argument("--quick", action="store_true", help="XQuAD on the first 60 paragraphs only")
    args = p.parse_args(argv)
    corpus = _REPO / "corpus" / "build"
    if not corpus.is_dir():
        print(f"No built corpus at {corpus}; run `make corpus` first.", file=sys.stderr)
        return 2
    limit = 60 if args.quick else None
    reports = {
        "xquad_pairs": xquad.run_xquad(limit=limit),
        "xquad_mixed": xquad.run_xquad(pairs=[], mixed=list(xquad.LANGS), limit=limit),
        "domain": domain.run_domain(domain.default_home(), systems=("fused", "dense", "lexical")),
        "sections": sections.run_sections(domain.default_home()),
        "directory": directory.run_directory(corpus, _REPO / "corpus" / "manifest.csv"),
        "directory_search": directory_search.run_search(),
    }
    reports["topical"] = topical.run_topical(domain.default_home())  # the same home: nothing re-embedded
    if engine() is not None:
        reports["ocr"] = ocr.run_ocr_eval()
        reports["domain_scanned"] = domain.run_domain(domain.default_home(scanned=True),
                                                      corpus_dir=domain.scanned_corpus(corpus))
        reports["domain_scanned_vs_original"] = ocr.compare_domain(reports["domain"], reports["domain_scanned"])
        scanned = [
            "## OCR (scanned copy of the starter corpus's PDFs)",
            ocr.to_markdown(reports["ocr"]),
            "## Domain set over the scanned corpus",
            ocr.compare_markdown(reports["domain_scanned_vs_original"]),
            domain.to_markdown(reports["domain_scanned"]),
        ]
    else:
        scanned = ["## OCR", "Skipped: Tesseract is not installed (`make ocr`)."]
    combined = "\n\n".join(
        [
            "# Evaluation report",
            "## XQuAD, language pairs",
            xquad.to_markdown(reports["xquad_pairs"]),
            "## XQuAD, mixed pool",
            xquad.to_markdown(reports["xquad_mixed"]),
            "## Domain set (starter corpus)",
            domain.to_markdown(reports["domain"]),
            "## Topical set (short topic queries, starter corpus)",
            topical.to_markdown(reports["topical"]),
            "## Framework sections of the starter corpus's chunks (hand-labelled, evals/sections/)",
            sections.to_markdown(reports["sections"]),
            "## Directory (starter corpus): table rows to candidates, name suggestion",
            directory.to_markdown(reports["directory"]),
            "## Directory search (does a query narrow the list to what it is about)",
            directory_search.to_markdown(reports["directory_search"]),
            *scanned,
        ]
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "eval.md").write_text(combined, "utf-8")
    (args.out / "eval.json").write_text(json.dumps(reports, ensure_ascii=False, indent=1), "utf-8")
    sys.stdout.write(combined + "\n\nCombined report: " + str(args.out / "eval.md") + "\n")
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
