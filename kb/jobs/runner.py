"""Running one ingest job: its files not yet done, each prepared by a `Preparer` (here, a worker
process or a Ray cluster) and committed here, one at a time, in the same transaction that marks the
file done in the job (so a file is never committed twice, and a restart redoes only the rest).

Between files, and while it waits for the file being prepared, the runner looks for a cancel: a
cancelled job keeps the files it committed; the rest, the file being read too, are marked cancelled,
none half written (a file is committed in one transaction or not at all). A long scan's OCR once ran
on to its end and was added after "Cancel".
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from kb.distributed.pool import Preparer
from kb.distributed.prepare import FileTask
from kb.indexing.indexes import Indexes, Progress
from kb.ingesting.batches import SAVE_EVERY_FILES
from kb.ingesting.ingestor import Committed, Ingestor, Parsed, failed_outcome, laid_over
from kb.jobs.progress import JobProgress
from kb.jobs.store import Job, JobFile, JobStore
from kb.settings import Settings
from kb.store.catalog import Catalog, now
from kb.types import AddReport, DocumentNotFound, FileOutcome

__all__ = ["run_job", "BEAT_SECONDS"]

BEAT_SECONDS = 20.0


def run_job(catalog: Catalog, indexes: Indexes, settings: Settings, store: JobStore, job: Job,
            preparer: Preparer, *, remote_paths: bool = False, stop: threading.Event | None = None,
            progress: Progress | None = None, committed: Committed | None = None) -> AddReport:
    """Run a claimed job to its end (done or cancelled). Returns the report of all its files.

    Args:
        progress: called as progress(done, total, name) after each file.
        committed: called after each commit, as by a local ingest (kb.atlas labels the new chunks).
        stop: set when the process shuts down: the job stops (a file it was waiting for is read again
            later) and stays `running`, to be resumed by the next process that claims it.
        remote_paths: the preparer cannot read this machine's files (a Ray cluster of other
            machines): each file's bytes are sent with its task.
    """
    started = now()
    options = job.options
    manifest = options.get("manifest")
    ingestor = Ingestor(catalog, indexes, settings, manifest=manifest, metadata=options.get("metadata") or {},
                        committed=committed)
    outcomes: dict[int, FileOutcome] = {f.ordinal: FileOutcome(**f.outcome) for f in job.files
                                        if f.state == "done" and f.outcome}
    todo = [f for f in job.files if f.state not in ("done", "cancelled")]
    known = set(catalog.known_sha256())
    names = [s.name for s in indexes.active()]
    documents = {f.ordinal: catalog.document_by_source(f.source) for f in todo} if job.kind == "reread" else {}
    ahead: deque[tuple[JobFile, Future[Parsed] | FileOutcome]] = deque()
    stop_beating = threading.Event()
    state = {"value": store.beat(job.id)}

    def beat() -> None:
        while not stop_beating.wait(BEAT_SECONDS):
            state["value"] = store.beat(job.id)

    beater = threading.Thread(target=beat, name=f"kb-job-{job.id}-beat", daemon=True)
    beater.start()

    def submit(f: JobFile) -> Future[Parsed] | FileOutcome:
        from ingest import MetadataError

        path = Path(f.path)
        known_now: frozenset[str]
        try:
            if job.kind == "reread":
                doc = documents[f.ordinal]
                if doc is None:
                    raise DocumentNotFound(f.source)
                meta, fallback, known_now = doc.metadata, Path(doc.source).stem, frozenset()
            else:
                # encoded with the metadata the commit will store (the chunk headers name city and country)
                meta = laid_over(catalog.document_by_source(f.source), ingestor.metadata_for(path))
                fallback, known_now = path.stem, frozenset(known)
        except (MetadataError, DocumentNotFound, OSError) as err:
            return failed_outcome(f.path, err)
        data = path.read_bytes() if remote_paths and path.is_file() else None
        task = FileTask(str(path), meta, fallback, known_now, data)
        return preparer.submit(task, names, JobProgress(str(catalog.path), job.id, f.ordinal))

    since_save = 0
    try:
        queue = deque(todo)
        while queue or ahead:
            while queue and len(ahead) < max(1, preparer.ahead):
                f = queue.popleft()
                ahead.append((f, submit(f)))
            f, prepared = ahead.popleft()
            if stop is not None and stop.is_set():
                state["value"] = "stopping"
                break
            if state["value"] == "cancelling" or store.beat(job.id) == "cancelling":
                state["value"] = "cancelling"
                break
            store.working(job.id, f.ordinal)
            if isinstance(prepared, Future):
                why = _wait(prepared, lambda: "stopping" if stop is not None and stop.is_set()
                            else "cancelling" if store.state(job.id) == "cancelling" else None)
                if why is not None:  # the file is dropped (its worker stops at its next page: JobProgress)
                    state["value"] = why
                    ahead.appendleft((f, prepared))
                    break
            outcome = _commit(ingestor, store, job, f, prepared, documents.get(f.ordinal))
            outcomes[f.ordinal] = outcome
            if progress:
                progress(len(outcomes), len(job.files), f.name)
            if outcome.outcome in ("added", "updated"):
                since_save += 1
                sha = _sha(prepared)
                if sha:
                    known.add(sha)
            if since_save >= SAVE_EVERY_FILES:
                with indexes.guard.writer():
                    indexes.save()
                since_save = 0
    finally:
        stop_beating.set()
        for _, prepared in ahead:
            if isinstance(prepared, Future):
                prepared.cancel()
        with indexes.guard.writer():
            indexes.save()
    report = AddReport(files=[outcomes[o] for o in sorted(outcomes)])
    if state["value"] == "stopping":
        return report  # left running: resumed where it stopped by the next process to claim it
    if state["value"] == "cancelling":
        store.finish(job.id, "cancelled")
        # said, not dropped: `kb add` listed only the files it added (QA pass 15)
        report.not_added = [f.path for f in job.files if f.ordinal not in outcomes and f.state != "done"]
    else:
        catalog.record_run(started, report.to_dict())
        store.finish(job.id, "done")
    if job.folder:
        shutil.rmtree(job.folder, ignore_errors=True)  # staged uploads: the KB keeps its own copies
    return report


def _wait(prepared: Future[Parsed], interrupted: Callable[[], str | None], every: float = 0.5) -> str | None:
    """Wait for a file being prepared; what interrupted the wait ("cancelling", "stopping"), or None
    when the file is ready (or failed: its error is the commit's to report)."""
    while True:
        try:
            prepared.exception(timeout=every)
            return None
        except TimeoutError:
            why = interrupted()
            if why is not None:
                return why


def _commit(ingestor: Ingestor, store: JobStore, job: Job, f: JobFile, prepared: Future[Parsed] | FileOutcome,
            document: object | None) -> FileOutcome:
    """Commit one prepared file and mark it done, in one transaction when it commits a document."""
    if isinstance(prepared, FileOutcome):
        store.done(job.id, f.ordinal, prepared)
        return prepared
    recorded: list[bool] = []

    def on_commit(db: sqlite3.Connection, outcome: FileOutcome) -> None:
        store.record(db, job.id, f.ordinal, outcome)
        recorded.append(True)

    with ingestor.indexes.guard.writer():
        ingestor.on_commit = on_commit
        try:
            if job.kind == "reread":
                outcome = ingestor.reread(document, parsed=prepared.result())  # type: ignore[arg-type]
            else:
                outcome = ingestor.add_one(Path(f.path), f.source, prepared)
        finally:
            ingestor.on_commit = None
    if not recorded:
        store.done(job.id, f.ordinal, outcome)
    return outcome


def _sha(prepared: Future[Parsed] | FileOutcome) -> str | None:
    if isinstance(prepared, Future) and prepared.done() and not prepared.cancelled():
        got = prepared.result()
        return got.sha256
    return None
