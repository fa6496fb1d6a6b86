"""Adding documents: which files a batch offers, their metadata, near copies of stored documents,
and the ingest policy that gives every file an outcome (added, updated, unchanged, failed)."""

from __future__ import annotations

from kb.ingesting.files import collect
from kb.ingesting.ingestor import Ingestor
from kb.ingesting.metadata import metadata_for, update_metadata
from kb.ingesting.near_duplicates import WARN_AT, Signatures, shingles, signature

__all__ = ["Ingestor", "collect", "metadata_for", "update_metadata", "WARN_AT", "Signatures", "shingles", "signature"]
