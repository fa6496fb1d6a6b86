"""The coordinator's operations: the Library tab (metadata, removal, re-reading, the manifest
download) and the Add documents tab, each checked against the caller's role (no gradio import)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kb import METADATA_FIELDS
from kb.access import can
from kb.jobs.store import ACTIVE, FINISHED
from ui import render
from ui.actions_base import META_FIELDS, BaseActions, UiError, clean_form
from ui.jobs_render import job_choices, job_rows, job_status
from ui.uploads import stage_uploads

__all__ = ["LibraryActions"]


class LibraryActions(BaseActions):
    """What the Library and Add documents tabs do."""

    # --- library (coordinators) --------------------------------------------------------------

    def library(self, user: str | None) -> tuple[list[list[Any]], list[tuple[str, int]], str]:
        """(table rows, document choices, last ingest report HTML)."""
        self.check(user, "search")
        docs = self.kb.documents()
        return (
            render.library_rows(docs),
            [(f"{d.id}: {d.title}", d.id) for d in docs],
            render.report_html(self.kb.last_report()),
        )

    def library_manifest(self, user: str | None) -> Path:
        """Every document's metadata as a manifest CSV (UTF-8 with a BOM, so spreadsheets read it right)."""
        from ingest import dump_manifest

        self.check(user, "search")
        path = self.exports_dir / "library-metadata.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = dump_manifest((d.source, d.metadata) for d in self.kb.documents())
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8-sig")
        tmp.replace(path)
        return path

    def stale_count(self, user: str | None) -> int:
        """How many documents an older version of the readers or chunker read (0 for a viewer)."""
        return self.kb.stale_count() if can(self.role(user), "add") else 0  # only those who may add can act on it

    def reread(self, user: str | None, progress: Callable[[int, int, str], None] | None = None) -> str:
        """Read those documents again from their stored originals (`KnowledgeBase.reread`)."""
        self.check(user, "add")
        report = self.kb.reread(progress=progress)
        if not report.files:
            return render.message("Every document is already read by the current version.", "ok")
        failed = [f"{f.path}: {f.reason}" for f in report.files if f.outcome == "failed"]
        text = f"Read again: {report.summary()}." + (" " + " ".join(failed) if failed else "")
        return render.message(text, "ok" if report.ok else "error")

    def metadata_of(self, user: str | None, doc_id: int | None) -> dict[str, Any]:
        """The edit form's values for a document ({} when none is chosen)."""
        self.check(user, "edit")
        doc = self.kb.document(int(doc_id)) if doc_id not in (None, "") else None  # type: ignore[arg-type]
        if doc is None:
            return {}
        meta = {**doc.metadata, "title": doc.title}
        for field in METADATA_FIELDS:
            value = meta.get(field.name)
            if field.kind == "year":  # a text box (a number box cannot be empty)
                meta[field.name] = str(value or "")
            elif field.kind == "list" and isinstance(value, list):  # a text box; "choices" stay lists (multi-select)
                meta[field.name] = "; ".join(value)
        return meta

    def update_metadata(self, user: str | None, doc_id: int | None, form: Mapping[str, Any]) -> str:
        self.check(user, "edit")
        if doc_id in (None, ""):
            raise UiError("Choose a document to edit.")
        doc = self.kb.document(int(doc_id))  # type: ignore[arg-type]
        if doc is None:
            raise UiError("That document is no longer in the knowledge base.")
        merged = {k: v for k, v in doc.metadata.items() if k not in META_FIELDS}
        merged.update(clean_form(form))
        try:
            updated = self.kb.update_metadata(doc.id, merged)
        except ValueError as err:  # MetadataError: names the field and what is allowed
            raise UiError(str(err)) from err
        return render.message(f"Saved the metadata of “{updated.title}”.", "ok")

    def remove(self, user: str | None, doc_id: int | None, confirmed: bool) -> str:
        self.check(user, "remove")
        if doc_id in (None, ""):
            raise UiError("Choose a document to remove.")
        if not confirmed:
            raise UiError("Tick “I am sure” to remove the document.")
        try:
            removed = self.kb.remove(int(doc_id))  # type: ignore[arg-type]
        except KeyError as err:
            raise UiError(str(err)) from err
        return render.message(
            f"Removed “{removed.title}” ({removed.source}). Drafts keep their copies.", "ok"
        )

    # --- add (coordinators): a background job each (kb.jobs) ------------------------------------------

    def add(
        self,
        user: str | None,
        files: Sequence[str | Path],
        manifest: str | Path | None,
        form: Mapping[str, Any],
    ) -> tuple[str, list[list[Any]], int]:
        """Queue uploaded files (kept under safe names until the job ends) as an ingest job, with the
        form's metadata. The page is free at once; `job_view` shows how far it is.

        Returns:
            (status line HTML, per-file rows, the job id).
        """
        self.check(user, "add")
        if not files:
            raise UiError("Choose one or more files to add.")
        folder = self.kb.settings.home / "jobs" / f"upload-{uuid.uuid4().hex}"
        staged = stage_uploads(folder, files)
        man = stage_uploads(folder / "manifest", [manifest])[0] if manifest else None
        names = {str(p): p.name for p in staged}
        job_id = self.kb.submit(staged, manifest=man, metadata=clean_form(form), user=user, folder=folder,
                                names=names)
        self.jobs_worker.wake()
        if self.wait_for_jobs:
            self.wait(job_id)
        status, rows = self.job_view(user, job_id)
        return status, rows, job_id

    def wait(self, job_id: int, timeout: float = 600.0) -> None:
        """Block until a job has ended (tests, and callers that want the old synchronous add)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.kb.jobs.get(job_id, files=False)
            if job is None or job.state in FINISHED:
                return
            time.sleep(0.05)
        raise UiError(f"Job {job_id} is still running.")

    def job_view(self, user: str | None, job_id: int | None) -> tuple[str, list[list[Any]]]:
        """(status line, per-file rows) of a job, or of the latest one when none is chosen."""
        self.check(user, "add")
        job = self.kb.jobs.get(int(job_id)) if job_id not in (None, "") else None  # type: ignore[arg-type]
        if job is None:
            latest = self.kb.jobs.latest(limit=1)
            job = self.kb.jobs.get(latest[0].id) if latest else None
        return job_status(job), job_rows(job)

    def job_choices(self, user: str | None) -> list[tuple[str, int]]:
        self.check(user, "add")
        return job_choices(self.kb.jobs.latest(limit=30))

    def job_active(self, job_id: int | None) -> bool:
        """Whether this job is queued or running (the page follows it while so, and only then)."""
        job = self.kb.jobs.get(int(job_id), files=False) if job_id not in (None, "") else None  # type: ignore[arg-type]
        return job is not None and job.state in ACTIVE

    def cancel_job(self, user: str | None, job_id: int | None) -> str:
        """Ask a job to stop after the file it is on; files already added stay."""
        self.check(user, "add")
        if job_id in (None, ""):
            raise UiError("Choose the job to cancel.")
        try:
            self.kb.jobs.cancel(int(job_id))  # type: ignore[arg-type]
        except KeyError as err:
            raise UiError("That job does not exist.") from err
        return job_status(self.kb.jobs.get(int(job_id)))  # type: ignore[arg-type]  # state: {state}
