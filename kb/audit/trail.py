"""The audit trail: every write to a knowledge base, who made it, when, and what changed.

Entries live in the catalog's `audit_log` table (migration m012), which SQLite triggers keep
append-only: the application can add entries but never change or delete one (an UPDATE or DELETE
raises). A metadata edit records the values before and after; a refusal (a user asking for what
their role or workspace does not allow) is recorded too, so a coordinator sees who tried what.
Passwords and hashes are never part of an entry.
"""

from __future__ import annotations

import getpass
import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kb.store.catalog import Catalog, now

__all__ = ["AuditEntry", "AuditTrail", "BadDate", "record", "actor_of", "utc_time", "SECRET_KEYS"]

# Keys whose values never enter the trail, whatever a caller passes.
SECRET_KEYS = frozenset({"password", "password_hash", "hash", "token", "secret"})


@dataclass(frozen=True)
class AuditEntry:
    """One recorded write (or refusal).

    Attributes:
        id: its place in the trail (increasing).
        at: UTC time, ISO 8601.
        actor: the user name ("local" in single-user mode, "cli:NAME" from the command line).
        action: what was done, e.g. "document.remove", "document.metadata", "draft.create",
            "directory.add", "group.remove", "refused".
        target: what it was done to, e.g. "document 12", "draft 3", "user bob", "entry 7" (a directory
            entry), "network" (the network directory).
        detail: what changed (before/after of a metadata edit, a title, a reason).
    """

    id: int
    at: str
    actor: str
    action: str
    target: str
    detail: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at, "actor": self.actor, "action": self.action,
                "target": self.target, "detail": self.detail}


class BadDate(ValueError):
    """A date to filter the trail by that is not one: refused, since it would silently match nothing."""


def utc_time(text: str) -> str:
    """A date or time as the trail stores it ("2026-12-01T09:00:00Z"), so entries compare by text.

    Args:
        text: an ISO 8601 date or date-time: "2026-12-01", "2026-12-01T09:00", "2026-12-01 09:00:30";
            UTC unless it carries an offset ("+02:00", "Z").

    Raises:
        BadDate: anything else ("yesterday", "12/01/2026", "2026-13-01").
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadDate(f"{text.strip()!r} is not a date: give a UTC date or time such as 2026-12-01 or "
                      "2026-12-01T09:00.") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def actor_of(user: str | None) -> str:
    """The name an entry records: the signed-in user, else the person at the command line."""
    if user:
        return user
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry (a container)
        return "cli"


def _starting_with(prefix: str) -> str:
    """A LIKE pattern (ESCAPE '\\') for text starting with `prefix`, its own % and _ taken literally."""
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _clean(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: ("[hidden]" if k in SECRET_KEYS else _clean(v) if isinstance(v, dict) else v)
            for k, v in detail.items()}


def record(db: sqlite3.Connection, actor: str, action: str, target: str = "",
           detail: dict[str, Any] | None = None) -> None:
    """Append one entry, inside the caller's transaction when there is one.

    Args:
        db: the catalog's connection.
        actor: who (see `actor_of`).
        action: what, as "thing.verb".
        target: which thing ("document 12").
        detail: what changed; secret-looking keys are replaced by "[hidden]".
    """
    db.execute(
        "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?,?,?,?,?)",
        (now(), actor, action, target, json.dumps(_clean(detail or {}), ensure_ascii=False, sort_keys=True,
                                                  default=str)),
    )


class AuditTrail:
    """Reading and writing the trail of one catalog.

    Args:
        catalog: the KB's catalog.
    """

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def record(self, actor: str, action: str, target: str = "", detail: dict[str, Any] | None = None) -> None:
        """Append one entry in a transaction of its own (see `record`)."""
        with self.catalog.transaction() as db:
            record(db, actor, action, target, detail)

    def last_targets(self, actor: str, action: str, limit: int = 500) -> list[str]:
        """What `actor` last acted on with actions starting with `action`, the most recent first, each
        once (among their newest `limit` such entries): where a returning user left off."""
        rows = self.catalog.db.execute(
            "SELECT target FROM audit_log WHERE actor = ? AND action LIKE ? ESCAPE '\\' ORDER BY id DESC LIMIT ?",
            (actor, _starting_with(action), int(limit)),
        ).fetchall()
        return list(dict.fromkeys(str(r[0]) for r in rows))

    def entries(self, *, since: str | None = None, user: str | None = None, action: str | None = None,
                limit: int | None = None) -> list[AuditEntry]:
        """Entries, oldest first.

        Args:
            since: only entries at or after this UTC time (ISO date or date-time, e.g. "2026-12-01";
                anything else raises BadDate, see `utc_time`).
            user: only this actor's entries.
            action: only actions starting with this ("document." for every document change).
            limit: only the newest `limit` entries (still oldest first).
        """
        where, params = [], []
        if since:
            where.append("at >= ?")
            params.append(utc_time(since))
        if user:
            where.append("actor = ?")
            params.append(user)
        if action:
            where.append("action LIKE ? ESCAPE '\\'")
            params.append(_starting_with(action))
        sql = "SELECT * FROM audit_log" + (" WHERE " + " AND ".join(where) if where else "")
        if limit:
            sql = f"SELECT * FROM ({sql} ORDER BY id DESC LIMIT {int(limit)})"
        rows = self.catalog.db.execute(sql + " ORDER BY id", params).fetchall()
        return [AuditEntry(r["id"], r["at"], r["actor"], r["action"], r["target"], json.loads(r["detail"]))
                for r in rows]
