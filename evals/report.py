"""`kb eval all` / `make eval`: the standard evaluation set, written as one report.

Runs XQuAD (the default language pairs plus the mixed 12-language pool), the domain set and the
topical set (short topic queries, `evals/topical.py`) on the starter corpus, then joins their
Markdown into `evals/reports/eval.md` (and `eval.json`).
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
    """Run every evaluation; print and write the combined report."""
    from evals import domain, topical, xquad

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
    }
    reports["topical"] = topical.run_topical(domain.default_home())  # the same home: nothing re-embedded
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
        ]
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "eval.md").write_text(combined, "utf-8")
    (args.out / "eval.json").write_text(json.dumps(reports, ensure_ascii=False, indent=1), "utf-8")
    sys.stdout.write(combined + "\n\nCombined report: " + str(args.out / "eval.md") + "\n")
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
