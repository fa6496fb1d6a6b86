"""Helpers of `evals.server_bench`: a `kb serve` process driven over HTTP, generated upload files, and a
local Ray cluster of N one-CPU nodes (started and stopped by this process only: never `ray stop`)."""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["Server", "make_notes", "upload_and_time", "ray_cluster"]

WORDS = ("youth", "mediation", "referral", "panel", "school", "police", "faith", "online", "hate", "partners",
         "evaluation", "funding", "district", "mentors", "families", "coordinator", "plan", "indicators")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_notes(folder: Path, n: int, seed: int) -> list[Path]:
    """n new Markdown notes of ~3 chunks each, with random text (nothing in any embedding cache)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        paras = ["# " + " ".join(rng.choice(WORDS) for _ in range(5)).capitalize()]
        for _ in range(8):
            paras.append(" ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + ".")
        path = folder / f"note-{seed}-{i:03d}.md"
        path.write_text("\n\n".join(paras) + "\n", "utf-8")
        out.append(path)
    return out


class Server:
    """`kb serve` on a KB home, in its own session; searched and fed through its HTTP API."""

    def __init__(self, home: Path, env: dict[str, str], jobs: str = "process") -> None:
        self.home, self.env, self.jobs = home, env, jobs
        self.port = _free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        from gradio_client import Client

        kb = str(Path(sys.executable).with_name("kb"))
        self.proc = subprocess.Popen([kb, "--home", str(self.home), "serve", "--port", str(self.port),
                                      "--jobs", self.jobs], env=self.env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 300
        while True:
            try:
                self.client = Client(f"http://127.0.0.1:{self.port}/", verbose=False)
                break
            except Exception:  # noqa: BLE001 - not listening yet
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.__exit__()
                    raise
                time.sleep(0.5)
        # the endpoints' other inputs (filters; the upload form's metadata), as the server declares them
        api = self.client.view_api(return_format="dict", print_info=False)["named_endpoints"]
        self._search_params = [p["parameter_name"] for p in api["/search"]["parameters"]]
        self._add_params = [p["parameter_name"] for p in api["/add_documents"]["parameters"]]
        self._local = threading.local()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)

    def connect(self) -> None:
        """Open this thread's connection now (a person opening the page), so searches time the search alone."""
        self._client()

    def _client(self) -> Any:
        """One gradio_client per calling thread (each person has their own browser)."""
        from gradio_client import Client

        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = Client(f"http://127.0.0.1:{self.port}/", verbose=False)
        return client

    def search(self, query: str) -> float:
        """Milliseconds for one /search (the UI's: dense highlights, rendered cards)."""
        client = self._client()  # a person's connection is made once, with the page: not part of a search
        given = {"lang": "en", "q": query, "query": query}
        t = time.perf_counter()
        out = client.predict(*[given.get(n) for n in self._search_params], api_name="/search")
        cards = out[0]
        ms = 1000 * (time.perf_counter() - t)
        if "kb-card" not in cards and "result" not in cards:
            raise RuntimeError("no result cards in the answer")
        return ms

    def upload(self, paths: list[Path]) -> int:
        """Upload files through /add_documents; returns the job id (the call returns at once)."""
        from gradio_client import handle_file

        given = {"lang": "en", "files": [handle_file(str(p)) for p in paths]}
        done = threading.Event()

        def call() -> None:  # the page waits for its job; the job id is in the catalog at once
            try:
                self._client().predict(*[given.get(n) for n in self._add_params], api_name="/add_documents")
            except concurrent.futures.CancelledError:
                pass  # the server was stopped with the job still running: its state is read from the catalog
            finally:
                done.set()

        before = self.latest_job_or_zero()
        threading.Thread(target=call, daemon=True).start()
        while self.latest_job_or_zero() == before and not done.is_set():
            time.sleep(0.1)
        return self.latest_job()

    def latest_job_or_zero(self) -> int:
        with contextlib.closing(self._db()) as db:
            return int(db.execute("SELECT COALESCE(MAX(id), 0) FROM jobs").fetchone()[0])

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.home / "catalog.sqlite", timeout=30)

    def latest_job(self) -> int:
        with contextlib.closing(self._db()) as db:
            return int(db.execute("SELECT MAX(id) FROM jobs").fetchone()[0])

    def job_done_count(self, job_id: int) -> int:
        with contextlib.closing(self._db()) as db:
            return int(db.execute("SELECT COUNT(*) FROM job_files WHERE job_id=? AND state='done'",
                                  (job_id,)).fetchone()[0])

    def wait_job(self, job_id: int, timeout: float) -> dict[str, Any]:
        """Wait for a job to end; its files and seconds from creation to end."""
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            with contextlib.closing(self._db()) as db:
                state = db.execute("SELECT state FROM jobs WHERE id=?", (job_id,)).fetchone()[0]
            if state in ("done", "cancelled", "failed"):
                break
            time.sleep(0.5)
        return {"state": state, "files_done": self.job_done_count(job_id),
                "seconds_after_search": round(time.perf_counter() - t0, 1)}

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the server and its children (the job worker process)."""
        import psutil

        assert self.proc is not None
        root = psutil.Process(self.proc.pid)
        total = 0.0
        for p in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                total += t.user + t.system
        return total


def upload_and_time(server: Server, paths: list[Path]) -> int:
    """Upload files; the job id (the page is free again when this returns)."""
    return server.upload(paths)


@contextlib.contextmanager
def ray_cluster(nodes: int, env: dict[str, str]) -> Iterator[str]:
    """A local Ray cluster of `nodes` one-CPU nodes; yields its address; stops exactly what it started."""
    ray = str(Path(sys.executable).with_name("ray"))
    temp = Path(tempfile.mkdtemp(prefix="rb", dir="/tmp"))
    port = _free_port()
    address = f"127.0.0.1:{port}"
    started: list[subprocess.Popen[bytes]] = []
    log = (temp / "ray.log").open("ab")

    def start(*args: str) -> None:
        started.append(subprocess.Popen([ray, "start", "--block", "--num-cpus", "1", "--disable-usage-stats",
                                         "--node-ip-address", "127.0.0.1", *args], env=env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True))

    def cpus() -> int:
        code = ("import ray, sys; ray.init(address=sys.argv[1], log_to_driver=False, configure_logging=False);"
                "print(int(ray.cluster_resources().get('CPU', 0)))")
        out = subprocess.run([sys.executable, "-c", code, address], env=env, capture_output=True, text=True)
        lines = out.stdout.strip().splitlines()
        return int(lines[-1]) if out.returncode == 0 and lines else 0

    try:
        start("--head", "--port", str(port), "--include-dashboard=false", "--temp-dir", str(temp / "t"))
        for n in range(1, nodes + 1):
            if n > 1:
                start("--address", address)
            deadline = time.monotonic() + 300
            while cpus() < n:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Ray did not reach {n} CPUs")
                time.sleep(1)
        yield address
    finally:
        for proc in reversed(started):
            for sig in (signal.SIGTERM, signal.SIGKILL):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, sig)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=20)
        log.close()
