"""What every ranking signal is: one store of per-chunk rows, how it fills it, how it scores.

A signal owns everything about one source of evidence for ranking: its rows per chunk id (a FAISS
index, a BM25 matrix, latent terms, paragraph vectors), how a chunk's index text becomes those rows
at ingest (through the embedding cache, under the signal's own cache key), how it saves and loads
them, how it scores candidates for a query, and whether a knowledge base keeps it at all (its
"auto|on|off" policy). The knowledge base holds a list of signals and treats them alike: ingest,
reindex, check/repair and save iterate over the list; search gathers each signal's scores
(`index.hybrid.gather`) and combines them by each signal's `stage` and `weight`
(`index.hybrid.hybrid_search`). A new signal is one module and one line in `index.signals.registry`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from index.ids import as_ids
from index.models import Models

__all__ = ["encode_rows", "Signal", "Stage", "Query", "IngestCost", "SignalEnv", "MODES", "as_ids", "aligned"]

MODES = ("auto", "on", "off")


class Stage(StrEnum):
    """Where in the scoring a signal's score applies (the order below is the order of the formula).

    DENSE: the semantic base score; exactly one signal (it retrieves candidates too).
    BLEND: mixed into the dense score before the same-language scale: dense + weight x score, a
        candidate without a score counting its own dense score there (paragraph vectors).
    ADD: added after the same-language scale: dense + weight x score, no score counting 0.
    SECOND: a second encoder's score, z-blended with the dense score after ADD:
        minmax((1 - weight) x z(dense) + weight x z(score)) over the candidates, counted only for
        candidates outside the query's detected language; one without a score keeps z(dense).
    LEXICAL: fused beside the (min-max normalised) dense side as coverage of the query's terms,
        gated by script and language (`index.fusion.fuse`); at most one signal.
    """

    DENSE = "dense"
    BLEND = "blend"
    ADD = "add"
    SECOND = "second"
    LEXICAL = "lexical"


@dataclass(frozen=True)
class IngestCost:
    """What a signal costs, declared where it is defined (measured figures, see each module).

    Attributes:
        model_passes: model passes per chunk at ingest beyond reading the text (dense: 1; BM25: 0).
        bytes_per_chunk: memory per chunk while the KB is open (approximate).
        query_ms: time it adds to one query on 2 cores (approximate).
    """

    model_passes: float
    bytes_per_chunk: int
    query_ms: float


@dataclass
class Query:
    """One query as every signal sees it.

    Attributes:
        text: what the person typed (BM25 terms, script, latent terms).
        vector: the embedder's `embed_query(text)`.
        language: the query's ISO 639-1 language when detected with confidence, else None.
        same_language_scale: factor for the dense score of chunks in `language` (1.0: none).
        encoded: each signal's own encoding of the query, by signal name, made once (`Signal.encode_query`).
    """

    text: str
    vector: np.ndarray
    language: str | None = None
    same_language_scale: float = 1.0
    encoded: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SignalEnv:
    """What a signal is opened with inside a knowledge base.

    Attributes:
        models: the KB's embedder and embedding cache (opened on first use).
        folder: the KB's index folder; the signal's file is `folder / file_name`.
        mode: "auto", "on" or "off" for this signal (Settings).
        text_format: the KB's name for how it turns a chunk into index text, saved where a signal
            can tell an index built from an older recipe (the dense index keeps it).
        index_kind: the FAISS index kind for vector signals (Settings.index_kind).
    """

    models: Models
    folder: Path
    mode: str = "on"
    text_format: str | None = None
    index_kind: str = "auto"


def aligned(ids: np.ndarray, found_ids: np.ndarray, found_scores: np.ndarray) -> np.ndarray:
    """Scores of `found_ids` placed at their ids' positions in `ids`; NaN where an id was not found."""
    out = np.full(len(ids), np.nan, dtype=np.float64)
    if len(found_ids):
        where = {int(i): n for n, i in enumerate(ids.tolist())}
        out[[where[int(i)] for i in found_ids.tolist()]] = found_scores
    return out


class Signal(ABC):
    """One ranking signal and its per-chunk store.

    Class attributes a signal declares:
        name: its registry key (`KnowledgeBase.signal(name)`), e.g. "dense", "latent".
        file_name: its file under the index folder.
        stage, weight: where and how strongly its score counts (see `Stage`).
        retrieves: whether it offers candidates of its own (`search`), not only scores for others'.
        cost: its declared ingest and query cost.
        noun: what its rows are, for messages ("latent terms").
        report_key: its prefix in `kb check` reports ("vectors" -> vectors_missing).
        default_mode, auto_max: its policy: "auto" keeps it while the KB has at most `auto_max()` chunks.
        setting, env_var: the Settings field and environment variable that choose its mode, if any.
        optional: kept per the policy and used in ranking only once every chunk has its rows;
            a KB opening never runs a model to fill it (`repair` reads the cache only).
        needs_languages: `encode` and `repair` need each text's language (the KB passes the
            catalog's; others get None).
        supersedes: names of signals that, in "auto" mode, a KB drops while this one is kept
            (the second encoder makes latent terms redundant).
    """

    name: ClassVar[str]
    file_name: ClassVar[str]
    stage: ClassVar[Stage]
    weight: float = 1.0
    retrieves: ClassVar[bool] = False
    cost: ClassVar[IngestCost]
    noun: ClassVar[str]
    report_key: ClassVar[str]
    default_mode: ClassVar[str] = "on"
    setting: ClassVar[str | None] = None
    env_var: ClassVar[str | None] = None
    optional: ClassVar[bool] = False
    needs_languages: ClassVar[bool] = False
    supersedes: ClassVar[tuple[str, ...]] = ()

    def __init__(self, env: SignalEnv | None = None, *, weight: float | None = None) -> None:
        self.env = env
        self.mode = env.mode if env is not None else "on"
        if weight is not None:
            self.weight = weight

    # --- policy ------------------------------------------------------------------------------

    @classmethod
    def auto_max(cls) -> int | None:
        """The chunk count up to which "auto" keeps this signal (None: no limit)."""
        return None

    def available(self) -> bool:
        """Whether the KB's model can give these rows at all."""
        return True

    def keeps(self, chunks: int) -> bool:
        """Whether a KB of this many chunks keeps this signal (its mode and its auto limit)."""
        limit = self.auto_max()
        return self.mode == "on" or (self.mode == "auto" and (limit is None or chunks <= limit))

    def follow(self, chunks: int) -> bool:
        """Load or drop the store as the policy says for a KB of this many chunks.

        Returns:
            True when the store had to be started empty (lost or unreadable file): it must be saved.
        """
        return False

    @property
    def in_use(self) -> bool:
        """Whether the store is held (after `follow`)."""
        return True

    def ready(self, chunks: int) -> bool:
        """Whether ranking may use it: every one of the KB's chunks has its rows."""
        return self.in_use

    # --- store -------------------------------------------------------------------------------

    @abstractmethod
    def ids(self) -> np.ndarray:
        """Stored chunk ids, sorted."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def add(self, ids: np.ndarray, rows: Any) -> None:
        """Store rows (what `encode` returned) under chunk ids; a known id is replaced."""

    @abstractmethod
    def remove(self, ids: np.ndarray) -> None:
        """Forget chunk ids; unknown ids are ignored."""

    @abstractmethod
    def save(self) -> None:
        """Write the store atomically under the index folder (when in use)."""

    def rows_of(self, ids: np.ndarray) -> Any:
        """The stored rows of these chunk ids (all stored, in this order), in the form `add` takes.

        What a knowledge base's trash keeps of a removed document, so that a restore adds back the
        very same rows without running a model. The default, None, says "encode my rows again from
        the index text": right for a signal whose `encode` runs no model (BM25 keeps the texts).
        """
        return None

    @abstractmethod
    def reset(self, chunks: int) -> None:
        """Start empty for a KB about to be re-indexed with this many chunks."""

    # --- ingest ------------------------------------------------------------------------------

    @abstractmethod
    def encode(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> Any:
        """Rows for these index texts, through the embedding cache (the slow part of ingest).

        `languages`: each text's language, given when the signal `needs_languages`."""

    def repair(self, ids: np.ndarray, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> bool:
        """Rows for chunks the store lacks (`kb check`). True if any were added.

        The default encodes them (through the cache: the model runs only for texts it lacks);
        an optional signal reads the cache alone, so opening a KB never runs a model for it.
        """
        if not len(ids):
            return False
        self.add(ids, encode_rows(self, texts, languages))
        return True

    # --- query -------------------------------------------------------------------------------

    def encode_query(self, text: str) -> Any:
        """This signal's own encoding of a query (None when it scores from `Query.vector` or text)."""
        return None

    @abstractmethod
    def score(self, query: Query, ids: np.ndarray) -> np.ndarray:
        """float [len(ids)]: this signal's score of each candidate, NaN where it has none."""

    def evidence(self, query: Query) -> tuple[float, float]:
        """For the Stage.LEXICAL signal: (the score a chunk holding every query term would get, the
        share of query terms the index knows), which fusion scales its scores by; (0, 0) otherwise."""
        return 0.0, 0.0

    def search(self, query: Query, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (ids, scores), best first, among `allowed` (retrieving signals only)."""
        raise NotImplementedError(f"The {self.name} signal only scores candidates; it does not retrieve.")

    # --- shared helpers ----------------------------------------------------------------------

    @property
    def path(self) -> Path:
        """Its file under the index folder."""
        if self.env is None:
            raise RuntimeError(f"The {self.name} signal was built without a KB environment; it has no file.")
        return self.env.folder / self.file_name

    @property
    def models(self) -> Models:
        if self.env is None:
            raise RuntimeError(f"The {self.name} signal was built without a KB environment; it cannot encode.")
        return self.env.models


def encode_rows(signal: Signal, texts: Sequence[str], languages: Sequence[str | None] | None) -> Any:
    """A signal's rows for these texts, passing their languages only to a signal that needs them
    (`needs_languages`), so a plug-in's `encode(texts)` stays a one-argument method."""
    return signal.encode(texts, languages) if signal.needs_languages else signal.encode(texts)
