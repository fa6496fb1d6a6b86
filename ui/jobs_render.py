"""The Add documents tab's jobs panel, drawn by the server: the latest ingest jobs (uploads and `kb add`),
each file's progress while a job runs and its outcome once done, and a Cancel button per active job.

Why a panel of its own: an upload is a job in the catalog (kb.jobs), so it outlives the tab that started
it; the panel reads it back on load and while a job is active. Plain strings (no gradio import); every
word is a catalogue key (`jobs.*`), every value from the catalog goes through `esc`, and no markup here
holds a brace, a dollar sign or a backtick (the Gradio HTML component reads its value as a template).
"""

from __future__ import annotations

from collections.abc import Sequence

from kb.jobs.store import ACTIVE, Job, JobFile
from ui.i18n import direction, t
from ui.i18n.kb_errors import outcome_reason
from ui.i18n.locale import date_time
from ui.render_base import esc

__all__ = ["jobs_html", "file_text", "state_text", "counts_text", "JOBS_JS", "OUTCOMES"]

# A Cancel click becomes the panel's `kb_action` event with the job's id (the button is disabled at once,
# so a double click sends one request).
JOBS_JS = """
element.addEventListener('click', (e) => {
  const b = e.target.closest('button.kb-job-cancel');
  if (!b) return;
  e.preventDefault();
  b.disabled = true;
  trigger('kb_action', {act: 'cancel', job: b.dataset.job});
});
"""

OUTCOMES = ("added", "updated", "unchanged", "failed")
_FILE_STATES = ("working", "pending", "cancelled")  # counted after the outcomes, in this order


def state_text(state: str, lang: str) -> str:
    """A job's state in the page language (queued, running, cancelling, cancelled, done, failed)."""
    return t(lang, f"jobs.state.{state}")


def counts_text(job: Job, lang: str) -> str:
    """"added: 2 · failed: 1 · waiting: 3": the job's files by outcome, then by state."""
    counts = job.counts()
    keys = [k for k in (*OUTCOMES, *_FILE_STATES) if counts.get(k)]
    parts = [t(lang, "jobs.count", what=t(lang, f"outcome.{k}") if k in OUTCOMES else t(lang, f"jobs.file.{k}"),
               n=counts[k]) for k in keys]
    return " · ".join(parts)


def file_text(f: JobFile, lang: str) -> tuple[str, str]:
    """(what a file's state or outcome is, why: a reason or "") in the page language."""
    if f.state == "done":
        outcome = (f.outcome or {}).get("outcome", "failed")
        return t(lang, f"outcome.{outcome}"), outcome_reason(f.outcome or {}, lang)
    if f.state == "working":
        step = t(lang, f"jobs.step.{f.step or 'reading'}")
        if _counted(f):
            if (f.step or "reading") == "reading":  # counted, a file being read counts its pages OCR reads
                step = t(lang, "jobs.step.ocr")
            return t(lang, "jobs.progress", step=step, done=f.done, total=f.total), ""
        return step, ""
    return t(lang, f"jobs.file.{f.state}"), ""


def _counted(f: JobFile) -> bool:
    """Whether a working file's step has parts worth counting: a file being read is one part until its
    pages are known ("reading: 0 of 1" came before "reading pages: 4 of 117"; QA pass 13)."""
    return bool(f.total) and not ((f.step or "reading") == "reading" and f.total == 1)


def _file_item(f: JobFile, lang: str) -> str:
    what, why = file_text(f, lang)
    kind = (f.outcome or {}).get("outcome", "failed") if f.state == "done" else f.state
    bar = ""
    if f.state == "working" and _counted(f):
        bar = f' <progress max="{int(f.total)}" value="{min(int(f.done), int(f.total))}"></progress>'
    reason = f' <span class="kb-meta" dir="auto">{esc(why)}</span>' if why else ""
    return (f'<li class="kb-job-file kb-file-{esc(kind)}"><bdi class="kb-job-file-name">{esc(f.name)}</bdi>'
            f' <span class="kb-job-file-state">{esc(what)}</span>{bar}{reason}</li>')


def _job_rows(job: Job, lang: str, can_cancel: bool) -> str:
    active = job.state in ACTIVE
    who = job.user or t(lang, "jobs.by_cli")
    button = ""
    if can_cancel and job.state in ("queued", "running"):
        button = (f'<button class="kb-act kb-job-cancel" data-job="{int(job.id)}" type="button"'
                  f' aria-label="{esc(t(lang, "jobs.cancel_label", id=str(job.id)))}">{esc(t(lang, "jobs.cancel"))}</button>')
    error = f'<div class="kb-meta" dir="auto">{esc(t(lang, "jobs.error", detail=job.error))}</div>' if job.error else ""
    head = (f'<tr class="kb-job kb-job-{esc(job.state)}" data-job="{int(job.id)}">'
            f'<td>{int(job.id)} <span class="kb-meta">{esc(t(lang, f"jobs.kind.{job.kind}"))}</span></td>'
            f'<td><bdi>{esc(who)}</bdi></td><td>{esc(date_time(job.created_at, lang))}</td>'
            f'<td class="kb-job-state">{esc(state_text(job.state, lang))}{error}</td>'
            f'<td>{esc(t(lang, "jobs.files", n=len(job.files)))}<div class="kb-meta">{esc(counts_text(job, lang))}</div></td>'
            f'<td>{button}</td></tr>')
    if not job.files:
        return head
    items = "".join(_file_item(f, lang) for f in job.files)
    files = f'<ul class="kb-job-files">{items}</ul>'
    if not active:  # a finished job's files fold away; an active one's are shown as they go
        files = f'<details><summary>{esc(t(lang, "jobs.show_files"))}</summary>{files}</details>'
    return head + f'<tr class="kb-job-detail" data-job="{int(job.id)}"><td colspan="6">{files}</td></tr>'


def jobs_html(jobs: Sequence[Job], lang: str, *, can_cancel: bool = True) -> str:
    """The panel: the jobs (newest first) with their files, in the page language and direction.

    Args:
        jobs: read with their files (`JobStore.latest(files=True)`).
        can_cancel: show Cancel on queued and running jobs (the action checks the role again).
    """
    d = direction(lang)
    title = f'<h3 class="kb-jobs-title">{esc(t(lang, "jobs.title"))}</h3>'
    if not jobs:
        return f'<div class="kb-jobs" dir="{d}">{title}<p class="kb-empty">{esc(t(lang, "jobs.none"))}</p></div>'
    cols = "".join(f'<th scope="col">{esc(t(lang, f"jobs.col.{c}"))}</th>'
                   for c in ("id", "user", "when", "state", "files", "action"))
    rows = "".join(_job_rows(j, lang, can_cancel) for j in jobs)
    return (f'<div class="kb-jobs" dir="{d}">{title}<table class="kb-jobs-table">'
            f'<thead><tr>{cols}</tr></thead><tbody>{rows}</tbody></table></div>')
