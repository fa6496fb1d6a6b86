"""Ray for the heavy part of ingest: files (and, for a reindex, texts) are read, chunked and encoded
by Ray Core tasks; their results stream back to the one process that commits them to the catalog.

Why Ray Core tasks: each task is a pure function of a file's bytes (or of texts), so a task that a
dead worker lost is simply run again (`max_retries`), and since only the committing process writes
the catalog, a task run twice can never commit a file twice. The model is loaded once per Ray worker
process (kept in this module between tasks) with a worker-local embedding cache; the rows a worker
computes come back with the result and go into the KB's own cache, so a later repair re-embeds nothing.

Addresses: "auto" starts a local Ray (as `ray.init()` does); any other is a cluster's address
(`host:6379` of `ray start --head`, or `ray://host:10001`). A cluster that cannot be reached is said
before any work, never replaced by a local run. `RAY_USAGE_STATS_ENABLED=0` is set: nothing calls out.
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, InvalidStateError
from pathlib import Path
from typing import Any

from index.cache import EmbeddingCache
from kb.distributed.errors import RayUnavailable
from kb.distributed.prepare import Encoders, FileTask, RecordingCache, StepProgress, prepare_file
from kb.ingesting.ingestor import Parsed
from kb.settings import Settings

__all__ = ["RayPreparer", "RayEncoder", "connect", "MAX_RETRIES", "WINDOW"]

MAX_RETRIES = 4   # a task whose worker (or node) died is run again this often
WINDOW = 8        # tasks in flight per worker CPU: enough to keep every worker busy, little memory held
Rows = list[tuple[str, list[str], Any]]

_ENCODERS: dict[Settings, Encoders] = {}  # in a Ray worker process: built on its first task, then reused


def _worker_encoders(settings: Settings) -> Encoders:
    encoders = _ENCODERS.get(settings)
    if encoders is None:
        folder = Path(tempfile.mkdtemp(prefix="kb-ray-worker-"))
        encoders = Encoders(settings, RecordingCache(folder / "embeddings.sqlite"))
        _ENCODERS[settings] = encoders
    return encoders


def _prepare_task(settings: Settings, task: FileTask, names: list[str]) -> tuple[Parsed, Rows]:
    """Run on a Ray worker: one file prepared; the rows it put in the worker's cache."""
    encoders = _worker_encoders(settings)
    if task.data is not None:  # the owner's path is not on this machine: work on the bytes sent
        with tempfile.TemporaryDirectory(prefix="kb-ray-file-") as folder:
            local = Path(folder) / Path(task.path).name
            local.write_bytes(task.data)
            parsed = prepare_file(encoders, FileTask(str(local), task.meta, task.fallback_title, task.known), names)
    else:
        parsed = prepare_file(encoders, task, names)
    return parsed, _recorded(encoders)


def _encode_task(settings: Settings, texts: list[str], names: list[str],
                 languages: list[str | None] | None = None) -> tuple[dict[str, Any], Rows]:
    """Run on a Ray worker: every named signal's rows for these index texts (a reindex step)."""
    encoders = _worker_encoders(settings)
    return encoders.encode(texts, names, None, languages), _recorded(encoders)


def _recorded(encoders: Encoders) -> Rows:
    cache = encoders.cache
    return cache.take() if isinstance(cache, RecordingCache) else []


def _reachable(address: str) -> None:
    """Refuse an address nothing listens on, quickly and clearly (ray.init would wait a long time)."""
    host_port = address.removeprefix("ray://")
    host, _, port = host_port.rpartition(":")
    if not host or not port.isdigit():
        raise RayUnavailable(f"Ray address {address!r} is not host:port (or ray://host:port, or auto).")
    try:
        with socket.create_connection((host, int(port)), timeout=5):
            pass
    except OSError as err:
        raise RayUnavailable(
            f"Cannot reach the Ray cluster at {address} ({err.strerror or err}). Start it with "
            "`ray start --head` on the head machine, or check --ray / KB_RAY_ADDRESS. Nothing was done."
        ) from err


def connect(address: str) -> Any:
    """The `ray` module, connected to the cluster at `address` ("auto": a local Ray started here)."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        import ray
    except ImportError as err:
        raise RayUnavailable("Ray is not installed here: pip install -e '.[ray]' (or drop --ray). "
                             "Nothing was done.") from err
    if ray.is_initialized():
        return ray
    if address != "auto":
        _reachable(address)
    try:
        if address == "auto":
            ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False)
        else:
            ray.init(address=address, log_to_driver=False, configure_logging=False)
    except Exception as err:  # ConnectionError, RuntimeError, ...: said as one clear error
        raise RayUnavailable(f"Could not join the Ray cluster at {address}: {err}. Nothing was done.") from err
    return ray


class _Remote:
    """What both backends share: the connection and the remote functions."""

    def __init__(self, address: str, settings: Settings) -> None:
        self.ray = connect(address)
        self.settings = settings
        options = {"max_retries": MAX_RETRIES, "num_cpus": 1}
        self._prepare = self.ray.remote(**options)(_prepare_task)
        self._encode = self.ray.remote(**options)(_encode_task)

    def workers(self) -> int:
        return max(1, int(self.ray.cluster_resources().get("CPU", 1)))

    def close(self, now: bool = False) -> None:
        """Leave the cluster (a local one started by "auto" stops with it); its tasks end with it."""
        if self.ray.is_initialized():
            self.ray.shutdown()


class RayFuture(Future[Parsed]):
    """A file's result, set when its Ray task returns. Cancelling it (the runner drops the files of a
    cancelled job) cancels the task too: the cluster stops reading a file nobody will commit."""

    def __init__(self, ray: Any, ref: Any) -> None:
        super().__init__()
        self.ray, self.ref = ray, ref

    def cancel(self) -> bool:
        if not super().cancel():
            return False
        self.ray.cancel(self.ref)
        return True


class RayPreparer(_Remote):
    """A `kb.distributed.pool.Preparer` on a Ray cluster: files are submitted ahead, results come back
    as futures in any order; the runner commits them in the job's order."""

    def __init__(self, address: str, settings: Settings, cache: EmbeddingCache | None = None) -> None:
        super().__init__(address, settings)
        self.cache = cache or EmbeddingCache(settings.cache_path)
        self.ahead = WINDOW * self.workers()

    def submit(self, task: FileTask, names: Sequence[str], progress: StepProgress | None) -> Future[Parsed]:
        """progress is not sent: a remote worker reports per file, when its result comes back."""
        ref = self._prepare.remote(self.settings, task, list(names))
        out = RayFuture(self.ray, ref)

        def done(result: Future[tuple[Parsed, Rows]]) -> None:
            try:
                parsed, rows = result.result()
                _keep(self.cache, rows)
            except BaseException as err:  # noqa: BLE001 - handed to the runner through the future
                with contextlib.suppress(InvalidStateError):  # the runner dropped the file meanwhile
                    out.set_exception(err)
                return
            with contextlib.suppress(InvalidStateError):
                out.set_result(parsed)

        ref.future().add_done_callback(done)
        return out


class RayEncoder(_Remote):
    """Encodes a reindex's steps of texts on a Ray cluster, in order, with `WINDOW` steps per CPU in flight."""

    def __enter__(self) -> RayEncoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def encode_into(self, cache: EmbeddingCache) -> Any:
        """An `kb.indexing.indexes.Encode`: (steps of texts, signal names) -> each step's rows, in order."""

        def encode(steps: Sequence[Sequence[str]], names: Sequence[str],
                   languages: Sequence[Sequence[str | None]] | None = None) -> Iterator[dict[str, Any]]:
            window = WINDOW * self.workers()
            refs: list[Any] = []
            for i, texts in enumerate(steps):
                langs = list(languages[i]) if languages is not None else None
                refs.append(self._encode.remote(self.settings, list(texts), list(names), langs))
                while len(refs) > window or (i == len(steps) - 1 and refs):
                    rows, cached = self.ray.get(refs.pop(0))
                    _keep(cache, cached)
                    yield rows
            while refs:
                rows, cached = self.ray.get(refs.pop(0))
                _keep(cache, cached)
                yield rows

        return encode


def _keep(cache: EmbeddingCache, rows: Rows) -> None:
    """Put a worker's new rows into the KB's own cache."""
    for embedder_id, hashes, vectors in rows:
        cache.put(embedder_id, hashes, vectors)
