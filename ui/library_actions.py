"""The coordinator's operations: the Library tab (metadata, removal, re-reading, the manifest
download) and the Add documents tab, each checked against the caller's role (no gradio import)."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from ingest import DATA_SUFFIXES, SUPPORTED_SUFFIXES, metadata_problems
from kb import METADATA_FIELDS
from kb.access import LOCAL, Ticket, can
from kb.jobs.store import FINISHED, Job
from kb.types import AddReport, FileOutcome
from ui import render
from ui.actions_base import META_FIELDS, BaseActions, UiError, clean_form, kb_thread
from ui.i18n import t, theme_label, theme_tag
from ui.i18n.kb_errors import metadata_error, outcome_reason
from ui.jobs_actions import SHOWN_JOBS
from ui.render_base import Markup
from ui.uploads import stage_uploads


class Step(Protocol):
    """How far the file being read is: `done` of its `chunks` embedded, at `page` of `pages` when the
    document has pages; `ocr`: those are pages read by OCR, before any chunk (the line said "page 8
    of 20", then "page 1 of 20" as embedding began: QA pass 13)."""

    def __call__(self, path: str, done: int, chunks: int, page: int | None, pages: int | None,
                 ocr: bool = False) -> None: ...


__all__ = ["LibraryActions"]


class LibraryActions(BaseActions):
    """What the Library and Add documents tabs do."""

    # --- library (coordinators) --------------------------------------------------------------

    @kb_thread
    def library(self, user: str | None, lang: str = "en") -> tuple[list[list[Any]], list[tuple[str, int]], str]:
        """(table rows, document choices, last ingest report HTML)."""
        self.check(user, "search")
        docs = self.kb.documents()
        return (
            render.library_rows(docs, lang),
            [(f"{d.id}: {d.title}", d.id) for d in docs],
            render.report_html(self.kb.last_report(), lang),
        )

    @kb_thread
    def library_manifest(self, user: str | None) -> Ticket:
        """Every document's metadata as a manifest CSV (UTF-8 with a BOM, so spreadsheets read it right),
        made for the caller alone (a private address that expires)."""
        from ingest import dump_manifest

        self.check(user, "search")
        text = dump_manifest((d.source, d.metadata) for d in self.kb.documents())

        def write(path: Path) -> Path:
            path.write_text(text, encoding="utf-8-sig")
            return path

        return self.shelf.put(self.owner(user), "library-metadata.csv", write)

    @kb_thread
    def stale_count(self, user: str | None) -> int:
        """How many documents an older version of the readers or chunker read (0 for a viewer)."""
        return self.kb.stale_count() if can(self.role(user), "add") else 0  # only those who may add can act on it

    @kb_thread
    def ocr_pending_count(self, user: str | None) -> int:
        """How many documents hold scans OCR can now read (better) since OCR or a language pack was
        installed (0 for a viewer); "Read them again" reads them too."""
        return len(self.kb.ocr_pending()) if can(self.role(user), "add") else 0

    @kb_thread
    def reread(self, user: str | None, progress: Callable[[int, int, str], None] | None = None,
               lang: str = "en") -> str:
        """Read those documents again from their stored originals, as a job (`submit_reread`: in the jobs
        panel, resumed after a restart, other uploads taking turns with it); waits for it."""
        self.check(user, "add")
        job_id = self.kb.submit_reread(user=user or LOCAL)
        if job_id is None:
            return render.say(lang, "library.all_current", kind="ok")
        self.jobs_worker.wake()
        job = self._follow(job_id, progress, None)
        outcomes, left = job_outcomes(job)
        report = AddReport(files=outcomes)
        if left:
            return render.say(lang, "library.reread_cancelled", summary=counts(report.to_dict(), lang),
                              n=len(left), kind="info")
        failed = [f"{f.path}: {outcome_reason(f.to_dict(), lang)}" for f in report.files if f.outcome == "failed"]
        text = t(lang, "library.read_again", summary=summary(report.to_dict(), lang)) + (
            " " + " ".join(failed) if failed else "")
        return render.message(text, "ok" if report.ok else "error")

    @kb_thread
    def metadata_of(self, user: str | None, doc_id: int | None, lang: str = "en") -> dict[str, Any]:
        """The edit form's values for a document ({} when none is chosen, or the menu holds typed text
        that names none); its known themes by their names in `lang`, as the Library's table shows them
        (the form showed "online-hate; digital-literacy" under "odio en línea; …")."""
        self.check(user, "edit")
        chosen = str(doc_id).strip() if doc_id is not None else ""
        doc = self.kb.document(int(chosen)) if chosen.isdigit() else None
        if doc is None:
            return {}
        meta = {**doc.metadata, "title": doc.title}
        for field in METADATA_FIELDS:
            value = meta.get(field.name)
            if field.kind == "year":  # a text box (a number box cannot be empty)
                meta[field.name] = str(value or "")
            elif field.name == "themes" and isinstance(value, list):
                meta[field.name] = "; ".join(theme_label(str(v), lang) for v in value)
            elif field.kind == "list" and isinstance(value, list):  # a text box; "choices" stay lists (multi-select)
                meta[field.name] = "; ".join(value)
        return meta

    @kb_thread
    def update_metadata(self, user: str | None, doc_id: int | None, form: Mapping[str, Any],
                        lang: str = "en") -> str:
        self.check(user, "edit")
        if doc_id in (None, ""):
            raise UiError("error.choose_document")
        doc = self.kb.document(int(doc_id))  # type: ignore[arg-type]
        if doc is None:
            raise UiError("error.document_gone")
        merged = {k: v for k, v in doc.metadata.items() if k not in META_FIELDS}
        merged.update(tagged(clean_form(form)))
        check_metadata(merged)
        region = merged.get("region")
        known = self.kb.atlas.regions()
        try:
            updated = self.kb.update_metadata(doc.id, merged, by=user or LOCAL)
        except ValueError as err:  # MetadataError: names the field and what is allowed
            msg = metadata_error(str(err))
            raise UiError(msg.key, **msg.params) from err
        saved = render.say(lang, "library.saved", title=updated.title, kind="ok")
        if region and known and region not in known:
            # region is free text (the network names its regions); a new one, often a variant
            # spelling, splits comparable cities and the filter: said, with the regions in use
            return saved + render.say(lang, "library.new_region", region=region, known=", ".join(known), kind="info")
        return saved

    @kb_thread
    def remove(self, user: str | None, doc_id: int | None, confirmed: bool, lang: str = "en") -> str:
        self.check(user, "remove")
        if doc_id in (None, ""):
            raise UiError("error.choose_document_remove")
        if not confirmed:
            raise UiError("error.confirm_remove")
        try:
            removed = self.kb.remove(int(doc_id), by=user or LOCAL)  # type: ignore[arg-type]
        except KeyError as err:
            raise UiError("error.document_gone") from err
        return render.say(lang, "library.removed", title=removed.title, source=removed.source,
                          days=self.kb.settings.trash_days, kind="ok")

    # --- add (coordinators) ------------------------------------------------------------------

    @kb_thread
    def add(
        self,
        user: str | None,
        files: Sequence[str | Path],
        manifest: str | Path | None,
        form: Mapping[str, Any],
        progress: Callable[[int, int, str], None] | None = None,
        step: Step | None = None,
        lang: str = "en",
        waiting: Callable[[], None] | None = None,
    ) -> tuple[str, list[list[Any]]]:
        """Add uploaded files as an ingest job (kb.jobs: recorded in the catalog, read and embedded by the
        server's niced worker process, resumed if the server stops), with the form's metadata; waits for
        it, telling `progress` and `step` how far it is (searches meanwhile are not held).

        Returns:
            (status line HTML, per-file outcome rows).
        """
        self.check(user, "add")
        if not files:
            raise UiError("error.choose_files")
        # checked before any job: a wrong value would fail every file of the batch, and the person
        # would choose the files and fill the form again
        form = tagged(clean_form(form))
        check_metadata(form)
        if form.get("title") and len(files) > 1:  # several documents would share one title
            raise UiError("error.title_one_file", n=len(files))
        refused = [unsupported(Path(f).name) for f in files if not uploadable(Path(f).name)]
        files = [f for f in files if uploadable(Path(f).name)]
        try:
            job = self._run_upload(user, files, manifest, form, progress, step, waiting) if files else None
        except ValueError as err:  # MetadataError: a manifest that is not one, refused before any job
            msg = metadata_error(str(err))
            raise UiError(msg.key, **msg.params) from err
        done, left = job_outcomes(job) if job else ([], [])
        outcomes = refused + done
        data = AddReport(files=outcomes).to_dict()
        rows = render.outcome_rows(data, lang)
        if left:
            rows += [[name, t(lang, "jobs.file.cancelled"), "", "", "", "", ""] for name in left]
            return render.say(lang, "add.cancelled", summary=counts(data, lang), n=len(left), kind="info"), rows
        kind = "ok" if all(o.outcome != "failed" for o in outcomes) else "error"
        return render.say(lang, "add.done", summary=counts(data, lang), kind=kind), rows

    def _run_upload(self, user: str | None, files: Sequence[str | Path], manifest: str | Path | None,
                    form: Mapping[str, Any], progress: Callable[[int, int, str], None] | None,
                    step: Step | None, waiting: Callable[[], None] | None = None) -> Job:
        """Stage the files, submit them as one job with the (cleaned) form's metadata, and follow it to
        its end."""
        folder = self.kb.settings.home / "jobs" / f"upload-{uuid.uuid4().hex}"
        staged = stage_uploads(folder, files)
        man = stage_uploads(folder / "manifest", [manifest])[0] if manifest else None
        job_id = self.kb.submit(staged, manifest=man, metadata=dict(form), user=user or LOCAL, folder=folder,
                                names={str(p): p.name for p in staged})
        self.jobs_worker.wake()
        return self._follow(job_id, progress, step, waiting)

    def _another_running(self, job_id: int) -> bool:
        """Whether another job runs now (a queued one waits for it; one not yet claimed does not)."""
        return any(j.id != job_id and j.state in ("running", "cancelling") for j in self.kb.jobs.latest(SHOWN_JOBS))

    def _follow(self, job_id: int, progress: Callable[[int, int, str], None] | None, step: Step | None,
                waiting: Callable[[], None] | None = None) -> Job:
        """Wait for a job to end, reporting each file as it goes (the job runs in the background), and
        `waiting` while it waits its turn behind another (QA pass 14: it said "Reading …" for 70 s)."""
        while True:
            job = self.kb.jobs.get(job_id)
            assert job is not None
            if job.state in FINISHED:
                return job
            if job.state == "queued" and waiting and self._another_running(job_id):
                waiting()
            done = sum(f.state == "done" for f in job.files)
            working = next((f for f in job.files if f.state == "working"), None)
            if working is not None:
                if progress:
                    progress(done, len(job.files), working.name)
                if step and working.step == "embedding" and working.total:
                    step(working.name, working.done, working.total, None, None)
                elif step and working.step == "page" and working.total > 1:  # "page 1 of 1" says nothing
                    step(working.name, working.done, working.total, working.done, working.total)
                elif step and working.step == "reading" and working.total > 1:  # pages read by OCR
                    step(working.name, 0, 1, working.done, working.total, ocr=True)
            time.sleep(0.3)


def job_outcomes(job: Job) -> tuple[list[FileOutcome], list[str]]:
    """A finished job's outcomes, each under the name the page showed, and the names of the files a
    cancel left unread."""
    done = [FileOutcome(**{**(f.outcome or {}), "path": f.name}) for f in job.files if f.outcome]
    return done, [f.name for f in job.files if not f.outcome]


def uploadable(name: str) -> bool:
    """Whether an upload's name is one a document may have; a CSV (a manifest dropped in the wrong
    box) goes on to be refused by `ingest` with its own reason. `kb add` reads an unknown name by its
    content and says so; a page has no such note, so it refuses: "datos.xyz" was added as "hola"."""
    suffix = Path(name).suffix.lower()
    return suffix in SUPPORTED_SUFFIXES or suffix in DATA_SUFFIXES


def unsupported(name: str) -> FileOutcome:
    """The outcome of an upload refused by its name (`uploadable`)."""
    return FileOutcome(path=name, outcome="failed", error_code="unknown_format",
                       reason=f"'{name}' does not have the name of a document format we read.")


def tagged(form: dict[str, Any]) -> dict[str, Any]:
    """A form's themes as stored: each one typed for a known theme, in any page language, as its tag
    (`theme_tag`); ";" or the Arabic "؛" between them."""
    themes = form.get("themes")
    if not isinstance(themes, str):
        return form
    parts = [theme_tag(p) for p in re.split(r"[;؛]", themes) if p.strip()]
    return {**form, "themes": "; ".join(dict.fromkeys(parts))}


def check_metadata(meta: dict[str, Any]) -> None:
    """UiError naming every field of a form whose value is not allowed (nothing when all are)."""
    problems = metadata_problems(meta)
    if problems:
        raise UiError.every([metadata_error(str(p)) for p in problems])


def summary(report: dict[str, Any], lang: str) -> str:
    """A report's counts in words (`render.outcome_summary`)."""
    return render.outcome_summary(report.get("summary") or {}, lang)


def counts(report: dict[str, Any], lang: str) -> Markup:
    """`summary` for `render.say`: the page's own words, not a value to isolate from its sentence."""
    return Markup(render.esc(summary(report, lang)))
