"""A job survives `kill -9` of the web server and completes when the server starts again.

The server (`kb serve`) runs upload jobs in the background with the real model in a worker process;
the test queues a job of small files in the catalog (as an upload does), kills the server once some
files are committed, starts it again and waits: every file is added exactly once, the files committed
before the kill are not redone, and catalog and indexes agree.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kb.jobs import JobStore, create_add_job
from kb.store.catalog import Catalog

pytestmark = pytest.mark.slow

FILES = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(home: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KB_LATENT_TERMS": "off", "KB_PASSAGES": "off", "GRADIO_ANALYTICS_ENABLED": "False",
           "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    cmd = [sys.executable, "-m", "kb.cli", "--home", str(home), "serve", "--port", str(free_port())]
    return subprocess.Popen(cmd, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(what, timeout: float, server: subprocess.Popen[bytes], log: Path):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = what()
        if got:
            return got
        assert server.poll() is None, log.read_text(errors="replace")[-3000:]
        time.sleep(0.2)
    raise AssertionError(f"timed out; server log:\n{log.read_text(errors='replace')[-3000:]}")


def kill_all(server: subprocess.Popen[bytes]) -> None:
    """kill -9 the server and its worker process (its own session: nothing else of ours)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)


def test_a_job_survives_kill_9_of_the_server_and_completes_on_restart(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = tmp_path / "uploads"
    folder.mkdir()
    files = []
    for i in range(FILES):
        path = folder / f"note-{i:02d}.md"
        path.write_text(f"# Note {i}\n\nThe youth programme of district {i} met {i + 3} partners every month, "
                        f"and its mediators reported on {i + 1} cases.\n", "utf-8")
        files.append(path)
    catalog = Catalog(home / "catalog.sqlite")
    store = JobStore(catalog)
    job_id = create_add_job(store, files, user="ana")
    log = tmp_path / "server.log"

    def done_count() -> int:
        job = store.get(job_id)
        assert job is not None
        return sum(f.state == "done" for f in job.files)

    server = start_server(home, log)
    try:
        wait_for(lambda: done_count() >= 2, 240, server, log)
    finally:
        kill_all(server)
    before = store.get(job_id)
    assert before is not None and before.state == "running", "the job ended before the kill: make it longer"
    committed = {f.source: f.outcome["doc_id"] for f in before.files if f.state == "done"}  # type: ignore[index]
    assert 2 <= len(committed) < FILES

    server = start_server(home, log)
    try:
        job = wait_for(lambda: (j := store.get(job_id)) and j.state == "done" and j, 240, server, log)
    finally:
        kill_all(server)
    assert [f.outcome["outcome"] for f in job.files] == ["added"] * FILES  # type: ignore[index]
    assert {f.source: f.outcome["doc_id"] for f in job.files if f.source in committed} == committed  # type: ignore[index]
    rows = catalog.db.execute("SELECT source, COUNT(*) FROM documents GROUP BY source").fetchall()
    assert sorted(r[0] for r in rows) == sorted(p.name for p in files) and all(r[1] == 1 for r in rows)
    catalog.close()

    from kb import KnowledgeBase, Settings

    with KnowledgeBase(settings=Settings.from_env(home, latent_terms="off", passages="off"), repair=False) as kb:
        assert kb.check(repair=True).chunks == len(kb.catalog.chunk_ids()) >= FILES
        assert kb.check(repair=False).consistent
        assert kb.search("youth programme mediators", k=3)


def test_sigterm_stops_the_server_and_its_worker_process(tmp_path: Path) -> None:
    """QA pass 12: `kill -TERM` of `kb serve` left its ingest worker process (about 300 MB, holding the
    catalog) running without a parent. It now ends as Ctrl+C ends the server: the KB closes its worker."""
    import psutil

    home = tmp_path / "home"
    note = tmp_path / "note.md"
    note.write_text("# Note\n\nThe youth programme met its partners.\n", "utf-8")
    catalog = Catalog(home / "catalog.sqlite")
    store = JobStore(catalog)
    job_id = create_add_job(store, [note], user="ana")  # the server's worker process reads it
    log = tmp_path / "server.log"
    server = start_server(home, log)
    try:
        wait_for(lambda: (j := store.get(job_id)) and j.state == "done", 240, server, log)
        children = psutil.Process(server.pid).children(recursive=True)
        assert children, "no worker process was started"
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=90) is not None
        _, alive = psutil.wait_procs(children, timeout=30)
        assert alive == [], [p.cmdline() for p in alive]
    finally:
        kill_all(server)
        catalog.close()
