"""Search filters: which keys there are (from the metadata schema) and the chunk ids they allow.

Filters are a pre-filter: the catalog gives the ids that match and every signal searches only
among them, so a filter can never empty a page that has matching documents.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ingest import FIELDS
from kb.store.catalog import Catalog

__all__ = ["FILTER_KEYS", "allowed_ids"]

# Every filterable field of `ingest.schema` (a "year" field as a range), then the document id
# ("more like this" leaves a document out, drafts look one up).
FILTER_KEYS: tuple[str, ...] = (
    *(key for f in FIELDS if f.filterable
      for key in ((f"{f.name}_min", f"{f.name}_max") if f.kind == "year" else (f.name,))),
    "doc_id",
)
_WHOLE_NUMBER_FILTERS = (*(k for k in FILTER_KEYS if k.endswith(("_min", "_max"))), "doc_id")


def allowed_ids(catalog: Catalog, filters: dict[str, Any] | None) -> np.ndarray | None:
    """The chunk ids the filters allow (None: no filter given).

    Raises:
        ValueError: an unknown filter, or a year or document id that is not a whole number;
            the message says which filters there are.
    """
    if not filters or not any(v not in (None, "", []) for v in filters.values()):
        return None
    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        raise ValueError(f"Unknown filter {', '.join(sorted(unknown))}; use one of: {', '.join(FILTER_KEYS)}.")
    for name in _WHOLE_NUMBER_FILTERS:
        values = filters.get(name)
        for value in values if isinstance(values, list | tuple) else [values]:
            if value not in (None, "") and not str(value).strip().lstrip("-").isdigit():
                raise ValueError(f"The {name} filter takes a whole number (a year or a document id), not {value!r}.")
    return catalog.filtered_chunk_ids(filters)
