"""Where the heavy part of ingest runs: reading, chunking and encoding files (and texts, for a
reindex), here, in a niced worker process, or on a Ray cluster; the results come back to the one
process that owns the catalog and commits them (`kb.jobs`, `kb.ingesting`)."""

from kb.distributed.backends import make_preparer, ray_address
from kb.distributed.pool import InlinePreparer, Preparer, ProcessPreparer
from kb.distributed.prepare import Encoders, FileTask, prepare_file

__all__ = ["Preparer", "InlinePreparer", "ProcessPreparer", "Encoders", "FileTask", "prepare_file",
           "make_preparer", "ray_address"]
