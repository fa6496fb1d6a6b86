"""`kb jobs`: the ingest jobs of a KB (uploads in the web UI, `kb add`), resuming and cancelling them."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kb.cli.words import plural

__all__ = ["jobs_command"]


def jobs_command(args: argparse.Namespace, kb: Any) -> int:
    """list (default), resume (run here what a stopped process left) or cancel JOB_ID."""
    if args.action == "cancel":
        if args.job_id is None:
            raise ValueError("Say which job to cancel: kb jobs cancel JOB_ID (see kb jobs).")
        try:
            state = kb.cancel_job(args.job_id)
        except KeyError:
            raise ValueError(f"No job {args.job_id} (see kb jobs).") from None
        print(f"job {args.job_id}: {state}")
        return 0
    if args.action == "resume":
        ran = kb.worker("inline").run_pending()
        print(f"resumed {plural(len(ran), 'job')}" + (f": {', '.join(map(str, ran))}" if ran else ""))
        return 0
    jobs = kb.jobs.latest(limit=args.n, files=True)
    if args.json:
        print(json.dumps([j.to_dict() for j in jobs], ensure_ascii=False, indent=2))
        return 0
    for j in jobs:
        counts = ", ".join(f"{n} {k}" for k, n in sorted(j.counts().items()))
        who = f" by {j.user}" if j.user else ""
        print(f"{j.id:>5}  {j.kind:<7} {j.state:<10} {j.created_at}{who}  {plural(len(j.files), 'file')}: {counts}")
    if not jobs:
        print("no jobs")
    return 0
