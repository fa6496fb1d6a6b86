"""Errors the index package raises for conditions a user can cause."""

from __future__ import annotations

__all__ = ["IndexMismatchError", "IndexFileError"]


class IndexMismatchError(RuntimeError):
    """A saved index was built with another embedder (or dimension) than the one asked for."""

    def __init__(self, message: str, built_with: str | None = None) -> None:
        super().__init__(message)
        self.built_with = built_with  # the embedder id the saved index names


class IndexFileError(RuntimeError):
    """A saved index file is missing, unreadable or disagrees with its manifest."""
