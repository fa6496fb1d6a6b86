"""`kb eval all` / `make eval`: the standard evaluation set, written as one report.

Runs XQuAD (the default language pairs plus the mixed 12-language pool) and the domain set on the
starter corpus, then joins their Markdown into `evals/reports/eval.md` (and `eval.json`).
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
    from evals import domain, xquad

    p = argparse.ArgumentParser(prog="kb eval all", description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=_REPO / "evals" / "reports", help="report folder")
    p.add_argument("--quick", action="store_true", help="XQuAD on the first 60 paragraphs only")
    args = p.parse_args(argv)
    quick = ["--limit", "60"] if args.quick else []
    out = ["--out", str(args.out)]
    parts = {}
    # the mixed pool overwrites xquad.md/json: keep the pairs' report first
    code = xquad.main([*out, *quick])
    parts["xquad_pairs"] = (args.out / "xquad.json").read_text("utf-8")
    md_pairs = (args.out / "xquad.md").read_text("utf-8")
    code |= xquad.main([*out, *quick, "--pairs", "", "--mixed", "all"])
    parts["xquad_mixed"] = (args.out / "xquad.json").read_text("utf-8")
    md_mixed = (args.out / "xquad.md").read_text("utf-8")
    code |= domain.main([*out, "--systems", "fused,dense,lexical"])
    parts["domain"] = (args.out / "domain.json").read_text("utf-8")
    md_domain = (args.out / "domain.md").read_text("utf-8")
    combined = "\n\n".join(
        [
            "# Evaluation report",
            "## XQuAD, language pairs",
            md_pairs,
            "## XQuAD, mixed pool",
            md_mixed,
            "## Domain set (starter corpus)",
            md_domain,
        ]
    )
    (args.out / "eval.md").write_text(combined, "utf-8")
    (args.out / "eval.json").write_text(
        json.dumps({k: json.loads(v) for k, v in parts.items()}, ensure_ascii=False, indent=1), "utf-8"
    )
    sys.stdout.write("\n\nCombined report: " + str(args.out / "eval.md") + "\n")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
