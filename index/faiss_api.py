"""FAISS, used untyped: the stubs faiss-cpu bundles (faiss/__init__.pyi) lack much of the SWIG API
this package calls (DirectMap, SearchParametersHNSW, SearchParameters(sel=...), an index's id_map,
invlists or nprobe), so the type checker would reject correct calls. `index.vectors` and `index.ivf`
import `faiss` from here, typed Any, instead of scattering `type: ignore` over every call."""

from __future__ import annotations

from typing import Any, TypeAlias

import faiss as _faiss

__all__ = ["faiss", "FaissIndex"]

faiss: Any = _faiss
FaissIndex: TypeAlias = Any  # a faiss.Index (IndexIDMap2 over flat/HNSW, or IndexIVFScalarQuantizer)
