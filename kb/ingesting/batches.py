"""One `add` or `reread` batch: every file through the ingest policy, indexes saved along the way.

The indexes are saved at least every `SAVE_EVERY_FILES` changed files or `SAVE_EVERY_SECONDS`, so a
crash in a long batch costs little repair work (the catalog commits each file on its own).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ingest import CHUNKER_VERSION
from kb.indexing.indexes import Indexes, Progress
from kb.ingesting.ingestor import Committed, Ingestor, Step
from kb.ingesting.scans import may_hold_scans, ocr_pending
from kb.settings import Settings
from kb.store.catalog import Catalog, now
from kb.types import AddReport, Document

__all__ = ["SAVE_EVERY_FILES", "SAVE_EVERY_SECONDS", "add_files", "reread_stale", "to_reread"]

# Save the indexes at least this often during a long batch, so a crash costs little repair work.
SAVE_EVERY_FILES = 25
SAVE_EVERY_SECONDS = 60.0


def add_files(catalog: Catalog, indexes: Indexes, settings: Settings, paths: list[Path], *,
              manifest: str | Path | None = None, metadata: dict[str, Any] | None = None,
              progress: Progress | None = None, step: Step | None = None,
              committed: Committed | None = None) -> AddReport:
    """Add files and folders; every file gets an outcome and the batch never stops (see KnowledgeBase.add).

    Returns:
        An AddReport with one FileOutcome per file, also recorded as the catalog's last ingest run.
    """
    started = now()
    ingestor = Ingestor(catalog, indexes, settings, manifest=manifest, metadata=metadata or {}, step=step,
                        committed=committed)
    report = AddReport()
    files = ingestor.collect(paths, report)
    last_save = time.monotonic()
    since_save = 0
    for outcome in ingestor.add_all(files, progress):
        report.files.append(outcome)
        if outcome.outcome in ("added", "updated"):
            since_save += 1
        if since_save >= SAVE_EVERY_FILES or (since_save and time.monotonic() - last_save > SAVE_EVERY_SECONDS):
            indexes.save()
            since_save, last_save = 0, time.monotonic()
    indexes.save()
    catalog.record_run(started, report.to_dict())
    return report


def to_reread(catalog: Catalog, settings: Settings, *, ocr: bool = False) -> list[Document]:
    """What a reread reads again, in the catalog's order: every document an older reader or chunker
    cut, every document whose scans OCR can now read (better), and with `ocr` every document that may
    hold scans. One list for `kb reread` run here and run as a job, which once left the scans out."""
    documents = catalog.documents()
    again = {d.id for d in ocr_pending(documents, settings)}
    if ocr:
        again |= {d.id for d in documents if may_hold_scans(catalog, d)}
    return [d for d in documents if d.chunker != CHUNKER_VERSION or d.id in again]


def reread_stale(catalog: Catalog, indexes: Indexes, settings: Settings, progress: Progress | None = None, *,
                 ocr: bool = False, committed: Committed | None = None) -> AddReport:
    """Read again, from the stored originals, every document an older reader or chunker cut, and
    every document whose scans OCR can now read (better) (kb.ingesting.scans).

    Args:
        ocr: also every document with pages read by OCR, and every PDF with pages that gave no text.
        committed: called after each document is committed (see `Ingestor`).

    Returns:
        An AddReport with one FileOutcome per such document ("updated", or "failed" with why).
    """
    stale = to_reread(catalog, settings, ocr=ocr)
    ingestor = Ingestor(catalog, indexes, settings, manifest=None, metadata={}, committed=committed)
    report = AddReport()
    for i, document in enumerate(stale, start=1):
        report.files.append(ingestor.reread(document))
        if i % SAVE_EVERY_FILES == 0:
            indexes.save()
        if progress:
            progress(i, len(stale), document.source)
    indexes.save()
    return report
