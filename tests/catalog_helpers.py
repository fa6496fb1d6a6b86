"""Putting small documents straight into a catalog, for tests of what sits on top of it."""

from __future__ import annotations

import hashlib

from ingest import ChunkDraft
from kb.store.catalog import Catalog


def put_doc(cat: Catalog, source: str, texts: list[str], **meta: object) -> list[int]:
    """Store a document with one chunk per text (page = index + 1); returns the chunk ids."""
    chunks = [ChunkDraft(i, t, i + 1, ("Part A", f"Sub {i}"), 0, len(t), "en") for i, t in enumerate(texts)]
    _, _, ids = cat.put_document(
        sha256=hashlib.sha256(source.encode()).hexdigest(),
        source=source,
        title=f"Title of {source}",
        language="en",
        format="pdf",
        metadata=dict(meta),
        page_count=len(texts),
        stored_path=None,
        chunks=chunks,
    )
    return ids.tolist()
