"""Ingest jobs: recorded in the catalog with their files, run by a worker, cancelled, listed by `kb jobs`."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from kb import KnowledgeBase
from kb.cli import main
from kb.jobs import JobStore, JobWorker, create_add_job
from kb.jobs.progress import FileDropped
from kb.jobs.store import this_owner


def notes(folder: Path, n: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(start, start + n):
        path = folder / f"note-{i:02d}.md"
        path.write_text(f"# Note {i}\n\nThe city's youth programme {i} met {i + 3} partners.\n", "utf-8")
        out.append(path)
    return out


def test_kb_add_is_a_job_listed_by_kb_jobs(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    home = str(tmp_path / "home")
    files = notes(tmp_path / "in", 3)
    (tmp_path / "in" / "empty.txt").write_text("", "utf-8")
    assert main(["--home", home, "--embedder", "hash", "add", str(tmp_path / "in")]) == 1  # one failed
    capsys.readouterr()
    assert main(["--home", home, "--embedder", "hash", "jobs", "--json"]) == 0
    (job,) = json.loads(capsys.readouterr().out)
    assert job["kind"] == "add" and job["state"] == "done" and job["counts"] == {"added": 3, "failed": 1}
    assert [f["name"] for f in job["files"]] == ["empty.txt", *(p.name for p in files)]
    assert all(f["state"] == "done" and f["outcome"]["outcome"] for f in job["files"])
    assert main(["--home", home, "--embedder", "hash", "jobs"]) == 0
    assert "done" in capsys.readouterr().out


def test_two_uploads_of_the_same_file_at_once_one_is_unchanged(tmp_path: Path) -> None:
    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    (doc,) = notes(tmp_path / "in", 1)
    copy = tmp_path / "other" / "same-bytes.md"
    copy.parent.mkdir()
    copy.write_bytes(doc.read_bytes())
    worker = kb.worker("inline")
    first, second = kb.submit([doc]), kb.submit([copy])
    threads = [threading.Thread(target=worker.run, args=(j,)) for j in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    outcomes = sorted(f.outcome["outcome"] for j in (first, second) for f in kb.jobs.get(j).files)  # type: ignore[union-attr, index]
    assert outcomes == ["added", "unchanged"]
    assert len(kb.documents()) == 1
    kb.close()


def test_a_cancelled_job_keeps_what_it_committed_and_nothing_half_written(tmp_path: Path) -> None:
    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    files = notes(tmp_path / "in", 8)
    job_id = kb.submit(files)
    done_two = threading.Event()

    def progress(done: int, total: int, name: str) -> None:
        if done == 2:
            kb.jobs.cancel(job_id)  # as a coordinator would, from the page, while it runs
            done_two.set()

    report = kb.worker("inline").run(job_id, progress)
    assert done_two.is_set() and report is not None
    job = kb.jobs.get(job_id)
    assert job is not None and job.state == "cancelled"
    states = [f.state for f in job.files]
    assert states[:2] == ["done", "done"] and set(states[2:]) == {"cancelled"}
    assert {d.source for d in kb.documents()} == {f.name for f in files[:2]}
    # the report names the files the cancel left (QA pass 15: `kb add` listed only those it added)
    assert [Path(p).name for p in report.not_added] == [f.name for f in files[2:]] and not report.ok
    assert report.summary().endswith("6 not added (cancelled)")
    assert kb.check(repair=False).consistent
    assert kb.jobs.cancel(job_id) == "cancelled"  # a finished job stays as it is
    kb.close()


def test_a_job_left_by_a_dead_owner_resumes_without_redoing_its_committed_files(tmp_path: Path) -> None:
    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    files = notes(tmp_path / "in", 5)
    job_id = kb.submit(files)
    store = JobStore(kb.catalog)
    first = kb.worker("inline")

    def stop_after_two(done: int, total: int, name: str) -> None:
        if done == 2:
            first._stop.set()  # the process goes away after its second file

    first.run(job_id, stop_after_two)
    job = store.get(job_id)
    assert job is not None and job.state == "running" and [f.state for f in job.files].count("done") == 2
    # ... and it died: its owner is a process that cannot be alive
    kb.catalog.db.execute("UPDATE jobs SET owner = ? WHERE id = ?", (f"{this_owner().split(':')[0]}:999999999:x", job_id))
    committed = {d.source: d.updated_at for d in kb.documents()}
    second = JobWorker(kb.catalog, kb.indexes, kb.settings, lambda: first.preparer)
    assert second.run_pending() == [job_id]
    job = store.get(job_id)
    assert job is not None and job.state == "done" and job.owner == this_owner()
    assert [f.outcome["outcome"] for f in job.files] == ["added"] * 5  # type: ignore[index]
    assert len(kb.documents()) == 5
    assert all(kb.document(src).updated_at == stamp for src, stamp in committed.items())  # type: ignore[union-attr]
    again = create_add_job(store, files)
    second.run(again)
    assert {f.outcome["outcome"] for f in store.get(again).files} == {"unchanged"}  # type: ignore[union-attr, index]
    kb.close()


CLAIM_ELSEWHERE = """
import sys
from kb import KnowledgeBase
from kb.jobs.store import this_owner
with KnowledgeBase(sys.argv[1], embedder="hash") as kb:
    job = kb.jobs.claim(this_owner())
    print(job.id if job else None)
"""


def test_kb_adds_own_job_is_never_claimed_by_another_process(tmp_path: Path) -> None:
    """`kb add` creates its job already running under its own process: a server's worker on the same
    KB (another owner, polling the catalog) cannot take it and leave `kb add` an empty report."""
    files = notes(tmp_path / "in", 2)
    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:
        worker = kb.worker("inline")
        job_id = create_add_job(kb.jobs, files, owner=worker.owner)
        job = kb.jobs.get(job_id)
        assert job is not None and job.state == "running" and job.owner == worker.owner and job.heartbeat
        # another process (as a server's worker would) finds nothing to claim: its owner is alive
        other = subprocess.run([sys.executable, "-c", CLAIM_ELSEWHERE, str(tmp_path / "home")],
                               capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2])
        assert other.returncode == 0 and other.stdout.strip() == "None", other.stderr
        report = worker.run(job_id)
        assert report is not None and report.count("added") == 2
        assert kb.jobs.get(job_id).state == "done"  # type: ignore[union-attr]
        assert kb.add_job(notes(tmp_path / "more", 1, start=5)).count("added") == 1
        (latest, *_) = kb.jobs.latest(1)
        assert latest.owner == worker.owner and latest.state == "done"


@pytest.mark.parametrize("where", ["inline", "process"])
def test_cancel_drops_the_scan_being_read_and_its_worker_stops_reading_it(tmp_path: Path, where: str) -> None:
    """QA: "Cancelar" while an 8-page scan was read by OCR: the job said it would stop after the
    current file, and the scan was read to its last page and added all the same. Then the job dropped
    it, but its worker (the server's worker process) still read it to its end, and the next upload waited."""
    import time

    from ocr_samples import ENGLISH, scan_pdf

    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    (tmp_path / "in").mkdir()
    scan = scan_pdf(tmp_path / "in" / "scan.pdf", [ENGLISH] * 4)
    job_id = kb.submit([scan])
    worker = kb.worker(where)
    futures = recorded_futures(worker)
    ran: list[object] = []
    runner = threading.Thread(target=lambda: ran.append(worker.run(job_id)))
    runner.start()
    for _ in range(1200):  # until OCR has read a page of it (the panel's "reading: 1 of 4")
        file = kb.jobs.get(job_id).files[0]  # type: ignore[union-attr]
        if file.state == "working" and file.step == "reading" and file.done >= 1:
            break
        time.sleep(0.1)
    assert kb.jobs.cancel(job_id) == "cancelling"  # as a coordinator would, from the page
    runner.join(timeout=300)
    job = kb.jobs.get(job_id)
    assert job is not None and (job.state, [f.state for f in job.files]) == ("cancelled", ["cancelled"])
    assert kb.documents() == [] and kb.check(repair=False).consistent
    with pytest.raises(FileDropped):  # the worker stopped at its next page rather than reading all four
        futures[0].result(timeout=300)
    worker.stop()
    kb.close()


def test_a_server_stopping_does_not_wait_for_the_scan_its_worker_process_reads(tmp_path: Path) -> None:
    """A server stopped during a long scan's OCR waited for the worker process to read it to its end,
    only for the result to be dropped: the file is read again when the job resumes. The worker process
    is ended instead, and the job resumes from that file."""
    import time
    from concurrent.futures.process import BrokenProcessPool

    from ocr_samples import ENGLISH, scan_pdf

    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    (tmp_path / "in").mkdir()
    scan = scan_pdf(tmp_path / "in" / "scan.pdf", [ENGLISH] * 4)
    job_id = kb.submit([scan])
    worker = kb.worker("process")
    futures = recorded_futures(worker)
    worker.start()
    for _ in range(1200):  # until OCR has read a page of it
        file = kb.jobs.get(job_id).files[0]  # type: ignore[union-attr]
        if file.state == "working" and file.step == "reading" and file.done >= 1:
            break
        time.sleep(0.1)
    worker.stop()
    with pytest.raises(BrokenProcessPool):  # ended, not read to its last page
        futures[0].result(timeout=60)
    job = kb.jobs.get(job_id)
    assert job is not None and job.state == "running" and kb.documents() == []  # left to resume
    kb.close()
    again = KnowledgeBase(tmp_path / "home", embedder="hash")  # the next start resumes it
    assert again.worker("inline").run(job_id).count("added") == 1  # type: ignore[union-attr]
    assert [d.source for d in again.documents()] == ["scan.pdf"] and again.check(repair=False).consistent
    again.close()


def recorded_futures(worker: JobWorker) -> list[Future[Any]]:
    """The futures the worker's preparer hands back, in order (what each file's preparation came to)."""
    futures: list[Future[Any]] = []
    make = worker.make_preparer

    class Recording:
        def __init__(self) -> None:
            self.real = make()
            self.ahead = self.real.ahead

        def submit(self, *args: Any) -> Future[Any]:
            futures.append(self.real.submit(*args))
            return futures[-1]

        def close(self, now: bool = False) -> None:
            self.real.close(now)

    worker.make_preparer = Recording
    return futures


def test_kb_jobs_cancel_refuses_a_job_that_has_finished(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    base = ["--home", str(home), "--embedder", "hash"]
    assert main([*base, "add", str(notes(tmp_path / "in", 1)[0])]) == 0  # job 1: done
    with KnowledgeBase(home, embedder="hash") as kb:
        queued = kb.submit(notes(tmp_path / "more", 1, start=1))  # no worker here: it waits
    capsys.readouterr()
    assert main([*base, "jobs", "cancel", "1"]) == 2
    assert "kb: job 1 has already finished (done); nothing to cancel" in capsys.readouterr().err
    assert main([*base, "jobs", "cancel", str(queued)]) == 0
    assert capsys.readouterr().out.strip() == f"job {queued}: cancelled"
    assert main([*base, "jobs", "cancel", str(queued)]) == 2  # a second time: already over
    assert f"job {queued} has already finished (cancelled)" in capsys.readouterr().err
    with KnowledgeBase(home, embedder="hash") as kb:
        assert [e.target for e in kb.log(action="job.cancel")] == [f"job {queued}"]
