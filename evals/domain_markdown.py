"""The domain report as Markdown: a table per system with its targets, then the failed queries."""

from __future__ import annotations

from typing import Any

__all__ = ["to_markdown"]


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def _fmt_target(x: float | None) -> str:
    """Four decimals: a gap of 0.0499 must not read as "0.050 <= 0.05 met"."""
    return "–" if x is None else f"{x:.4f}"


def _table_row(label: str, s: dict[str, Any]) -> str:
    page = f"{_fmt(s['page_accuracy'])} ({s['page_n']})" if s["page_n"] else "–"
    return f"| {label} | {s['n']} | {_fmt(s['recall@1'])} | {_fmt(s['recall@5'])} | {_fmt(s['mrr@10'])} | {page} |"


def to_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: one table per system, then the failed queries of the first system."""
    c = report["corpus"]
    lines = [
        "# Domain evaluation",
        "",
        f"Embedder `{report['embedder']}`; {c['documents']} documents ({', '.join(f'{v} {k}' for k, v in c['summary'].items())}"
        f" in {c['seconds']} s); {report['queries']} queries. Document-level scores; page accuracy over "
        "queries with a gold page.",
        "",
    ]
    if (c.get("ocr") or {}).get("pages"):
        o = c["ocr"]
        lines[-1:-1] = [f"{o['documents']} documents ({o['pages']} pages) read by OCR, mean confidence "
                        f"{o['mean_confidence']} %.", ""]
    for system, s in report["systems"].items():
        lines += [
            f"## {system} ({s['ms_per_query']} ms/query)",
            "",
            "| slice | n | Recall@1 | Recall@5 | MRR@10 | page acc. (n) |",
            "|---|---|---|---|---|---|",
            _table_row("**all**", s["overall"]),
        ]
        lines += [
            _table_row("cross-lingual" if k == "cross" else "same language", v)
            for k, v in s["by_kind"].items()
        ]
        lines += [_table_row(f"query lang `{lang}`", v) for lang, v in s["by_lang"].items()]
        lines.append("")
        if system == "fused" and s.get("targets"):
            lines += ["Targets: " + "; ".join(
                f"{t['target']}: {_fmt_target(t['value'])} {'met' if t['met'] else 'MISSED'}" for t in s["targets"]
            ), ""]
    if c["failed"]:
        lines += (
            ["## Corpus files that failed to ingest", ""]
            + [f"- {f['path']}: {f['reason']}" for f in c["failed"]]
            + [""]
        )
    first = next(iter(report["results"]), None)
    if first:
        failed = [
            r
            for r in report["results"][first]
            if r["rank"] != 1 or (r["gold_page"] is not None and r["cited_page"] != r["gold_page"])
        ]
        failed.sort(key=lambda r: (r["rank"] is not None, -(r["rank"] or 0)))
        lines += [
            f"## Failed queries ({first}): {len(failed)}",
            "",
            "Relevant document not first (rank shown, – = not in top 10), or wrong page cited.",
            "",
        ]
        for r in failed:
            rank = r["rank"] or "–"
            page = (
                f"; page {r['cited_page']} cited, {r['gold_page']} expected"
                if r["gold_page"] is not None
                else ""
            )
            lines.append(f"- **{r['id']}** [{r['lang']}, {r['kind']}] rank {rank}{page}: {r['query']}")
            lines.append(
                f"  - expected: {', '.join(r['relevant'])}; got: {', '.join(r['ranked'][:3]) or 'nothing'}"
            )
    return "\n".join(lines) + "\n"
