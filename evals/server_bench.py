"""`make bench` (part 2): serving many people at once, ingest in the background, and Ray.

Run: .venv/bin/python -m evals.server_bench [--quick] [--no-ray] [--ray-files N] [--load-seconds S]
Writes evals/reports/server-bench.json and prints it. Every figure is measured in this one run, on this
machine; on a shared, busy machine compare only figures of the same run.

HTTP (loopback, `kb serve`, the UI's /search with its dense highlights, through gradio_client), on a KB
of the starter corpus:
  1. a search sent 2 s after an upload of 16 new documents: its latency (the ingest runs meanwhile);
  2. the server's CPU time per search (process + its children, over sequential searches);
  3. 20 searches sent at once: p50/p95/max;
  4. load: 20 people, each searching at random times (Poisson, 4 searches/s in all), while a 100-file
     upload job runs: p50/p95/max, errors, and how many files the job finished meanwhile.
  Items 1 and 4 run twice, interleaved: with the job's files prepared in a niced worker process (what
  `kb serve` does) and in a thread of the server ("inline"), to show what the worker process buys.
Ray: the starter corpus (or its first N files) ingested into fresh homes (empty embedding cache): here
with 1 and 2 model threads, and on a local Ray cluster of 1 and 2 worker processes (1 CPU each).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from evals.metrics import percentile
from evals.server_load import Server, make_notes, upload_and_time

__all__ = ["main"]

REPO = Path(__file__).resolve().parents[1]
REPORTS = REPO / "evals" / "reports"
CORPUS = REPO / "corpus" / "build"
MANIFEST = REPO / "corpus" / "manifest.csv"
SEED_CACHE = REPO.parent / "main" / ".kb" / "eval-domain" / "embeddings.sqlite"
QUERIES = ("how did the city form its leadership group", "¿cómo se deriva a un joven al panel?",
           "online hate speech reporting", "mediation between faith communities", "indicateurs d'évaluation",
           "school prevention programme funding", "police and social workers share cases")
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1", "GRADIO_ANALYTICS_ENABLED": "False",
       "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}  # its own loopback cluster (see DEPLOY.md)


def _summary(times: list[float]) -> dict[str, float]:
    return {"n": len(times), "p50_ms": round(percentile(times, 50), 1), "p95_ms": round(percentile(times, 95), 1),
            "max_ms": round(max(times), 1) if times else 0.0}


def corpus_home(work: Path) -> Path:
    """A KB home holding the starter corpus (made once; the embedding cache seeded when available)."""
    home = work / "corpus-home"
    if (home / "catalog.sqlite").exists():
        return home
    home.mkdir(parents=True, exist_ok=True)
    if SEED_CACHE.exists():
        shutil.copy(SEED_CACHE, home / "embeddings.sqlite")
    kb = str(Path(sys.executable).with_name("kb"))
    subprocess.run([kb, "--home", str(home), "add", str(CORPUS), "--manifest", str(MANIFEST)], env=ENV,
                   check=False, stdout=subprocess.DEVNULL)
    return home


def http_bench(work: Path, jobs: str, load_seconds: float, quick: bool) -> dict[str, Any]:
    """Items 1-4 against one server whose upload jobs are prepared `jobs`-wise."""
    home = work / f"http-{jobs}"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(corpus_home(work), home)
    out: dict[str, Any] = {"jobs": jobs}
    with Server(home, ENV, jobs=jobs) as server:
        for q in QUERIES:
            server.search(q)  # warm: highlights cached as a browser's first visits would
        # 2. CPU per search
        cpu0, t0 = server.cpu_seconds(), time.perf_counter()
        times = [server.search(q) for q in QUERIES * (2 if quick else 4)]
        out["cpu_ms_per_search"] = round(1000 * (server.cpu_seconds() - cpu0) / len(times), 1)
        out["sequential"] = _summary(times)
        out["sequential_wall_s"] = round(time.perf_counter() - t0, 2)
        # 3. 20 at once
        ready = threading.Barrier(20)  # twenty people with the page open, searching at the same moment

        def at_once(i: int) -> float:
            server.connect()
            ready.wait()
            return server.search(QUERIES[i % len(QUERIES)])

        with ThreadPoolExecutor(20) as pool:
            burst = list(pool.map(at_once, range(20)))
        out["twenty_at_once"] = _summary(burst)
        # 1. a search 2 s into an upload of 16 new documents
        notes = make_notes(work / f"upload16-{jobs}", 16, seed=1)
        job = upload_and_time(server, notes)
        time.sleep(2.0)
        out["search_during_upload_ms"] = round(server.search(QUERIES[0]), 1)
        out["upload_16"] = server.wait_job(job, timeout=1800)
        # 4. load while a 100-file job runs
        notes = make_notes(work / f"upload100-{jobs}", 20 if quick else 100, seed=2)
        job = upload_and_time(server, notes)
        out["load"] = _load(server, load_seconds)
        out["load"]["job_files_done_during_load"] = server.job_done_count(job)
        out["load"]["job_files"] = len(notes)
    return out


def _load(server: Server, seconds: float, people: int = 20, rate: float = 4.0) -> dict[str, Any]:
    """`people` users, each searching at exponential intervals (mean people/rate s), for `seconds`."""
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def person(i: int) -> None:
        rng = random.Random(i)
        server.connect()  # the page is open before the person's first search
        while True:
            time.sleep(rng.expovariate(rate / people))
            if time.monotonic() > end:
                return
            try:
                ms = server.search(rng.choice(QUERIES))
                with lock:
                    times.append(ms)
            except Exception as err:  # noqa: BLE001 - counted: the target is 0 errors
                with lock:
                    errors.append(f"{type(err).__name__}: {err}"[:200])

    threads = [threading.Thread(target=person, args=(i,)) for i in range(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {**_summary(times), "errors": len(errors), "error_examples": errors[:3],
            "searches_per_s": round(len(times) / seconds, 2)}


def ray_bench(work: Path, files: int | None) -> dict[str, Any]:
    """Throughput of ingesting the starter corpus (first `files` files): local vs a local Ray cluster."""
    from evals.server_load import ray_cluster

    src = work / "ray-src"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    chosen = sorted(p for p in CORPUS.iterdir() if p.is_file())[: files or None]
    for p in chosen:
        shutil.copy(p, src / p.name)
    out: dict[str, Any] = {"files": len(chosen)}
    kb = str(Path(sys.executable).with_name("kb"))

    def run(label: str, extra: list[str], env: dict[str, str]) -> None:
        home = work / f"ray-home-{label}"
        shutil.rmtree(home, ignore_errors=True)
        t0 = time.perf_counter()
        proc = subprocess.run([kb, "--home", str(home), "add", str(src), "--json", *extra], env=env,
                              capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        report = json.loads(proc.stdout) if proc.stdout.strip().startswith("{") else {}
        chunks = sum(f.get("chunks") or 0 for f in report.get("files", []) if f.get("outcome") == "added")
        out[label] = {"seconds": round(seconds, 1), "chunks": chunks,
                      "chunks_per_s": round(chunks / seconds, 3) if seconds else 0.0, "exit": proc.returncode}

    for workers in (1, 2):
        run(f"local_{workers}_thread", [], {**ENV, "OMP_NUM_THREADS": str(workers)})
        with ray_cluster(workers, ENV) as address:
            run(f"ray_{workers}_worker", ["--ray", address], ENV)
    for workers in (1, 2):
        local, ray = out[f"local_{workers}_thread"]["seconds"], out[f"ray_{workers}_worker"]["seconds"]
        out[f"ray_overhead_{workers}"] = round(ray / local - 1, 3) if local else None
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(prog="python -m evals.server_bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer searches, a 20-file load job, 30 s of load")
    ap.add_argument("--load-seconds", type=float, help="seconds of the realistic load (default 60; quick 30)")
    ap.add_argument("--no-http", action="store_true", help="skip the HTTP measurements")
    ap.add_argument("--no-ray", action="store_true", help="skip the Ray throughput")
    ap.add_argument("--ray-files", type=int, help="only the first N files of the starter corpus (default all)")
    ap.add_argument("--work", default=str(REPORTS / "server-bench-work"), help="scratch folder")
    args = ap.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    seconds = args.load_seconds or (30.0 if args.quick else 60.0)
    result: dict[str, Any] = {"machine": "measured on a busy, shared 2-core machine (compare within this run only)",
                              "cpus": os.cpu_count()}
    if not args.no_http:
        result["http"] = [http_bench(work, jobs, seconds, args.quick) for jobs in ("process", "inline")]
    if not args.no_ray:
        result["ray"] = ray_bench(work, args.ray_files)
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "server-bench.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), "utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
