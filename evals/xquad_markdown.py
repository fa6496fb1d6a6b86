"""The XQuAD report as Markdown: one row per language pair and system, then the mixed pool's shares."""

from __future__ import annotations

from typing import Any

__all__ = ["to_markdown"]

# the systems a pair may report, in table order (the mixed pool adds "balanced" and "calibrated")
ROWS = ("lexical", "dense", "fused", "fused, no latent terms", "fused, no second encoder",
        "fused, second encoder + latent terms", "balanced", "calibrated")


def to_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown tables."""
    meta = report["meta"]
    lines = [
        "# XQuAD retrieval",
        "",
        f"Embedder `{meta['embedder']}`, paragraphs per language: {meta['limit'] or 240}, "
        f"lexical weight {meta['weight']}, second encoder {meta.get('second_encoder') or 'none'}, "
        f"{meta.get('seconds', '?')} s.",
        "",
        "| pair (query-doc) | queries | system | Recall@1 | Recall@5 | MRR@10 |",
        "|---|---:|---|---:|---:|---:|",
    ]
    rows = [(pair, r) for pair, r in report["pairs"].items()]
    if "mixed" in report:
        pool = "+".join(report["mixed"]["languages"]) if len(report["mixed"]["languages"]) < 12 else "all"
        rows += [(f"{q}-mixed({pool})", r) for q, r in report["mixed"].items() if q != "languages"]
    for name, r in rows:
        for system in ROWS:
            if system not in r:
                continue
            m = r[system]
            lines.append(
                f"| {name} | {r['queries']} | {system} | {m['recall@1']:.3f} | {m['recall@5']:.3f} "
                f"| {m['mrr@10']:.3f} |"
            )
    if "mixed" in report:
        lines += [
            "",
            "Mixed pool: share of questions whose top 5 holds the paragraph in a given language.",
            "",
        ]
        lines += [
            "| query lang | version | lexical | dense | fused | balanced | calibrated |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for q, r in report["mixed"].items():
            if q == "languages":
                continue
            for key, vals in r.items():
                if key.startswith("top5_has_"):
                    cells = " | ".join(
                        f"{vals[system]:.3f}" if system in vals else "–"
                        for system in ("lexical", "dense", "fused", "balanced", "calibrated")
                    )
                    lines.append(f"| {q} | {key.removeprefix('top5_has_').replace('_', ' ')} | {cells} |")
    return "\n".join(lines) + "\n"
