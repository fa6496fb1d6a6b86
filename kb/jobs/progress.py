"""A file's progress within a job, written to its row by whichever process prepares it.

Picklable, so a worker process (or a Ray task on this machine) reports pages read and slices
embedded straight into the catalog, where the page that shows the job reads them. Writes are
throttled: at most one every `EVERY` seconds, plus the last of each step.

Each write also looks at the job's state: once a coordinator has cancelled it, the call raises
`FileDropped`, so the worker stops at the page or slice it is on rather than reading a dropped file
to its end (an 8-page scan held the worker, and the next upload, for minutes after "Cancel").
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from dataclasses import dataclass

__all__ = ["JobProgress", "FileDropped"]

EVERY = 0.5
_CONNECTIONS: dict[str, sqlite3.Connection] = {}
_LAST: dict[tuple[str, int, int], float] = {}


class FileDropped(BaseException):
    """The job was cancelled while this file was being prepared: its runner has dropped it already.

    A BaseException, as KeyboardInterrupt is: the readers' `except Exception` (a damaged page is
    skipped, a parser's error is a corrupt file) must not turn a stop into a file's error.
    """


@dataclass(frozen=True)
class JobProgress:
    """progress(step, done, total) for one file of one job."""

    catalog_path: str
    job_id: int
    ordinal: int

    def __call__(self, step: str, done: int, total: int) -> None:
        """Write the file's progress (throttled).

        Raises:
            FileDropped: the job is being cancelled, or was.
        """
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
        state = None
        with contextlib.suppress(sqlite3.OperationalError):  # a courtesy: a busy catalog never fails the file
            db.execute("UPDATE job_files SET step=?, done=?, total=? WHERE job_id=? AND ordinal=? AND state='working'",
                       (step, done, total, self.job_id, self.ordinal))
            state = db.execute("SELECT state FROM jobs WHERE id=?", (self.job_id,)).fetchone()
        if state is not None and state[0] in ("cancelling", "cancelled"):
            raise FileDropped(f"job {self.job_id} was cancelled")
