"""Creating ingest jobs and running them: in the web server's background thread, or in the command
that created them (`kb add`, `kb reread`, `kb jobs resume`).

The background worker claims one job at a time (so two uploads of the same file run one after the
other: the second is `unchanged`), prepares its files in a niced worker process (or on Ray) and
commits them here. On start it first resumes the jobs a crashed or restarted server left running.
"""

from __future__ import annotations

import errno
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from kb.distributed.pool import Preparer
from kb.indexing.indexes import Indexes, Progress
from kb.ingesting.files import collect
from kb.ingesting.ingestor import Committed
from kb.jobs.runner import run_job
from kb.jobs.store import JobStore, this_owner
from kb.settings import Settings
from kb.store.catalog import Catalog
from kb.types import AddReport

__all__ = ["JobWorker", "create_add_job", "create_reread_job", "RETRIES"]

log = logging.getLogger(__name__)
RETRIES = 3  # a job whose preparer broke (a worker process killed) is run again this often, then failed


def create_add_job(store: JobStore, paths: Sequence[Path], *, user: str | None = None,
                   manifest: Path | None = None, metadata: dict[str, Any] | None = None,
                   folder: Path | None = None, names: dict[str, str] | None = None, owner: str | None = None) -> int:
    """A queued `add` job for files and folders (walked now, as `kb add` walks them).

    Args:
        folder: staged uploads to delete when the job ends.
        names: the name to show for a path (an upload's own name rather than its staged one).
        owner: created already running under this owner (see `JobStore.create`).

    Raises:
        FileNotFoundError: the manifest is not a file (before any job exists: it would only fail).
        MetadataError: the manifest cannot be read as one (no `file` column, not UTF-8, a file twice):
            said before any job exists too (QA pass 15: the job failed, with a traceback).
    """
    from ingest import load_manifest

    if manifest is not None and not manifest.is_file():
        raise FileNotFoundError(errno.ENOENT, "No such manifest file", str(manifest))
    if manifest is not None:
        load_manifest(manifest)
    report = AddReport()
    files = collect(list(paths), report, manifest.resolve() if manifest else None)
    names = names or {}
    rows = [(str(p), source, names.get(str(p), source)) for p, source in files]
    rows += [(f.path, f.path, f.path) for f in report.files]  # missing or refused: failed at once
    options = {"manifest": str(manifest) if manifest else None, "metadata": metadata or {}}
    job_id = store.create("add", rows, user=user, options=options, folder=str(folder) if folder else None,
                          owner=owner)
    for i, outcome in enumerate(report.files, start=len(files)):
        store.done(job_id, i, outcome)
    return job_id


def create_reread_job(store: JobStore, catalog: Catalog, settings: Settings, *, user: str | None = None,
                      owner: str | None = None) -> int | None:
    """A queued `reread` job: what `kb.ingesting.batches.to_reread` names (an older reader's or chunker's
    documents, scans OCR can now read), each from its stored original; None, and no empty job in the
    list, when there is nothing to read again."""
    from kb.ingesting.batches import to_reread
    from kb.store.originals import original_path

    stale = to_reread(catalog, settings)
    if not stale:
        return None
    rows = [(str(original_path(settings.home, d) or d.source), d.source, d.source) for d in stale]
    return store.create("reread", rows, user=user, owner=owner)


class JobWorker:
    """Runs ingest jobs of one KB, in a background thread or on the caller's.

    Args:
        catalog, indexes, settings: the KB's parts (its facade's).
        make_preparer: builds where files are prepared (built on first need, rebuilt if it breaks).
        remote_paths: the preparer cannot read local paths (send each file's bytes).
        idle: seconds between looks for new jobs when none is waiting (a submit wakes it at once).
        committed: called after each commit, as by a local ingest (kb.atlas labels the new chunks).
        finished: called with the job and its report when it has run (the audit trail records its files
            as added by the job's user).
    """

    def __init__(self, catalog: Catalog, indexes: Indexes, settings: Settings,
                 make_preparer: Callable[[], Preparer], *, remote_paths: bool = False, idle: float = 2.0,
                 committed: Committed | None = None,
                 finished: Callable[[Any, AddReport], None] | None = None) -> None:
        self.catalog, self.indexes, self.settings = catalog, indexes, settings
        self.finished = finished
        self.store = JobStore(catalog)
        self.make_preparer = make_preparer
        self.remote_paths = remote_paths
        self.committed = committed
        self.idle = idle
        self.owner = this_owner()
        self._preparer: Preparer | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.reports: dict[int, AddReport] = {}

    def run(self, job_id: int, progress: Progress | None = None) -> AddReport | None:
        """Claim this job and run it to its end here (None when another live process runs it); a job
        created under this worker's owner (`create_add_job(owner=)`) is its own already."""
        job = self.store.get(job_id)
        if job is None or job.owner != self.owner or job.state not in ("running", "cancelling"):
            job = self.store.claim(self.owner, job_id)
        return self._run(job_id, job, progress) if job is not None else None

    def run_pending(self) -> list[int]:
        """Run every job that can be claimed (queued, or left by a dead owner). Returns their ids."""
        ran = []
        while not self._stop.is_set():
            job = self.store.claim(self.owner)
            if job is None:
                break
            self._run(job.id, job)
            ran.append(job.id)
        return ran

    def _run(self, job_id: int, job: Any, progress: Progress | None = None) -> AddReport | None:
        for attempt in range(1, RETRIES + 1):
            try:
                report = run_job(self.catalog, self.indexes, self.settings, self.store, job, self.preparer,
                                 remote_paths=self.remote_paths, stop=self._stop, progress=progress,
                                 committed=self.committed)
                self.reports[job_id] = report
                if self.finished is not None:
                    self.finished(job, report)
                return report
            except BrokenProcessPool as err:  # the worker process died: a new one, the rest of the files
                log.warning("job %s: worker process lost (%s); attempt %s of %s", job_id, err, attempt, RETRIES)
                self._reset_preparer()
                job = self.store.claim(self.owner, job_id) or self.store.get(job_id)
            except Exception as err:
                log.exception("job %s failed", job_id)
                self.store.finish(job_id, "failed", error=f"{type(err).__name__}: {err}")
                raise
        self.store.finish(job_id, "failed", error="The worker process was lost again and again.")
        return None

    @property
    def preparer(self) -> Preparer:
        if self._preparer is None:
            self._preparer = self.make_preparer()
        return self._preparer

    def _reset_preparer(self, now: bool = False) -> None:
        if self._preparer is not None:
            try:
                self._preparer.close(now)
            except Exception:  # noqa: BLE001 - a broken pool may fail to close; a new one is made anyway
                log.debug("closing a broken preparer failed", exc_info=True)
            self._preparer = None

    # --- in the background (the web server) -------------------------------------------------------

    def start(self) -> None:
        """Run jobs in a background thread: first those a previous server left, then each new one."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="kb-jobs", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Look for a new job now (after a submit)."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_pending()
            except Exception:  # noqa: BLE001 - logged and marked failed in _run; keep serving the others
                log.exception("a job failed")
            self._wake.wait(self.idle)
            self._wake.clear()

    def stop(self) -> None:
        """Stop the running job (it resumes at the next start, from the file it was on) and close the preparer."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
        self._reset_preparer(now=True)  # a file being read is not waited for: it is read again at the next start
