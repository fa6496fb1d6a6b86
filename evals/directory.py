"""`kb eval directory`: the directory's two measured figures on the starter corpus (issue 15).

1. Table rows turned into correct candidates: the starter corpus is added to a fresh KB (hashing
   embedder: candidates do not depend on vectors), every document with a table is read through
   `kb.directory.table_rows` (the rows as the "Find entries" button reads them), and each row of the
   hand-checked gold (`evals/directory/table_rows.jsonl`) is right when its candidates are, one for one
   (name, kind, sector, city; `evals.directory_gold.row_right`). The target counts the 24 rows of the
   directory documents (>= 0.90); all 56 rows (rosters, plans, tables with no entry) are reported too.
2. Name suggestion: `suggest_name` on the 40 gold excerpts (>= 0.70), and, as a check on sentences
   the rules were not written from, on the single-entry list items of the directory documents.
Also reported: the directory documents' list items turned into correct candidates
(`kb.directory.list_items`, gold `evals/directory/list_entries.jsonl`; no target), and by `main` (not
`run_directory`, which needs no model) how well directory search narrows the list (`evals.directory_search`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.directory_gold import (
    load_list_entries,
    load_name_suggestions,
    load_table_rows,
    name_right,
    normalise_name,
    row_right,
    share_right,
)

__all__ = ["run_directory", "to_markdown", "main", "TARGETS"]

_REPO = Path(__file__).resolve().parents[1]
TARGETS = {"table_rows": 0.90, "name_suggestion": 0.70}


def _row_candidates(kb: Any, files: set[str]) -> dict[tuple[str, int, int], list[dict[str, Any]]]:
    got: dict[tuple[str, int, int], list[dict[str, Any]]] = {}
    for name in sorted(files):
        doc = kb.document(name)
        if doc is None:
            continue
        for cand in kb.directory.table_rows(doc):
            got.setdefault((name, cand.table, cand.row), []).append(cand.entry.to_dict())
    return got


def _item_candidates(kb: Any, gold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each gold list item with the candidates `kb.directory.list_items` proposes from it."""
    by_file: dict[str, list[Any]] = {}
    out = []
    for item in gold:
        if item["file"] not in by_file:
            doc = kb.document(item["file"])
            by_file[item["file"]] = kb.directory.list_items(doc) if doc else []
        proposed = [c.entry.to_dict() for c in by_file[item["file"]]
                    if " ".join(c.entry.sources[0].quote.split()) == " ".join(item["item"].split())]
        out.append({"file": item["file"], "item": item["item"][:80], "right": row_right(item["candidates"], proposed),
                    "expected": [{k: c[k] for k in ("name", "kind", "sector")} for c in item["candidates"]],
                    "proposed": [{k: c[k] for k in ("name", "kind", "sector")} for c in proposed]})
    return out


def run_directory(corpus: Path, manifest: Path, home: Path | None = None) -> dict[str, Any]:
    """Both figures, with every miss listed (expected vs proposed)."""
    from kb import KnowledgeBase

    rows = load_table_rows()
    with tempfile.TemporaryDirectory() as tmp, KnowledgeBase(home or Path(tmp) / "kb", embedder="hash") as kb:
        if not kb.documents():
            report = kb.add([corpus], manifest=manifest)
            if not report.ok:
                raise RuntimeError(f"the corpus did not add cleanly: {report.summary()}")
        got = _row_candidates(kb, {r["file"] for r in rows})
        items = _item_candidates(kb, load_list_entries())
        cities = sorted({str(d.metadata.get("city")) for d in kb.documents() if d.metadata.get("city")})
    judged = []
    for r in rows:
        proposed = got.get((r["file"], r["table_index"], r["row_index"]), [])
        judged.append({"file": r["file"], "table": r["table_index"], "row": r["row_index"],
                       "in_measure": r["in_measure"], "right": row_right(r["candidates"], proposed),
                       "expected": [{k: c[k] for k in ("name", "kind", "sector", "city")} for c in r["candidates"]],
                       "proposed": [{k: c[k] for k in ("name", "kind", "sector", "city")} for c in proposed]})
    from kb.directory import suggest_name

    names = []
    for item in load_name_suggestions():
        suggested = suggest_name(item["excerpt"], cities)
        names.append({"id": item["id"], "lang": item["lang"], "expected": item["name"], "suggested": suggested,
                      "right": name_right(item, suggested)})
    listed = []
    for item in load_list_entries():
        if len(item["candidates"]) != 1:
            continue
        cand = item["candidates"][0]
        accepted = {normalise_name(n) for n in [cand["name"], *cand.get("also_accepted", {}).get("name", [])]}
        suggested = suggest_name(item["item"], cities)
        listed.append({"file": item["file"], "expected": cand["name"], "suggested": suggested,
                       "right": normalise_name(suggested) in accepted})
    measured = [j for j in judged if j["in_measure"]]
    out = {
        "table_rows": share_right(j["right"] for j in measured),
        "table_rows_n": len(measured),
        "table_rows_all": share_right(j["right"] for j in judged),
        "table_rows_all_n": len(judged),
        "invented_in_tables_without_entries": sum(len(j["proposed"]) for j in judged if not j["expected"]),
        "list_items": share_right(i["right"] for i in items),
        "list_items_n": len(items),
        "name_suggestion": share_right(n["right"] for n in names),
        "name_suggestion_n": len(names),
        "name_suggestion_list_items": share_right(n["right"] for n in listed),
        "name_suggestion_list_items_n": len(listed),
        "misses": {"rows": [j for j in judged if not j["right"]], "names": [n for n in names if not n["right"]],
                   "items": [i for i in items if not i["right"]],
                   "list_items": [n for n in listed if not n["right"]]},
    }
    out["targets"] = {k: {"target": t, "met": out[k] >= t} for k, t in TARGETS.items()}
    return out


def to_markdown(report: dict[str, Any]) -> str:
    """The figures as a small table, then the misses."""
    lines = [
        "| measure | share | n | target |",
        "|---|---|---|---|",
        f"| table rows -> correct candidates (directory documents) | {report['table_rows']:.3f} | "
        f"{report['table_rows_n']} | >= {TARGETS['table_rows']} |",
        f"| table rows, every table of the corpus | {report['table_rows_all']:.3f} | {report['table_rows_all_n']} | |",
        f"| list items -> correct candidates (directory documents' lists) | {report['list_items']:.3f} | "
        f"{report['list_items_n']} | |",
        f"| name suggestion, gold excerpts | {report['name_suggestion']:.3f} | {report['name_suggestion_n']} | "
        f">= {TARGETS['name_suggestion']} |",
        f"| name suggestion, list items of the directory documents | {report['name_suggestion_list_items']:.3f} | "
        f"{report['name_suggestion_list_items_n']} | |",
        "",
        f"Candidates invented in rows of tables that list no entry: {report['invented_in_tables_without_entries']}.",
    ]
    misses = report["misses"]
    for row in misses["rows"]:
        lines.append(f"- row miss {row['file']} table {row['table']} row {row['row']}: expected "
                     f"{row['expected']}, proposed {row['proposed']}")
    for item in misses["items"]:
        lines.append(f"- list item miss {item['file']} “{item['item']}”: expected {item['expected']}, "
                     f"proposed {item['proposed']}")
    for n in [*misses["names"], *misses["list_items"]]:
        lines.append(f"- name miss {n.get('id', n.get('file'))}: expected {n['expected']!r}, suggested "
                     f"{n['suggested']!r}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """`kb eval directory [--json]`: print both figures; write evals/reports/directory.md and .json."""
    p = argparse.ArgumentParser(prog="kb eval directory", description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=_REPO / "corpus" / "build", help="built corpus folder")
    p.add_argument("--manifest", type=Path, default=_REPO / "corpus" / "manifest.csv", help="corpus manifest CSV")
    p.add_argument("--out", type=Path, default=_REPO / "evals" / "reports", help="report folder")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    args = p.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"No built corpus at {args.corpus}; run `make corpus` first.", file=sys.stderr)
        return 2
    from evals import directory_search

    report = run_directory(args.corpus, args.manifest)
    report["search"] = directory_search.run_search()
    markdown = to_markdown(report) + "\n\n## Directory search\n\n" + directory_search.to_markdown(report["search"])
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "directory.md").write_text(markdown + "\n", encoding="utf-8")
    (args.out / "directory.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
