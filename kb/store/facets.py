"""The catalog's facets: one `doc_facets` row per filterable value of a document, and the SQL that
turns search filters into the documents they allow. Which keys are facets is the metadata schema's
(`ingest.schema`: the filterable fields coordinators set, beside the detected language)."""

from __future__ import annotations

import sqlite3
from typing import Any

from ingest import FIELDS

__all__ = ["FACET_KEYS", "write_facets", "documents_sql"]

FACET_KEYS = tuple(f.name for f in FIELDS if f.filterable and f.editable)
# range filters ("year_min", "year_max") -> (the facet, the comparison)
_RANGES = {f"{f.name}_{end}": (f.name, op) for f in FIELDS if f.filterable and f.kind == "year"
           for end, op in (("min", ">="), ("max", "<="))}


def write_facets(db: sqlite3.Connection, doc_id: int, language: str, meta: dict[str, Any]) -> None:
    """Replace a document's facet rows: its language, and every value of its filterable fields."""
    db.execute("DELETE FROM doc_facets WHERE doc_id = ?", (doc_id,))
    rows = [(doc_id, "language", language)]
    for key in FACET_KEYS:
        value = meta.get(key)
        values = value if isinstance(value, list) else [value]
        rows += [(doc_id, key, str(v)) for v in values if v not in (None, "")]
    db.executemany("INSERT INTO doc_facets (doc_id, key, value) VALUES (?,?,?)", rows)


_CASE = {"country": str.upper, "language": str.lower}  # ISO 3166-1 codes are stored upper-case, ISO 639-1 lower


def documents_sql(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    """A SELECT of the ids of the documents matching every filter (list values match any of them).

    Keys are facet keys plus `language`, the range ends (`year_min`, `year_max`) and `doc_id`.
    """
    clauses: list[str] = []
    params: list[Any] = []
    for name, value in filters.items():
        if value in (None, "", []):
            continue
        if name in _RANGES:
            facet, op = _RANGES[name]
            clauses.append(f"SELECT doc_id FROM doc_facets WHERE key=? AND CAST(value AS INTEGER) {op} ?")
            params += [facet, int(value)]
        elif name == "doc_id":
            values = value if isinstance(value, list | tuple) else [value]
            clauses.append(f"SELECT id FROM documents WHERE id IN ({','.join('?' * len(values))})")
            params += [int(v) for v in values]
        else:
            values = value if isinstance(value, list | tuple) else [value]
            case = _CASE.get(name, str)  # codes are stored in one case: "de" finds Germany's documents
            clauses.append(f"SELECT doc_id FROM doc_facets WHERE key=? AND value IN ({','.join('?' * len(values))})")
            params += [name, *[case(str(v).strip()) for v in values]]
    return " INTERSECT ".join(clauses) or "SELECT id FROM documents", params
