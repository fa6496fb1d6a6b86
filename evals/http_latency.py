"""Search latency through the running web app (`kb serve`), as the UI's browser calls it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from evals.metrics import percentile
from evals.synthetic import FILTER, QUERIES

__all__ = ["http_latency"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_latency(home: Path, reps: int, env: dict[str, str]) -> dict[str, Any]:
    """p50/p95 of the running web app's /search endpoint through gradio_client (as the UI calls it)."""
    from gradio_client import Client

    port = _free_port()
    kb_bin = Path(sys.executable).with_name("kb")
    server = subprocess.Popen(
        [str(kb_bin), "--home", str(home), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 180
        while True:
            try:
                client = Client(url, verbose=False)
                break
            except Exception:  # noqa: BLE001 - not listening yet
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        # the endpoint's inputs as the server declares them (page language, query, filters, ...)
        api = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
        names = [p["parameter_name"] for p in api["/search"]["parameters"]]

        def search(q: str, country: str | None) -> None:
            given: dict[str, Any] = {"q": q, "query": q, "country": [country] if country else []}
            out = client.predict(*[given.get(n) for n in names], api_name="/search")
            if "kb-card" not in out[0]:
                raise RuntimeError(f"no result cards for {q!r}")

        out: dict[str, Any] = {}
        for label, country in (("unfiltered", None), ("filtered", FILTER["country"])):
            times = []
            for q in QUERIES:
                search(q, country)  # warm
            for _ in range(reps):
                for q in QUERIES:
                    t = time.perf_counter()
                    search(q, country)
                    times.append(1000 * (time.perf_counter() - t))
            out[label] = {
                "p50_ms": round(percentile(times, 50), 1),
                "p95_ms": round(percentile(times, 95), 1),
                "n": len(times),
            }
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)
