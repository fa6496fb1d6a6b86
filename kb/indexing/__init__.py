"""The derived indexes: what the indexes see of a chunk (its index text), and the KB's list of
ranking signals (`index.signals`), which ingest, reindex, check/repair and save go through alike.

Everything here can be rebuilt from the catalog (`kb.store`) and the embedding cache.
"""

from __future__ import annotations

from kb.indexing.index_text import INDEX_TEXT_FORMAT, index_rows, index_text
from kb.indexing.indexes import Indexes, Progress

__all__ = ["Indexes", "Progress", "INDEX_TEXT_FORMAT", "index_text", "index_rows"]
