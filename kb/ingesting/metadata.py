"""A document's metadata: where it comes from when a file is added, and changing it afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kb.indexing.index_text import index_text
from kb.indexing.indexes import Indexes
from kb.store.catalog import Catalog
from kb.types import Document, DocumentNotFound

if TYPE_CHECKING:
    from ingest import Manifest

__all__ = ["metadata_for", "update_metadata", "metadata_change"]


def metadata_for(path: Path, manifest: Manifest | None, given: dict[str, Any]) -> dict[str, Any]:
    """A file's metadata: its manifest row, then its sidecar, then values given for the whole batch
    (`--set`, the web form), later ones winning; validated (MetadataError)."""
    from ingest import load_sidecar, validate_metadata

    merged: dict[str, Any] = {}
    if manifest:
        merged.update(manifest.lookup(path))
    merged.update(load_sidecar(path))
    merged.update(given)
    return validate_metadata(merged)


def update_metadata(catalog: Catalog, indexes: Indexes, doc_id: int, metadata: dict[str, Any]) -> Document:
    """Replace a document's metadata after validating it (raises MetadataError, DocumentNotFound).

    Its chunks are indexed again when the header they are indexed under (title, city, country) changed.
    """
    from ingest import validate_metadata

    doc = catalog.document(doc_id)
    if doc is None:
        raise DocumentNotFound(doc_id)
    clean = validate_metadata(metadata)
    catalog.set_metadata(doc_id, clean, title=clean.get("title"))
    updated = catalog.document(doc_id)
    assert updated is not None
    if index_text(updated.title, updated.metadata, (), "") != index_text(doc.title, doc.metadata, (), ""):
        indexes.refresh(np.asarray([c.id for c in catalog.chunks_of(doc_id)], dtype=np.int64))
    return updated


def metadata_change(before: Document, after: Document) -> dict[str, dict[str, Any]]:
    """What a metadata edit changed, for the audit trail: {"before": {...}, "after": {...}} over the
    fields that differ; {} when none does (an edit that changes nothing is not an event).

    The title is the title field as set; while it was never set, the title the document has (from its
    file), so renaming such a document records the old name. A cleared title field is None after: the
    catalog then keeps the document's last title, which the caller records beside.
    """
    old = {**before.metadata, "title": before.metadata.get("title", before.title)}
    cleared = "title" in before.metadata and "title" not in after.metadata
    new = {**after.metadata, "title": None if cleared else after.metadata.get("title", after.title)}
    keys = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    return {"before": {k: old.get(k) for k in keys}, "after": {k: new.get(k) for k in keys}} if keys else {}
