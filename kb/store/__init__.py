"""The stored truth: the SQLite catalog (documents, chunks, facets, drafts' tables, ingest runs),
its append-only numbered migrations, and the copies of the original files it names.

Everything else a knowledge base holds (the ranking signals' indexes) is derived from this and can
be rebuilt from it (`kb.indexing`).
"""

from __future__ import annotations

from kb.store.catalog import Catalog, now
from kb.store.facets import FACET_KEYS, documents_sql, write_facets
from kb.store.migrations import MIGRATIONS, apply_migrations
from kb.store.originals import SAFE_SUFFIXES, drop_original, keep_original, original_path

__all__ = [
    "Catalog",
    "FACET_KEYS",
    "documents_sql",
    "write_facets",
    "now",
    "MIGRATIONS",
    "apply_migrations",
    "SAFE_SUFFIXES",
    "keep_original",
    "original_path",
    "drop_original",
]
