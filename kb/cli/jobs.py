"""`kb jobs`: the ingest jobs of a KB (uploads in the web UI, `kb add`), resuming and cancelling them."""

from __future__ import annotations

import argparse
from typing import Any

from kb.cli.words import plural, print_json

__all__ = ["jobs_command"]


def _cancel(job_id: int | None, kb: Any) -> int:
    """Cancel a queued or running job; one that has ended is refused, as the other mistakes here are
    (ValueError: exit status 2), since "job 2: done" read as if the cancel had done something."""
    from kb.jobs.store import FINISHED

    if job_id is None:
        raise ValueError("Say which job to cancel: kb jobs cancel JOB_ID (see kb jobs).")
    before = kb.jobs.get(job_id, files=False)
    if before is None:
        raise ValueError(f"No job {job_id} (see kb jobs).")
    state = before.state if before.state in FINISHED else kb.cancel_job(job_id)
    if before.state in FINISHED or state not in ("cancelled", "cancelling"):  # or it ended just now
        raise ValueError(f"job {job_id} has already finished ({state}); nothing to cancel")
    print(f"job {job_id}: {state}" + (" (it drops the file being read; the files already added stay)" if state == "cancelling" else ""))
    return 0


def jobs_command(args: argparse.Namespace, kb: Any) -> int:
    """list (default), resume (run here what a stopped process left) or cancel JOB_ID."""
    if args.action == "cancel":
        return _cancel(args.job_id, kb)
    if args.action == "resume":
        ran = kb.worker("inline").run_pending()
        print(f"resumed {plural(len(ran), 'job')}" + (f": {', '.join(map(str, ran))}" if ran else ""))
        return 0
    jobs = kb.jobs.latest(limit=args.n, files=True)
    if args.json:
        print_json([j.to_dict() for j in jobs])
        return 0
    for j in jobs:
        counts = ", ".join(f"{n} {k}" for k, n in sorted(j.counts().items()))
        who = f" by {j.user}" if j.user else ""
        print(f"{j.id:>5}  {j.kind:<7} {j.state:<10} {j.created_at}{who}  {plural(len(j.files), 'file')}: {counts}")
    if not jobs:
        print("no jobs")
    return 0
