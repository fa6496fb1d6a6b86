"""The jobs panel in the web app: the Add documents tab lists the latest ingest jobs and their files, keeps
itself current while that tab is open, and lets a coordinator cancel a job.

Why a timer and a tab: an upload runs as a job in the background (kb.jobs), and one started from the
command line, another tab or before a reload shows here too, so the panel reads the catalog rather than
the upload's own event. The timer ticks only while the Add documents tab is the one shown, and a tick
reads one small row set and sends nothing when no job is active and none appeared (`JobActions`).
No `from __future__ import annotations` (Gradio reads the handlers' annotations, as in `ui.handlers`).
"""

from typing import Any

from ui.actions import Actions
from ui.form_handlers import user_of
from ui.jobs_render import JOBS_JS

__all__ = ["build_jobs_panel", "wire_jobs", "TICK_SECONDS"]

TICK_SECONDS = 2.0


def build_jobs_panel(gr: Any, c: dict) -> None:
    """The panel and its status line, under the Add documents form (`c["jobs"]`, `c["jobs_status"]`)."""
    c["jobs_status"] = gr.HTML(elem_id="kb-jobs-status")
    c["jobs"] = gr.HTML(elem_id="kb-jobs", js_on_load=JOBS_JS)
    c["jobs_seen"] = gr.State(None)  # what the panel was drawn from: a tick sends it again only if changed


def make_jobs_handlers(gr: Any, act: Actions) -> Any:
    from types import SimpleNamespace

    def draw(lang, request: gr.Request):
        html, seen, _active = act.jobs_panel(user_of(request), lang)
        return html, seen

    def tick(lang, seen, request: gr.Request):
        """The panel again when a job changed, and the status line cleared: "job 6 stops after the file
        it is on" stood beside the job the panel already showed cancelled."""
        html, seen, _active = act.jobs_panel(user_of(request), lang, seen)
        if html is None:
            return gr.skip(), seen, gr.skip()
        return html, seen, ""

    def on_tab(lang, seen, evt: gr.SelectData, request: gr.Request):
        """The timer runs while the Add documents tab is shown; opening it draws what changed."""
        if (evt._data or {}).get("id") != "add":
            return gr.skip(), gr.skip(), gr.Timer(active=False)
        html, seen, _active = act.jobs_panel(user_of(request), lang, seen)
        return (gr.skip() if html is None else html), seen, gr.Timer(active=True)

    def cancel(lang, evt: gr.EventData, request: gr.Request):
        data = evt._data or {}
        if data.get("act") != "cancel":
            return gr.skip(), gr.skip(), gr.skip()
        user = user_of(request)
        status = act.cancel_job(user, data.get("job"), lang)
        html, seen, _active = act.jobs_panel(user, lang)
        return status, html, seen

    return SimpleNamespace(draw=draw, tick=tick, on_tab=on_tab, cancel=cancel)


def wire_jobs(gr: Any, loaded: Any, c: Any, act: Actions, guard: Any) -> Any:
    """Connect the panel: drawn after the page loads (once its language is known) and on a language
    switch, kept current by a timer while its tab is shown, and its Cancel buttons. Returns the handlers.

    Args:
        loaded: the page's load event.
    """
    h = make_jobs_handlers(gr, act)
    timer = gr.Timer(TICK_SECONDS, active=False)
    c.c["jobs_timer"] = timer
    panel = [c.jobs, c.jobs_seen]
    # drawn in the background: no progress badge on the panel ("queue: 1/1" showed in it under load, and
    # a stray "0.1s" timer on an empty Add documents tab; QA pass 13)
    loaded.then(guard(h.draw), c.lang, panel, api_name=False, show_progress="hidden")
    c.lang_pick.input(guard(h.draw), c.lang_pick, panel, api_name=False, show_progress="hidden")
    c.tabs.select(guard(h.on_tab), [c.lang, c.jobs_seen], [*panel, timer], api_name=False, show_progress="hidden")
    timer.tick(guard(h.tick), [c.lang, c.jobs_seen], [*panel, c.jobs_status], api_name=False, show_progress="hidden")
    c.jobs.kb_action(guard(h.cancel), c.lang, [c.jobs_status, *panel], api_name=False)
    return h
