"""Where files are prepared (read, chunked, encoded) before the owner of the catalog commits them.

`Preparer` is what a job runner submits files to; a future comes back per file. Three kinds:
- `InlinePreparer`: a thread of this process, one file ahead (what `kb add` always did);
- `ProcessPreparer`: one worker process at a lower CPU priority (`os.nice`), for the web server, so
  interactive searches come first and ingest takes what is left, without starving;
- `kb.distributed.ray_backend.RayPreparer`: a Ray cluster.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Protocol

from index.cache import EmbeddingCache
from kb.distributed.prepare import Encoders, FileTask, StepProgress, prepare_file
from kb.ingesting.ingestor import Parsed
from kb.settings import Settings

__all__ = ["Preparer", "InlinePreparer", "ProcessPreparer", "WORKER_NICE"]

WORKER_NICE = 10  # the server's ingest worker process: below interactive work, still scheduled when idle


class Preparer(Protocol):
    """Prepares files for a job runner; `ahead` is how many files it should be given in advance."""

    ahead: int

    def submit(self, task: FileTask, names: Sequence[str], progress: StepProgress | None) -> Future[Parsed]: ...

    def close(self, now: bool = False) -> None:
        """Release the workers: after the file in hand, or `now` (a server stopping: the file will be
        read again when its job resumes)."""


class InlinePreparer:
    """A thread of this process, with the KB's own model and cache (one file ahead)."""

    ahead = 1

    def __init__(self, encoders: Encoders) -> None:
        self.encoders = encoders
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-prepare")

    def submit(self, task: FileTask, names: Sequence[str], progress: StepProgress | None) -> Future[Parsed]:
        return self._pool.submit(prepare_file, self.encoders, task, list(names), progress)

    def close(self, now: bool = False) -> None:
        self._pool.shutdown(wait=not now, cancel_futures=True)  # a thread cannot be stopped: left to end


_WORKER: list[Encoders] = []  # the worker process's encoders, built once by `_start_worker`


def _start_worker(settings: Settings, nice: int) -> None:
    if nice:
        os.nice(nice)
    _WORKER.append(Encoders(settings, EmbeddingCache(settings.cache_path)))


def _prepare_in_worker(task: FileTask, names: list[str], progress: StepProgress | None) -> Parsed:
    return prepare_file(_WORKER[0], task, names, progress)


class ProcessPreparer:
    """One worker process (spawned, so it shares no lock or thread with the server), niced.

    It loads the model once and goes through the KB's own embedding cache (SQLite in WAL mode takes
    writers from several processes), so nothing it embeds is embedded again later.
    """

    ahead = 1

    def __init__(self, settings: Settings, nice: int = WORKER_NICE) -> None:
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_start_worker, initargs=(settings, nice))

    def submit(self, task: FileTask, names: Sequence[str], progress: StepProgress | None) -> Future[Parsed]:
        return self._pool.submit(_prepare_in_worker, task, list(names), progress)

    def close(self, now: bool = False) -> None:
        """`now`: the worker process is terminated (a server stopping waited for a long scan's OCR to
        end, only for its result to be dropped and read again at the next start)."""
        if now:
            for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                process.terminate()
        self._pool.shutdown(wait=True, cancel_futures=True)
