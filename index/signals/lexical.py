"""The lexical signal: BM25 over each chunk's index text (`index.lexical`, tokenised for every script).

It retrieves candidates of its own and is fused beside the dense side (`Stage.LEXICAL`): its score
counts as coverage of the query's terms, only where it can carry evidence (same script and language
as the query, above chance matches); see `index.fusion`.

Cost: no model pass at ingest; about 1 KB per chunk (postings and term frequencies); < 1 ms a query.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.errors import IndexFileError
from index.fusion import LEXICAL_WEIGHT
from index.lexical import LexicalIndex
from index.signals.base import IngestCost, Query, Signal, SignalEnv, Stage, as_ids

__all__ = ["LexicalSignal"]


class LexicalSignal(Signal):
    """BM25 rows in a `LexicalIndex`, loaded from the index folder on first use (or given ready)."""

    name = "lexical"
    file_name = "lexical"
    stage = Stage.LEXICAL
    weight = LEXICAL_WEIGHT
    retrieves = True
    cost = IngestCost(model_passes=0.0, bytes_per_chunk=1000, query_ms=0.5)
    noun = "lexical rows"
    report_key = "lexical"

    def __init__(self, env: SignalEnv | None = None, *, index: LexicalIndex | None = None,
                 weight: float | None = None) -> None:
        super().__init__(env, weight=weight)
        self._index = index

    def follow(self, chunks: int) -> bool:
        """Load the index on first use; True when it had to be started empty (it must be saved)."""
        if self._index is not None:
            return False
        try:
            self._index = LexicalIndex.load(self.path)
        except (IndexFileError, OSError, ValueError, EOFError):
            self._index = LexicalIndex()  # rebuilt from the catalog by `check`
            return True
        return False

    @property
    def index(self) -> LexicalIndex:
        self.follow(0)
        assert self._index is not None
        return self._index

    def evidence(self, query: Query) -> tuple[float, float]:
        """(ideal, matched share) of the query for fusion: the sum of idf over all its terms, and
        the share of its terms the index knows (see `index.fusion`); (0, 0) for an empty index."""
        if not len(self.index):
            return 0.0, 0.0
        stats = self.index.query_stats(query.text)
        return stats.ideal, stats.share

    # --- store -------------------------------------------------------------------------------

    def ids(self) -> np.ndarray:
        return self.index.ids()

    def __len__(self) -> int:
        return len(self.index)

    def add(self, ids: np.ndarray, rows: Sequence[str]) -> None:
        self.index.add(ids, rows)

    def remove(self, ids: np.ndarray) -> None:
        self.index.remove(ids)

    def save(self) -> None:
        self.index.save(self.path)

    def reset(self, chunks: int) -> None:
        self._index = LexicalIndex()

    # --- ingest and query --------------------------------------------------------------------

    def encode(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> list[str]:
        """BM25 tokenises when rows are added: the rows are the texts themselves."""
        return list(texts)

    def search(self, query: Query, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        return self.index.search(query.text, k, allowed)

    def score(self, query: Query, ids: np.ndarray) -> np.ndarray:
        """BM25 scores of these chunks; NaN where no query term matches (a score of 0)."""
        scores = self.index.scores_for(query.text, as_ids(ids)).astype(np.float64)
        return np.where(scores > 0, scores, np.nan)
