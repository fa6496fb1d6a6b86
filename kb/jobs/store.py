"""Jobs in the catalog: an ingest job, its files, their progress and outcomes, and who runs it.

Why in the catalog: a job must outlive the page that started it (a reload, a closed tab) and the
process that runs it (a crash, a restart). A job is `queued`, then `running` under an owner
(host:pid) that beats a heartbeat; `cancelling` when a coordinator asks, then `cancelled`; or `done`.
A running job whose owner is gone (its process is dead, or its heartbeat is older than
`STALE_SECONDS`) is claimed again, and only its files not yet `done` are redone.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from kb.store.catalog import Catalog, now
from kb.types import FileOutcome

__all__ = ["Job", "JobFile", "JobStore", "STALE_SECONDS", "this_owner", "ACTIVE", "FINISHED"]

STALE_SECONDS = 120  # a running job's owner that has not beaten for this long is taken to be gone
ACTIVE = ("queued", "running", "cancelling")
FINISHED = ("done", "cancelled", "failed")


_TOKEN: list[str] = []


def this_owner() -> str:
    """host:pid:token of this process: who runs a job (the token tells a restarted process that got
    the same pid, as a container's server often does, from the one that died)."""
    if not _TOKEN:
        _TOKEN.append(uuid.uuid4().hex[:8])
    return f"{socket.gethostname()}:{os.getpid()}:{_TOKEN[0]}"


@dataclass
class JobFile:
    """One file of a job: where it is, its state, its progress within the file, its outcome."""

    job_id: int
    ordinal: int
    path: str
    source: str
    name: str
    state: str          # pending | working | done | cancelled
    step: str | None    # reading | embedding | committing
    done: int
    total: int
    outcome: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Job:
    """A job and, when read with them, its files."""

    id: int
    kind: str
    state: str
    user: str | None
    options: dict[str, Any]
    folder: str | None
    owner: str | None
    heartbeat: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    error: str | None
    files: list[JobFile] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Files by state, and by outcome once done."""
        out: dict[str, int] = {}
        for f in self.files:
            key = (f.outcome or {}).get("outcome", f.state) if f.state == "done" else f.state
            out[key] = out.get(key, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "files"}
        return {**d, "counts": self.counts(), "files": [f.to_dict() for f in self.files]}


class JobStore:
    """The jobs tables of one catalog (kb.store.migrations.m010_jobs)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    # --- creating and reading ------------------------------------------------------------------

    def create(self, kind: str, files: list[tuple[str, str, str]], *, user: str | None = None,
               options: dict[str, Any] | None = None, folder: str | None = None, owner: str | None = None) -> int:
        """A queued job with its files, as (path, source, name shown) triples, in order. Returns its id.

        Args:
            owner: create it already running under this owner (`kb add` runs its own job: queued, a
                server's worker on the same KB could claim it first and leave `kb add` nothing to report).
        """
        stamp = now()
        with self.catalog.transaction() as db:
            cur = db.execute(
                "INSERT INTO jobs (kind, state, user, options, folder, created_at, owner, heartbeat, started_at)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (kind, "running" if owner else "queued", user, json.dumps(options or {}, ensure_ascii=False), folder,
                 stamp, owner, stamp if owner else None, stamp if owner else None),
            )
            job_id = int(cur.lastrowid or 0)
            db.executemany(
                "INSERT INTO job_files (job_id, ordinal, path, source, name) VALUES (?,?,?,?,?)",
                [(job_id, i, path, source, name) for i, (path, source, name) in enumerate(files)],
            )
        return job_id

    def get(self, job_id: int, files: bool = True) -> Job | None:
        row = self.catalog.db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            return None
        job = _job(row)
        if files:
            job.files = self.files(job_id)
        return job

    def latest(self, limit: int = 20, files: bool = False) -> list[Job]:
        """The latest jobs, newest first."""
        rows = self.catalog.db.execute("SELECT * FROM jobs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        jobs = [_job(r) for r in rows]
        if files and jobs:  # one read for all their files (the web page asks every few seconds)
            by_job: dict[int, list[JobFile]] = {job.id: [] for job in jobs}
            marks = ",".join("?" * len(jobs))
            for r in self.catalog.db.execute(f"SELECT * FROM job_files WHERE job_id IN ({marks})"
                                             " ORDER BY job_id, ordinal", list(by_job)).fetchall():
                by_job[r["job_id"]].append(_file(r))
            for job in jobs:
                job.files = by_job[job.id]
        return jobs

    def files(self, job_id: int, state: str | None = None) -> list[JobFile]:
        sql = "SELECT * FROM job_files WHERE job_id = ?" + (" AND state = ?" if state else "") + " ORDER BY ordinal"
        rows = self.catalog.db.execute(sql, (job_id, state) if state else (job_id,)).fetchall()
        return [_file(r) for r in rows]

    # --- running -------------------------------------------------------------------------------

    def claim(self, owner: str, job_id: int | None = None) -> Job | None:
        """Take the next job to run (or this one): a queued one, or a running one whose owner is gone.

        Atomic (one BEGIN IMMEDIATE transaction), so two processes never run the same job.
        """
        with self.catalog.transaction() as db:
            sql = "SELECT * FROM jobs WHERE state IN ('queued', 'running', 'cancelling')"
            rows = db.execute(sql + (" AND id = ?" if job_id else "") + " ORDER BY id",
                              (job_id,) if job_id else ()).fetchall()
            for row in rows:
                if row["state"] != "queued" and not _gone(row["owner"], row["heartbeat"], owner):
                    continue
                state = "cancelling" if row["state"] == "cancelling" else "running"
                stamp = now()
                db.execute("UPDATE jobs SET state=?, owner=?, heartbeat=?, started_at=COALESCE(started_at, ?)"
                           " WHERE id=?", (state, owner, stamp, stamp, row["id"]))
                # a file left half-done by a dead owner is redone from its start
                db.execute("UPDATE job_files SET state='pending', step=NULL, done=0, total=0"
                           " WHERE job_id=? AND state='working'", (row["id"],))
                return self.get(int(row["id"]))
        return None

    def beat(self, job_id: int) -> str:
        """Refresh the owner's heartbeat. Returns the job's state (a coordinator may have cancelled it)."""
        with self.catalog.transaction() as db:
            db.execute("UPDATE jobs SET heartbeat=? WHERE id=?", (now(), job_id))
            row = db.execute("SELECT state FROM jobs WHERE id=?", (job_id,)).fetchone()
        return str(row["state"]) if row else "cancelled"

    def state(self, job_id: int) -> str:
        """A job's state, read only (a runner waiting on a file looks for a cancel without beating)."""
        row = self.catalog.db.execute("SELECT state FROM jobs WHERE id=?", (job_id,)).fetchone()
        return str(row["state"]) if row else "cancelled"

    def working(self, job_id: int, ordinal: int) -> None:
        with self.catalog.transaction() as db:
            db.execute("UPDATE job_files SET state='working', step='reading', done=0, total=0"
                       " WHERE job_id=? AND ordinal=?", (job_id, ordinal))

    def record(self, db: sqlite3.Connection, job_id: int, ordinal: int, outcome: FileOutcome) -> None:
        """Mark a file done with its outcome, inside the caller's transaction (the one that commits it)."""
        db.execute("UPDATE job_files SET state='done', step=NULL, outcome=? WHERE job_id=? AND ordinal=?",
                   (json.dumps(outcome.to_dict(), ensure_ascii=False), job_id, ordinal))

    def done(self, job_id: int, ordinal: int, outcome: FileOutcome) -> None:
        """Mark a file done that committed nothing (unchanged, failed) or whose outcome changed after."""
        with self.catalog.transaction() as db:
            self.record(db, job_id, ordinal, outcome)

    def finish(self, job_id: int, state: str, error: str | None = None) -> None:
        """End a job: done, cancelled (its pending files marked so) or failed."""
        with self.catalog.transaction() as db:
            if state == "cancelled":
                db.execute("UPDATE job_files SET state='cancelled', step=NULL WHERE job_id=? AND state != 'done'",
                           (job_id,))
            db.execute("UPDATE jobs SET state=?, finished_at=?, error=? WHERE id=?", (state, now(), error, job_id))

    def cancel(self, job_id: int) -> str:
        """Ask a job to stop (a queued one at once; a running one drops the file it is reading and keeps
        those it committed). Returns its new state."""
        with self.catalog.transaction() as db:
            row = db.execute("SELECT state FROM jobs WHERE id=?", (job_id,)).fetchone()
            if row is None:
                raise KeyError(job_id)
            state = str(row["state"])
            if state == "queued":
                db.execute("UPDATE job_files SET state='cancelled' WHERE job_id=? AND state != 'done'", (job_id,))
                db.execute("UPDATE jobs SET state='cancelled', finished_at=? WHERE id=?", (now(), job_id))
                return "cancelled"
            if state == "running":
                db.execute("UPDATE jobs SET state='cancelling' WHERE id=?", (job_id,))
                return "cancelling"
        return state

    def waiting(self, owner: str) -> bool:
        """Whether any job could be claimed now."""
        rows = self.catalog.db.execute(
            "SELECT owner, heartbeat, state FROM jobs WHERE state IN ('queued', 'running', 'cancelling')").fetchall()
        return any(r["state"] == "queued" or _gone(r["owner"], r["heartbeat"], owner) for r in rows)


def _job(row: sqlite3.Row) -> Job:
    return Job(row["id"], row["kind"], row["state"], row["user"], json.loads(row["options"] or "{}"), row["folder"],
               row["owner"], row["heartbeat"], row["created_at"], row["started_at"], row["finished_at"], row["error"])


def _file(r: sqlite3.Row) -> JobFile:
    return JobFile(r["job_id"], r["ordinal"], r["path"], r["source"], r["name"], r["state"], r["step"],
                   r["done"], r["total"], json.loads(r["outcome"]) if r["outcome"] else None)


def _gone(owner: str | None, heartbeat: str | None, me: str) -> bool:
    """Whether a running job's owner is gone: a dead process on this host, or a stale heartbeat."""
    if not owner or owner == me:
        return owner != me
    host, pid, _token = (owner.split(":") + ["", "", ""])[:3]
    if host == socket.gethostname() and pid.isdigit():
        if int(pid) == os.getpid():
            return True  # this process, restarted under the same pid: the old owner is gone
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
    if heartbeat is None:
        return True
    beat = datetime.strptime(heartbeat, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return datetime.now(UTC) - beat > timedelta(seconds=STALE_SECONDS)
