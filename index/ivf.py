"""The FAISS IVF details behind `VectorIndex`'s approximate kinds ("ivf_fp16", "ivf_sq8").

An inverted-file index over scalar-quantised vectors that holds our chunk ids itself: trained on a
bounded sample of its first batch, with a hash direct map (id -> list position) so that a small
allowed set can be decoded and scored exactly, and a probe count that grows as a filter narrows.
"""

from __future__ import annotations

import numpy as np

from index.faiss_api import FaissIndex, faiss

__all__ = ["IVF_KINDS", "IVF_EXACT_MAX", "IVF_MAX_LISTS", "IVF_NPROBE", "nprobe_for", "stored_ids", "train",
           "with_direct_map"]

# IVF kinds and their scalar quantiser; both are trained on their first batch of vectors
IVF_KINDS = {"ivf_fp16": faiss.ScalarQuantizer.QT_fp16, "ivf_sq8": faiss.ScalarQuantizer.QT_8bit}
IVF_MAX_LISTS = 1024  # k-means on 50k sample points x 1024 lists trains in seconds on 2 cores
IVF_NPROBE = 32  # lists scanned per query (recall@10 measured by evals.bench)
# An allowed set this small is scored exactly from its decoded vectors (the direct map finds them);
# cheaper than probing lists for it, and what fusion's look-up of BM25-only hits needs.
IVF_EXACT_MAX = 5_000  # measured at 1M: 100 ids 0.1 ms; 50k ids ~95 ms decoded vs ~21 ms probed


def train(vectors: np.ndarray, dim: int, kind: str) -> FaissIndex:
    """An empty, trained IVF index of `kind` (its quantiser) for data like `vectors` (inner product)."""
    n = len(vectors)
    nlist = int(max(1, min(IVF_MAX_LISTS, 4 * np.sqrt(n), n // 39)))
    index = faiss.IndexIVFScalarQuantizer(
        faiss.IndexFlatIP(dim), dim, nlist, IVF_KINDS[kind], faiss.METRIC_INNER_PRODUCT
    )
    index.cp.niter = 10  # k-means converges enough for list assignment; 25 doubles the time
    sample = vectors
    if n > 50 * nlist:  # a fixed, spread sample keeps training time bounded at any size
        sample = vectors[np.linspace(0, n - 1, 50 * nlist).astype(np.int64)]
    index.train(np.ascontiguousarray(sample, dtype=np.float32))
    index.nprobe = min(IVF_NPROBE, nlist)
    return with_direct_map(index)


def with_direct_map(index: FaissIndex) -> FaissIndex:
    """The index with an id -> list position map, so a small allowed set is decoded directly (~40 B per vector)."""
    if index.direct_map.type != faiss.DirectMap.Hashtable:
        index.set_direct_map_type(faiss.DirectMap.Hashtable)
    return index


def stored_ids(index: FaissIndex) -> np.ndarray:
    """Every id held in the index's inverted lists."""
    lists = index.invlists
    parts = [
        faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)).copy()
        for i in range(lists.nlist)
        if lists.list_size(i)
    ]
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)


def nprobe_for(index: FaissIndex, share: float) -> int:
    """Lists to probe when `share` of the vectors may match: as many allowed vectors as an unfiltered
    query scans (nprobe / share lists), at most all of them."""
    return int(min(int(index.nlist), np.ceil(index.nprobe / max(share, 1e-9))))
