"""How ingest jobs look on the Add documents tab: the job menu, a status line, one row per file.

Strings are kept here, in one place, until they move to the message catalogue (ui/i18n).
"""

from __future__ import annotations

from typing import Any

from ui.render import esc, message

__all__ = ["JOB_HEADERS", "job_choices", "job_status", "job_rows"]

JOB_HEADERS = ["file", "outcome", "progress", "reason", "chunks", "pages", "language", "title"]
_STEPS = {"reading": "reading", "embedding": "embedding", "committing": "saving"}
_STATES = {"queued": "waiting", "running": "running", "cancelling": "stopping after this file",
           "cancelled": "cancelled", "done": "done", "failed": "failed"}


def job_choices(jobs: list[Any]) -> list[tuple[str, int]]:
    """(label, id) of each job, newest first."""
    out = []
    for j in jobs:
        who = f" · {j.user}" if j.user else ""
        out.append((f"#{j.id} · {j.created_at.replace('T', ' ').rstrip('Z')} · {_STATES.get(j.state, j.state)}{who}", j.id))
    return out


def _summary(job: Any) -> str:
    counts = job.counts()
    order = ("added", "updated", "unchanged", "failed", "working", "pending", "cancelled")
    return ", ".join(f"{counts[k]} {k}" for k in order if counts.get(k))


def job_status(job: Any | None) -> str:
    """The status line: "Done: 3 added, 1 unchanged." when finished, else how far it is."""
    if job is None:
        return message("Choose files and press “Add documents”: they are added in the background, "
                       "and you can leave this page meanwhile.")
    summary = _summary(job)
    if job.state == "done":
        failed = job.counts().get("failed", 0)
        return message(f"Done: {summary}.", "error" if failed else "ok")
    if job.state == "cancelled":
        return message(f"Cancelled: {summary}. Files already added stay.", "info")
    if job.state == "failed":
        return message(f"Stopped by an error: {job.error or ''} ({summary}). Files already added stay.", "error")
    done = sum(1 for f in job.files if f.state == "done")
    return message(f"Job #{job.id} {_STATES.get(job.state, job.state)}: {done} of {len(job.files)} files "
                   f"done ({summary}).")


def _progress(f: Any) -> str:
    if f.state == "done" or f.state == "cancelled":
        return ""
    if f.state == "pending":
        return "waiting"
    step = _STEPS.get(f.step or "", f.step or "working")
    return f"{step} {f.done}/{f.total}" if f.total else step


def job_rows(job: Any | None) -> list[list[Any]]:
    """One row per file: its name, outcome (or state), progress within it, reason and details."""
    if job is None:
        return []
    rows = []
    for f in job.files:
        o = f.outcome or {}
        rows.append([f.name, o.get("outcome") or f.state, _progress(f), o.get("reason") or "", o.get("chunks") or "",
                     o.get("pages") or "", o.get("language") or "", esc(o.get("title") or "")])
    return rows
