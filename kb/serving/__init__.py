"""Serving many people at once: the read-write discipline that lets searches run in parallel while
one writer (ingest, remove, reindex) changes the catalog and the indexes.

See `kb.serving.guard`: readers share, a writer holds the KB alone only while it swaps a document in
or out (the catalog commit and the in-memory index update), never while it parses or embeds.
"""

from kb.serving.guard import Guard

__all__ = ["Guard"]
