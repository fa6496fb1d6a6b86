"""Search filters: which keys there are (from the metadata schema) and the chunk ids they allow.

Filters are a pre-filter: the catalog gives the ids that match and every signal searches only
among them, so a filter can never empty a page that has matching documents.
"""

from __future__ import annotations

import re
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
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")  # ISO 639-1, or "und"
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
    return catalog.filtered_chunk_ids(checked_filters(catalog, filters))


def checked_filters(catalog: Catalog, filters: dict[str, Any]) -> dict[str, Any]:
    """Each value as it is stored: a choice or a country checked and normalised as metadata is
    ("blog" is refused with the allowed values, "Deutschland" is DE), a language as a code, and a
    city or region in the spelling the catalog holds, whatever its case. A value typed at the command
    line found nothing and said nothing (QA pass 15: `city="harrow bend"`, `doc_type=blog`)."""
    from ingest import MetadataError, validate_metadata

    out = dict(filters)
    for f in FIELDS:
        values = filters.get(f.name)
        if not f.filterable or values in (None, "", []):
            continue
        many = isinstance(values, list | tuple)
        given = [v for v in (values if many else [values]) if v not in (None, "")]
        try:
            if f.kind in ("choice", "choices", "country"):
                given = [validate_metadata({f.name: v}).get(f.name) for v in given]  # none when it is empty
                given = [x for v in given if v for x in (v if isinstance(v, list) else [v])]
        except MetadataError as err:
            raise ValueError(f"The {f.name} filter: {str(err).partition(': ')[2]}.") from None
        if f.kind == "language" and any(not _LANGUAGE_CODE.fullmatch(str(v).strip()) for v in given):
            raise ValueError(f"The language filter takes a language code (en, es, fr, de, pt, ar …), not {values!r}.")
        if f.kind == "text":  # the stored spelling of each, matched whatever the case
            stored = {v.casefold(): v for v in catalog.facet_values(f.name)}
            given = [stored.get(str(v).strip().casefold(), v) for v in given]
        if given:
            out[f.name] = given if many else given[0]
        else:  # nothing left once normalised (a "prevention_level" of ";"): no filter on it
            out.pop(f.name)
    return out
