"""Failed sign-ins, throttled per user name and per address.

After `limit` failures for one key within `window` seconds, sign-ins for that key are refused for
`lock` seconds ("try again in N seconds"), whatever the password; a success clears the user's
count. The counts live in the catalog (m014), so they hold across restarts and processes. User
names and addresses are stored as keys, never a password.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from kb.store.catalog import Catalog

__all__ = ["SignInThrottle", "Throttled"]


class Throttled(Exception):
    """Too many failed sign-ins; `wait` says for how many more seconds."""

    def __init__(self, wait: int) -> None:
        super().__init__(f"Too many failed sign-ins. Try again in {wait} seconds.")
        self.wait = wait


class SignInThrottle:
    """Args: catalog; limit, window, lock: per user name; the per-address limit is `address_limit`."""

    def __init__(self, catalog: Catalog, *, limit: int = 5, address_limit: int = 20, window: float = 600.0,
                 lock: float = 300.0, clock: Callable[[], float] = time.time) -> None:
        self.catalog = catalog
        self.limit, self.address_limit = limit, address_limit
        self.window, self.lock = window, lock
        self.clock = clock

    @staticmethod
    def keys(user: str, address: str | None) -> list[str]:
        return [f"user:{user.strip().casefold()}"] + ([f"addr:{address}"] if address else [])

    def check(self, user: str, address: str | None) -> None:
        """Raise Throttled while either key is locked."""
        now = self.clock()
        marks = self.keys(user, address)
        rows = self.catalog.db.execute(
            f"SELECT MAX(locked_until) FROM sign_in_failures WHERE key IN ({','.join('?' * len(marks))})", marks
        ).fetchone()
        until = rows[0] or 0
        if until > now:
            raise Throttled(max(1, math.ceil(until - now)))

    def failed(self, user: str, address: str | None) -> None:
        """Count one failure for the user name and the address; lock a key that reached its limit."""
        now = self.clock()
        with self.catalog.transaction() as db:
            for key in self.keys(user, address):
                limit = self.limit if key.startswith("user:") else self.address_limit
                row = db.execute("SELECT failures, window_start FROM sign_in_failures WHERE key = ?", (key,)).fetchone()
                failures, start = (row[0], row[1]) if row and now - row[1] < self.window else (0, now)
                failures += 1
                locked = now + self.lock if failures >= limit else 0
                db.execute(
                    "INSERT INTO sign_in_failures (key, failures, window_start, locked_until) VALUES (?,?,?,?)"
                    " ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,"
                    " window_start = excluded.window_start, locked_until = excluded.locked_until",
                    (key, 0 if locked else failures, now if locked else start, locked),
                )

    def succeeded(self, user: str) -> None:
        with self.catalog.transaction() as db:
            db.execute("DELETE FROM sign_in_failures WHERE key = ?", (self.keys(user, None)[0],))
