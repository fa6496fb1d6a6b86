"""Load: rounds of 20 concurrent searches through the running web app's API while `kb add` ingests.

The UI's KnowledgeBase and an ingesting `kb add` subprocess share one KB home (SQLite WAL catalog,
index files saved atomically): no search may fail, and the p95 latency is printed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from kb import KnowledgeBase

pytestmark = pytest.mark.slow

CONCURRENT = 20
TOPICS = ("youth mediation", "online hate speech", "interfaith dialogue", "school prevention", "police")


def write_files(folder: Path, n: int, start: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        topic = TOPICS[i % len(TOPICS)]
        body = "\n\n".join(
            f"Paragraph {p} of note {i}: the city's {topic} programme met {p + i} partners this year. "
            f"Evaluation found that {topic} work needs steady funding and trusted local staff."
            for p in range(12)
        )
        (folder / f"note-{i:03d}.md").write_text(f"# Practice note {i}: {topic}\n\n{body}\n", "utf-8")
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_concurrent_searches_during_ingest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gradio_client import Client

    from ui import serve

    for key, value in (
        ("HF_HUB_OFFLINE", "1"),
        ("HF_HUB_DISABLE_TELEMETRY", "1"),
        ("GRADIO_ANALYTICS_ENABLED", "False"),
    ):
        monkeypatch.setenv(key, value)
    home = tmp_path / "home"
    kb = KnowledgeBase(home, embedder="hash")
    assert kb.add(write_files(tmp_path / "first", 10)).files[0].outcome == "added"
    port = free_port()
    app = serve(kb, port=port, block=False)
    more = write_files(tmp_path / "more", 150, start=10)
    cmd = [sys.executable, "-m", "kb.cli", "--home", str(home), "--embedder", "hash", "add", str(more)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    ingest = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)

        def one(i: int) -> tuple[float, str]:
            t = time.perf_counter()
            cards, _status = client.predict(TOPICS[i % len(TOPICS)], *[None] * 10, api_name="/search")
            return 1000 * (time.perf_counter() - t), cards

        latencies: list[float] = []
        rounds_during_ingest = 0
        with ThreadPoolExecutor(CONCURRENT) as pool:
            while True:
                running = ingest.poll() is None
                results = list(pool.map(one, range(CONCURRENT)))  # raises if any search failed
                latencies += [ms for ms, _ in results]
                assert all("Practice note" in cards for _, cards in results)
                rounds_during_ingest += running and ingest.poll() is None
                if not running or len(latencies) >= 10 * CONCURRENT:
                    break
        out, err = ingest.communicate(timeout=120)
    finally:
        if ingest.poll() is None:
            ingest.kill()
        app.close()
        kb.close()
    assert ingest.returncode == 0, err[-2000:]
    assert rounds_during_ingest >= 1, "the ingest finished before a whole round of searches ran"
    with KnowledgeBase(home, embedder="hash") as after:
        assert len(after.documents()) == 160  # nothing the ingest committed was lost
        assert after.check(repair=False).consistent
    p95 = float(np.percentile(latencies, 95))
    print(
        f"\nload: {len(latencies)} searches in rounds of {CONCURRENT} during ingest "
        f"({rounds_during_ingest} round(s) overlapped it): p50 {np.percentile(latencies, 50):.0f} ms, "
        f"p95 {p95:.0f} ms"
    )
