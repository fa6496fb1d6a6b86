"""The error a coordinator sees when a Ray cluster cannot be used (importable without Ray)."""

from __future__ import annotations

__all__ = ["RayUnavailable"]


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster named cannot be reached: said before any work is done,
    and never silently replaced by a local run."""
