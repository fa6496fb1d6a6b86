"""Choosing where files are prepared: "inline" (this process), "process" (a niced worker process),
or a Ray cluster (`--ray ADDRESS`, `KB_RAY_ADDRESS`; "auto" starts a local one)."""

from __future__ import annotations

import os

from kb.distributed.pool import InlinePreparer, Preparer, ProcessPreparer
from kb.distributed.prepare import Encoders
from kb.indexing.indexes import Indexes
from kb.settings import Settings

__all__ = ["make_preparer", "ray_address"]


def ray_address(given: str | None) -> str | None:
    """The Ray cluster to use: `--ray ADDRESS`, else `KB_RAY_ADDRESS`, else None (no Ray)."""
    return given or os.environ.get("KB_RAY_ADDRESS") or None


def make_preparer(kind: str, settings: Settings, indexes: Indexes) -> Preparer:
    """A preparer of this kind: "inline", "process", or "ray:ADDRESS".

    Raises:
        RayUnavailable: Ray is not installed or the cluster cannot be reached (before any work).
    """
    if kind == "inline":
        return InlinePreparer(Encoders(settings, indexes.cache, indexes.models))
    if kind == "process":
        return ProcessPreparer(settings)
    if kind.startswith("ray:"):
        from kb.distributed.ray_backend import RayPreparer

        return RayPreparer(kind.removeprefix("ray:"), settings)
    raise ValueError(f"Unknown place to prepare files: {kind!r} (inline, process or ray:ADDRESS).")
