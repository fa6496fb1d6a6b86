"""A file's progress within a job, written to its row by whichever process prepares it.

Picklable, so a worker process (or a Ray task on this machine) reports pages read and slices
embedded straight into the catalog, where the page that shows the job reads them. Writes are
throttled: at most one every `EVERY` seconds, plus the last of each step.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from dataclasses import dataclass

__all__ = ["JobProgress"]

EVERY = 0.5
_CONNECTIONS: dict[str, sqlite3.Connection] = {}
_LAST: dict[tuple[str, int, int], float] = {}


@dataclass(frozen=True)
class JobProgress:
    """progress(step, done, total) for one file of one job."""

    catalog_path: str
    job_id: int
    ordinal: int

    def __call__(self, step: str, done: int, total: int) -> None:
        key = (self.catalog_path, self.job_id, self.ordinal)
        t = time.monotonic()
        if done < total and t - _LAST.get(key, 0.0) < EVERY:
            return
        _LAST[key] = t
        db = _CONNECTIONS.get(self.catalog_path)
        if db is None:
            db = sqlite3.connect(self.catalog_path, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            _CONNECTIONS[self.catalog_path] = db
        with contextlib.suppress(sqlite3.OperationalError):  # a courtesy: a busy catalog never fails the file
            db.execute("UPDATE job_files SET step=?, done=?, total=? WHERE job_id=? AND ordinal=? AND state='working'",
                       (step, done, total, self.job_id, self.ordinal))
