"""A read-write discipline over the catalog and the indexes of one KB in one process.

Why: FAISS, NumPy, SQLite (one connection per thread, WAL) and the model's C code all run searches
in parallel, but a search reads the catalog and several indexes one after another, and a writer that
commits a document and then adds its vectors would let a search in between see a hit whose chunk is
not committed yet, or a chunk a remove just deleted. So:

- readers (search, "more like this", exports, listings) take the guard *shared*, for the whole of one
  operation: they run together and see one state of catalog and indexes (a snapshot);
- writers take the *writer* lock for the whole operation (one writer at a time: ingest, remove,
  reindex, metadata), do the slow work (parsing, embedding) holding only that, and take the guard
  *exclusive* only to swap a document in or out: the catalog transaction plus the in-memory index
  update, a few milliseconds. Readers never wait longer than that swap.

A waiting writer goes first: new readers queue behind it, so a steady stream of searches cannot
starve ingest. Shared holds are re-entrant per thread (a search inside `snapshot()`); an exclusive
holder may also read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["Guard"]


class Guard:
    """Shared/exclusive lock with writer preference, plus the one-writer-at-a-time lock.

    Args:
        after_write: called when a writer's outermost block ends without an error, still holding the
            writer lock (the indexes note which catalog generation they now reflect).
    """

    def __init__(self, after_write: Callable[[], None] | None = None) -> None:
        self._after_write = after_write
        self._writer_depth = 0  # changed only by the thread holding the writer lock
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._exclusive_owner: int | None = None
        self._exclusive_depth = 0
        self._waiting_writers = 0
        self._local = threading.local()
        self._writer = threading.RLock()

    def _depth(self) -> int:
        return getattr(self._local, "depth", 0)

    def reading(self) -> bool:
        """Whether this thread holds the guard shared (it cannot take it exclusive then)."""
        return self._depth() > 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Hold the KB for reading: no document is swapped in or out until the block ends."""
        me = threading.get_ident()
        if self._depth() or self._exclusive_owner == me:
            self._local.depth = self._depth() + 1  # already reading (or writing) on this thread
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        with self._cond:
            while self._exclusive_owner is not None or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        self._local.depth = 1
        try:
            yield
        finally:
            self._local.depth = 0
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the KB alone, for the swap of a document (commit + index update). Keep it short."""
        me = threading.get_ident()
        if self._exclusive_owner == me:
            self._exclusive_depth += 1
            try:
                yield
            finally:
                self._exclusive_depth -= 1
            return
        if self._depth():
            raise RuntimeError("A reader cannot become a writer (take the writer lock before reading).")
        with self._cond:
            self._waiting_writers += 1
            try:
                while self._exclusive_owner is not None or self._readers:
                    self._cond.wait()
            finally:
                self._waiting_writers -= 1
            self._exclusive_owner, self._exclusive_depth = me, 1
        try:
            yield
        finally:
            with self._cond:
                self._exclusive_depth -= 1
                if not self._exclusive_depth:
                    self._exclusive_owner = None
                    self._cond.notify_all()

    @contextmanager
    def writer(self) -> Iterator[None]:
        """One writer at a time (re-entrant): held for a whole ingest, remove or reindex."""
        with self._writer:
            self._writer_depth += 1
            try:
                yield
                if self._writer_depth == 1 and self._after_write is not None:
                    self._after_write()
            finally:
                self._writer_depth -= 1
