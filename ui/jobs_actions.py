"""The jobs panel's operations: the latest ingest jobs for the page, and cancelling one (no gradio import).

Why here and not in `ui.library_actions`: the panel asks every few seconds while the Add documents tab
is open, so its read is kept to what changed (`seen`), and it has a refusal of its own to give.
"""

from __future__ import annotations

from kb.access import LOCAL, can
from kb.jobs.store import ACTIVE, FINISHED, Job
from ui import render
from ui.actions_base import BaseActions, UiError, kb_thread
from ui.i18n import Msg
from ui.jobs_render import jobs_html

__all__ = ["JobActions", "SHOWN_JOBS"]

SHOWN_JOBS = 10  # the latest jobs the panel lists


def _signature(jobs: list[Job], lang: str) -> str:
    """What the panel shows, in short: it is drawn again only when this changes."""
    parts = [lang] + [f"{j.id}:{j.state}" for j in jobs]
    for j in jobs:
        if j.state in ACTIVE:
            parts += [f"{f.ordinal}{f.state}{f.step}{f.done}/{f.total}" for f in j.files]
    return ";".join(parts)


class JobActions(BaseActions):
    """What the jobs panel of the Add documents tab does."""

    @kb_thread
    def jobs_panel(self, user: str | None, lang: str = "en", seen: str | None = None) -> tuple[str | None, str, bool]:
        """The panel's HTML, unless it would be what the page shows already.

        Args:
            seen: the signature the page's panel was drawn from (None: draw it in any case).

        Returns:
            (the HTML, or None when nothing changed; its signature; whether a job is active, so the
            page keeps asking). "" for those who may not add documents (the tab is not theirs).
        """
        if not can(self.role(user), "add"):
            return "", "", False
        store = self.kb.jobs
        jobs = store.latest(SHOWN_JOBS)  # the jobs alone first: one small read when nothing is running
        active = any(j.state in ACTIVE for j in jobs)
        if seen is not None and not active and _signature(jobs, lang) == seen:
            return None, seen, False
        jobs = store.latest(SHOWN_JOBS, files=True)
        active = any(j.state in ACTIVE for j in jobs)
        signature = _signature(jobs, lang)
        if seen is not None and signature == seen:
            return None, seen, active
        return jobs_html(jobs, lang), signature, active

    @kb_thread
    def cancel_job(self, user: str | None, job_id: object, lang: str = "en") -> str:
        """Cancel a job (coordinators): a queued one at once, a running one drops the file it is reading.

        Returns:
            A status line saying what happened.
        """
        self.check(user, "add")
        text = str(job_id if job_id is not None else "").strip()
        if not text.isdigit():
            raise UiError("error.job_unknown", id=text)
        before = self.kb.jobs.get(int(text), files=False)
        if before is None:
            raise UiError("error.job_unknown", id=text)
        state = before.state
        if state not in FINISHED:  # one that ended meanwhile (the page was a tick behind) stays as it is
            try:
                state = self.kb.cancel_job(int(text), by=user or LOCAL)
            except KeyError as err:
                raise UiError("error.job_unknown", id=text) from err
            if state in ("cancelled", "cancelling"):
                return render.say(lang, f"jobs.{state}_now", id=text, kind="ok")
        return render.say(lang, "jobs.already_ended", id=text, state=Msg(f"jobs.state.{state}"), kind="info")
