"""Scoring the domain set: document-level Recall@1/@5, MRR@10 and page accuracy, and the targets."""

from __future__ import annotations

from typing import Any

from evals.metrics import mrr_at_k, recall_at_k

__all__ = ["K", "MAX_CROSS_GAP", "TARGETS", "breakdown", "check_targets"]

K = 10  # documents scored per query


def _score(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Document-level metrics of some per-query rows; page accuracy over those with a gold page."""
    rankings = [r["ranked"] for r in rows]
    relevant = [set(r["relevant"]) for r in rows]
    paged = [r for r in rows if r["gold_page"] is not None]
    return {
        "n": len(rows),
        "recall@1": recall_at_k(rankings, relevant, 1),
        "recall@5": recall_at_k(rankings, relevant, 5),
        "mrr@10": mrr_at_k(rankings, relevant, K),
        "page_n": len(paged),
        "page_accuracy": (sum(r["cited_page"] == r["gold_page"] for r in paged) / len(paged))
        if paged
        else None,
    }


# The quality bar for the fused system (issue 5), checked in every report.
TARGETS = {"recall@5": 0.95, "mrr@10": 0.85, "page_accuracy": 0.90}
MAX_CROSS_GAP = 0.05  # cross-lingual may trail same-language by at most this, on each metric above


def check_targets(system: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with the measured value and whether it is met (gaps on Recall@5 and MRR@10)."""
    out = [
        {"target": f"{metric} >= {bar:.2f}", "value": system["overall"][metric],
         "met": system["overall"][metric] is not None and system["overall"][metric] >= bar}
        for metric, bar in TARGETS.items()
    ]
    kinds = system["by_kind"]
    if "cross" in kinds and "same" in kinds:
        for metric in ("recall@5", "mrr@10"):
            gap = kinds["same"][metric] - kinds["cross"][metric]
            out.append({"target": f"same - cross {metric} <= {MAX_CROSS_GAP:.2f}", "value": gap,
                        "met": gap <= MAX_CROSS_GAP})
    return out


def breakdown(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Scores overall, per query language and cross- vs same-language: where a change helps or hurts."""
    langs = sorted({r["lang"] for r in rows})
    return {
        "overall": _score(rows),
        "by_lang": {lang: _score([r for r in rows if r["lang"] == lang]) for lang in langs},
        "by_kind": {
            kind: _score([r for r in rows if r["kind"] == kind])
            for kind in ("cross", "same")
            if any(r["kind"] == kind for r in rows)
        },
    }
