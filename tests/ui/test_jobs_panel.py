"""The jobs panel of the Add documents tab: how jobs and their files are drawn (states, progress, outcomes,
escaping, direction), and the panel's operations through `Actions` (listing, cancelling, refusals),
over a real KB with the hashing embedder."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.access import User, hash_password
from kb.jobs import Job, JobFile
from ui.actions import Actions, UiError
from ui.jobs_render import jobs_html

HOSTILE = "<img src=x onerror=alert(1)>.pdf"


def job(state: str, files: list[JobFile], *, job_id: int = 7, user: str | None = "ana",
        error: str | None = None) -> Job:
    return Job(job_id, "add", state, user, {}, None, None, None, "2026-12-06T10:05:00Z", None, None, error, files)


def jfile(ordinal: int, name: str, state: str, *, step: str | None = None, done: int = 0, total: int = 0,
          outcome: dict | None = None) -> JobFile:
    return JobFile(7, ordinal, f"/staged/{name}", name, name, state, step, done, total, outcome)


RUNNING = job("running", [
    jfile(0, "plan.pdf", "done", outcome={"path": "plan.pdf", "outcome": "added", "chunks": 4}),
    jfile(1, "scan.pdf", "done", outcome={"path": "scan.pdf", "outcome": "failed", "error_code": "encrypted",
                                          "reason": "encrypted"}),
    jfile(2, HOSTILE, "working", step="embedding", done=3, total=12),
    jfile(3, "later.txt", "pending"),
])


def test_an_active_job_shows_each_file_with_its_progress_and_outcome() -> None:
    html = jobs_html([RUNNING], "en")
    assert 'id="' not in html  # the component carries the id (kb-jobs); the markup adds none twice
    assert "running" in html and "ana" in html and "4 files" in html
    assert "added: 1" in html and "failed: 1" in html and "in progress: 1" in html and "waiting: 1" in html
    assert "indexing: 3 of 12" in html and '<progress max="12" value="3">' in html
    assert "The PDF is encrypted" in html  # a failed file's reason, in words
    assert '<button class="kb-act kb-job-cancel" data-job="7"' in html and "<details>" not in html
    # nothing the Gradio template reads, and the hostile file name is inert text
    assert not re.search(r"[{}`$]", html)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;.pdf" in html


def test_a_file_being_read_counts_its_pages_once_they_are_known() -> None:
    """QA pass 13: "reading: 0 of 1" came before "reading pages: 4 of 117"."""
    html = jobs_html([job("running", [jfile(0, "scan.pdf", "working", step="reading", done=0, total=1),
                                      jfile(1, "long.pdf", "working", step="reading", done=4, total=117)])], "en")
    assert "0 of 1" not in html and '<progress max="1"' not in html
    assert "4 of 117" in html and '<progress max="117" value="4">' in html
    # and said as OCR, not as the pages' indexing that follows it (QA pass 13: "page 8", then "page 1")
    assert "reading scans (OCR): 4 of 117" in html
    indexing = jobs_html([job("running", [jfile(0, "long.pdf", "working", step="page", done=1, total=117)])], "en")
    assert "indexing pages: 1 of 117" in indexing


def test_finished_jobs_fold_their_files_and_offer_no_cancel() -> None:
    done = job("done", [jfile(0, "a.txt", "done", outcome={"path": "a.txt", "outcome": "unchanged"})], job_id=3)
    cancelled = job("cancelled", [jfile(0, "b.txt", "done", outcome={"path": "b.txt", "outcome": "updated"}),
                                  jfile(1, "c.txt", "cancelled")], job_id=2, user=None)
    failed = job("failed", [jfile(0, "d.txt", "pending")], job_id=1, error="RuntimeError: disk full")
    html = jobs_html([done, cancelled, failed], "en")
    assert "<button" not in html and html.count("<details>") == 3
    assert "unchanged: 1" in html and "updated: 1" in html and "not added (cancelled): 1" in html
    assert "command line" in html  # `kb add` jobs have no signed-in user
    assert "Failed: RuntimeError: disk full" in html
    queued = jobs_html([job("queued", [jfile(0, "e.txt", "pending")])], "en")
    assert "queued" in queued and "<button" in queued
    stopping = jobs_html([job("cancelling", [jfile(0, "e.txt", "pending")])], "en")
    assert "stopping: the file being read is not added" in stopping and "<button" not in stopping
    assert "Cancel" not in jobs_html([RUNNING], "en", can_cancel=False)
    assert "No upload jobs yet." in jobs_html([], "en")


def test_the_panel_is_in_the_page_language_and_direction() -> None:
    ar = jobs_html([RUNNING], "ar")
    assert 'dir="rtl"' in ar and "قيد التشغيل" in ar and "إلغاء" in ar and "4 ملفات" in ar
    assert "&lt;img" in ar and not re.search(r"[{}`$]", ar)
    fr = jobs_html([RUNNING], "fr")
    assert 'dir="ltr"' in fr and "en cours" in fr and "Annuler" in fr and "calcul des vecteurs : 3 sur 12" in fr
    assert "4 fichiers" in jobs_html([RUNNING], "fr")


@pytest.fixture
def act(tmp_path: Path) -> Iterator[Actions]:
    from kb import KnowledgeBase

    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    pw = hash_password("pw", iterations=1000)
    a = Actions(kb, {"ana": User("ana", "coordinator", pw), "vic": User("vic", "viewer", pw)})
    a.jobs_worker.stop()  # the page's background worker would run the jobs these tests hold
    yield a
    a.on_kb(kb.close)


def notes(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"note-{i}.md").write_text(f"# Note {i}\n\nThe youth programme {i} met partners.\n", "utf-8")
    return sorted(folder.iterdir())


def test_a_coordinator_cancels_a_queued_job_and_a_viewer_is_refused(act: Actions, tmp_path: Path) -> None:
    job_id = act.kb.submit(notes(tmp_path / "in", 2), user="ana")
    html, seen, active = act.jobs_panel("ana", "en")
    assert active and html is not None and "queued" in html and "note-1.md" in html
    assert act.jobs_panel("ana", "en", seen) == (None, seen, True)  # a tick with nothing new sends nothing
    assert act.jobs_panel("vic", "en") == ("", "", False)  # not a viewer's tab: nothing to show
    with pytest.raises(UiError, match="viewer cannot add documents"):
        act.cancel_job("vic", job_id)
    assert act.kb.jobs.get(job_id).state == "queued"  # type: ignore[union-attr]
    assert "is cancelled" in act.cancel_job("ana", str(job_id))
    assert act.kb.jobs.get(job_id).state == "cancelled"  # type: ignore[union-attr]
    html, seen2, active = act.jobs_panel("ana", "en", seen)
    assert html is not None and seen2 != seen and not active and "cancelled" in html
    assert act.jobs_panel("ana", "en", seen2) == (None, seen2, False)  # nothing changed: nothing sent
    (entry,) = act.kb.log(action="job.cancel")
    assert entry.actor == "ana" and entry.target == f"job {job_id}" and entry.detail["after"] == "cancelled"
    assert "had already ended (cancelled)" in act.cancel_job("ana", job_id)
    for unknown in (job_id + 100, "", None, "7; DROP TABLE jobs"):
        with pytest.raises(UiError, match="There is no job"):
            act.cancel_job("ana", unknown)
    assert len(act.kb.log(action="job.cancel")) == 1


def test_cancelling_a_running_job_keeps_the_files_it_committed(act: Actions, tmp_path: Path) -> None:
    from kb.distributed import make_preparer
    from kb.jobs import JobWorker

    kb = act.kb
    files = notes(tmp_path / "in", 4)
    job_id = kb.submit(files, user="ana")
    worker = JobWorker(kb.catalog, kb.indexes, kb.settings, lambda: make_preparer("inline", kb.settings, kb.indexes))
    seen: dict[str, str] = {}

    def progress(done: int, total: int, name: str) -> None:
        if done == 2:  # the page, while it runs
            html, _, active = act.jobs_panel("ana", "en")
            seen["html"] = html or ""
            seen["status"] = act.cancel_job("ana", job_id)

    worker.run(job_id, progress)
    worker.stop()
    assert "running" in seen["html"] and "added: 2" in seen["html"] and "<button" in seen["html"]
    assert "is stopping: the file being read is not added" in seen["status"]
    html, _, active = act.jobs_panel("ana", "en")
    assert not active and html is not None and "cancelled" in html and "not added (cancelled): 2" in html
    assert {d.source for d in kb.documents()} == {f.name for f in files[:2]}


def test_an_upload_cancelled_before_its_files_were_read_says_which_were_not_added(act: Actions, tmp_path: Path) -> None:
    import threading

    result: list[tuple[str, list[list[object]]]] = []
    adding = threading.Thread(target=lambda: result.append(
        act.add("ana", notes(tmp_path / "in", 2), None, {})))
    adding.start()  # the worker is stopped: the job waits in the queue
    for _ in range(100):
        queued = act.kb.jobs.latest()
        if queued:
            break
        threading.Event().wait(0.05)
    act.cancel_job("ana", queued[0].id)
    adding.join(timeout=30)
    status, rows = result[0]
    assert "Cancelled: 0 added" in status and "2 files not added" in status and "Done" not in status
    assert [r[1] for r in rows] == ["not added (cancelled)"] * 2 and rows[0][0] == "note-0.md"


def test_on_a_phone_the_panel_fits_and_cancel_is_in_reach(browser: object) -> None:
    """QA: at 390 px the six columns ran ~100 px past the screen (which does not scroll sideways), the
    file names were clipped and "Cancelar" was out of reach. Drawn with the app's own style sheet."""
    css = (Path(__file__).resolve().parents[2] / "ui" / "static" / "app.css").read_text(encoding="utf-8")
    page = browser.new_page(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    try:
        page.set_content(f"<!doctype html><html><head><style>{css}</style></head><body style='margin:8px'>"
                         f"{jobs_html([RUNNING], 'es')}</body></html>")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        cancel = page.locator("button.kb-job-cancel").bounding_box()
        assert cancel is not None and cancel["x"] >= 0 and cancel["x"] + cancel["width"] <= 390, cancel
        assert page.locator(".kb-job-file-name").first.bounding_box()["x"] >= 0  # type: ignore[index]
    finally:
        page.close()


def test_an_upload_waiting_behind_another_says_it_waits(act: Actions, tmp_path: Path) -> None:
    """QA pass 14: an upload queued behind a colleague's said "Reading scan.pdf (file 1 of 1)" for 70 s
    while the panel below said it waited."""
    import threading

    told: list[int] = []
    done: dict[str, object] = {}
    (upload,) = notes(tmp_path / "mine", 1)
    first = act.kb.submit(notes(tmp_path / "theirs", 2), user="claire")
    assert act.kb.jobs.claim("a-colleagues-server", first) is not None  # it runs: the upload waits its turn

    def add() -> None:
        done["status"] = act.add("ana", [upload], None, {}, waiting=lambda: told.append(1), lang="en")

    thread = threading.Thread(target=add)
    thread.start()  # the page's worker is stopped (the fixture): nothing else takes the job
    deadline = time.monotonic() + 30
    while not told:
        assert time.monotonic() < deadline, "the waiting upload never said so"
        time.sleep(0.05)
    job = act.kb.jobs.latest(1)[0]
    assert job.state == "queued" and job.id != first
    act.cancel_job("ana", job.id)
    thread.join(timeout=30)
    assert "Cancelled" in str(done["status"])
    # alone, an upload not yet taken by the worker does not say it waits for another (it is read next)
    told.clear()
    thread = threading.Thread(target=add)
    act.kb.jobs.finish(first, "cancelled")  # the colleague's job ends
    thread.start()
    deadline = time.monotonic() + 30
    while act.kb.jobs.latest(1)[0].id == job.id:  # its job is created
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(1.0)  # several polls of the queued job
    assert not told
    act.cancel_job("ana", act.kb.jobs.latest(1)[0].id)
    thread.join(timeout=30)
