"""The ingest jobs' methods on KnowledgeBase (`kb.jobs`: ingest in the background; `kb.distributed`:
where files are prepared), kept here so the KnowledgeBase only inherits them, as it does the atlas's."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.audit.trail import actor_of
from kb.jobs.store import JobStore
from kb.jobs.worker import JobWorker, create_add_job, create_reread_job
from kb.types import AddReport, FileOutcome

__all__ = ["JobMethods", "JobInterrupted"]


class JobInterrupted(KeyboardInterrupt):
    """A job run here was stopped by Ctrl+C; `report` says what it had done (`not_added`: the rest)."""

    def __init__(self, report: AddReport) -> None:
        super().__init__()
        self.report = report

if TYPE_CHECKING:
    from kb.atlas.atlas import Atlas
    from kb.audit.trail import AuditTrail
    from kb.indexing.indexes import Indexes, Progress
    from kb.settings import Settings
    from kb.store.catalog import Catalog


class JobMethods:
    """Mixed into KnowledgeBase (which provides `catalog`, `indexes`, `settings`, `audit`, `atlas` and
    `_record_files`, the audit records of a finished batch)."""

    catalog: Catalog
    indexes: Indexes
    settings: Settings
    audit: AuditTrail
    _worker: JobWorker | None = None
    _record_files: Callable[[AddReport, str | None], None]

    if TYPE_CHECKING:  # AtlasMethods's: the labeller of what a job commits
        @property
        def atlas(self) -> Atlas: ...

    @property
    def jobs(self) -> JobStore:
        """The ingest jobs in the catalog (`kb jobs`)."""
        return JobStore(self.catalog)

    def worker(self, where: str = "inline") -> JobWorker:
        """The job worker of this KB (one per KB object; `where` chosen by the first call): "inline"
        (this process, `kb add`), "process" (a niced worker process: the web server) or
        "ray:ADDRESS" (a Ray cluster). `start()` it to run jobs in the background."""
        if self._worker is None:
            from kb.distributed import make_preparer

            self._worker = JobWorker(self.catalog, self.indexes, self.settings,
                                     lambda: make_preparer(where, self.settings, self.indexes),
                                     remote_paths=where.startswith("ray:"), committed=self.atlas.label_added,
                                     finished=lambda job, report: self._record_files(report, job.user))
        return self._worker

    def submit(self, paths: Iterable[str | Path], manifest: str | Path | None = None,
               metadata: dict[str, Any] | None = None, *, user: str | None = None,
               folder: Path | None = None, names: dict[str, str] | None = None, owner: str | None = None) -> int:
        """Queue an `add` job (files and folders, walked now); a started worker runs it. Returns its id.

        Args:
            user: who started it (recorded with the job).
            folder: staged uploads to delete when the job ends; names: what to show for each path.
            owner: created already running under this worker owner (`add_job`: see `JobStore.create`).

        Raises:
            FileNotFoundError: `manifest` is not a file (no job is created).
        """
        job_id = create_add_job(self.jobs, [Path(p) for p in paths], user=user,
                                manifest=Path(manifest) if manifest else None, metadata=metadata,
                                folder=folder, names=names, owner=owner)
        if self._worker is not None:
            self._worker.wake()
        return job_id

    def submit_reread(self, *, user: str | None = None) -> int | None:
        """Queue a `reread` job (the web page's "Read them again"), run by a started worker, shown in
        the jobs panel and resumed after a restart like an upload. None when there is nothing to read
        again (no empty job in the list)."""
        job_id = create_reread_job(self.jobs, self.catalog, self.settings, user=user)
        if job_id is not None and self._worker is not None:
            self._worker.wake()
        return job_id

    def cancel_job(self, job_id: int, *, by: str | None = None) -> str:
        """Ask an ingest job to stop (`kb jobs cancel`, the web page's jobs panel): a queued one is
        cancelled at once, a running one drops the file it is reading (the files it committed stay).

        Returns:
            The job's state now: "cancelled", "cancelling", or the state of one that had ended.

        Raises:
            KeyError: there is no such job.
        """
        before = self.jobs.get(int(job_id), files=False)
        state = self.jobs.cancel(int(job_id))
        if before is not None and before.state != state:
            self.audit.record(actor_of(by), "job.cancel", f"job {int(job_id)}",
                              {"before": before.state, "after": state, "started_by": before.user})
        return state

    def add_job(self, paths: Iterable[str | Path], manifest: str | Path | None = None,
                metadata: dict[str, Any] | None = None, progress: Progress | None = None,
                where: str = "inline") -> AddReport:
        """`add` as a job run here (`kb add`): recorded in the catalog, resumable if interrupted.

        Raises:
            RayUnavailable: `where` names a Ray cluster that cannot be used (before any job exists).
            FileNotFoundError: `manifest` is not a file (no job is created).
        """
        worker = self.worker(where)
        worker.preparer  # noqa: B018 - connect first: an unreachable cluster fails before any work
        # created as this worker's own: a server's worker on the same KB must not claim it first
        job_id = self.submit(paths, manifest, metadata, owner=worker.owner)
        return self._run_here(worker, job_id, progress)

    def reread_job(self, progress: Progress | None = None, where: str = "inline") -> AddReport:
        """`reread` as a job run here (`kb reread`, `--ray`); no job when there is nothing to read again."""
        self.worker(where).preparer  # noqa: B018 - connect first (see add_job)
        job_id = create_reread_job(self.jobs, self.catalog, self.settings, owner=self.worker(where).owner)
        return self._run_here(self.worker(where), job_id, progress) if job_id is not None else AddReport()

    def _run_here(self, worker: JobWorker, job_id: int, progress: Progress | None) -> AddReport:
        """Run a job in this process to its end.

        Raises:
            JobInterrupted: Ctrl+C (or SIGTERM, which `kb` turns into it) stopped it. What was committed
                stays; the job ends cancelled, so no server resumes what its user stopped (QA pass 15: it
                stayed "running", and the next `kb serve` quietly added the files), and the exception
                carries the report so far, the files not added in `not_added`.
        """
        try:
            return worker.run(job_id, progress) or AddReport()
        except KeyboardInterrupt as stop:
            self.jobs.finish(job_id, "cancelled")
            job = self.jobs.get(job_id)
            files = job.files if job is not None else []
            report = AddReport(files=[FileOutcome(**f.outcome) for f in files if f.outcome],
                               not_added=[f.path for f in files if not f.outcome])
            raise JobInterrupted(report) from stop
