"""What the optional signals (latent terms, paragraph vectors) share: a store kept per a policy.

Each is kept per its mode ("on", "off", or "auto": while the KB has at most `auto_max()` chunks),
lives in one file under the index folder, is loaded on first use, is refilled from the embedding
cache only (never the model) when a KB opens, and is used in ranking only when every chunk has its
rows. A store given ready (a benchmark pool, a test) is used as it is.
"""

from __future__ import annotations

from abc import abstractmethod
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np

from index.chunk_store import ChunkStore
from index.signals.base import Signal, SignalEnv

__all__ = ["OptionalSignal", "UNUSABLE"]

Store = TypeVar("Store", bound=ChunkStore[Any])

# What reading a lost, damaged or foreign store file raises; it is then started empty and refilled.
UNUSABLE = (OSError, ValueError, EOFError, KeyError)


class OptionalSignal(Signal, Generic[Store]):
    """A signal whose store a KB keeps per its policy (see module docstring)."""

    optional = True
    default_mode = "auto"

    def __init__(self, env: SignalEnv | None = None, *, store: Store | None = None,
                 weight: float | None = None) -> None:
        super().__init__(env, weight=weight)
        self.store: Store | None = store
        self._loaded = store is not None

    @abstractmethod
    def _new(self) -> Store:
        """An empty store."""

    @abstractmethod
    def _load(self, path: Path) -> Store:
        """Read the saved store; raise one of UNUSABLE when it cannot be used."""

    def follow(self, chunks: int) -> bool:
        if self._loaded and self.store is not None and not (self.available() and self.keeps(chunks)):
            self.store = None  # grew past the "auto" limit: stop keeping it
        if self._loaded:
            return False
        self._loaded = True
        if not (self.available() and self.keeps(chunks)):
            return False
        try:
            self.store = self._load(self.path)
        except UNUSABLE:
            self.store = self._new()  # lost, damaged or foreign: refilled by `check`
            return True
        return False

    @property
    def in_use(self) -> bool:
        return self.store is not None

    def ready(self, chunks: int) -> bool:
        return self.store is not None and len(self.store) > 0 and len(self.store) == chunks

    def ids(self) -> np.ndarray:
        return self.store.ids() if self.store is not None else np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.store) if self.store is not None else 0

    def remove(self, ids: np.ndarray) -> None:
        if self.store is not None:
            self.store.remove(ids)

    def save(self) -> None:
        if self.store is not None:
            self.store.save(self.path)

    def reset(self, chunks: int) -> None:
        self.store = self._new() if self.available() and self.keeps(chunks) else None
        self._loaded = True
