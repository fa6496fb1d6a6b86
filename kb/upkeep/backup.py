"""A consistent copy of a KB home, taken while the KB may be in use (the web UI running, say).

The catalog and the embedding cache are copied with SQLite's online backup, so each is one
transaction-consistent snapshot even while another process writes. The stored originals that
snapshot names are copied next, then the index files. An index saved by the running KB between
those steps can disagree with the catalog snapshot; the copy is therefore opened as a KB before
it is published, which runs the same check and repair as every open (`kb.upkeep.consistency`), from the
copied embedding cache. Everything is written under a temporary name beside the destination and
renamed at the end, so a backup that fails or is interrupted never leaves a folder that looks whole.

A backup is a KB home like any other: `kb --home BACKUP serve` uses it; copying it back restores it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from kb.indexing.indexes import Indexes
from kb.settings import Settings
from kb.store.catalog import Catalog
from kb.upkeep.consistency import check

__all__ = ["BackupError", "BackupReport", "backup"]

USERS_FILE = "users.json"


class BackupError(Exception):
    """A backup that cannot be made as asked (the message says why); nothing was written."""


@dataclass
class BackupReport:
    """What a backup holds, and whether its catalog and indexes agreed once it was opened."""

    destination: str
    documents: int
    chunks: int
    originals: int
    missing_originals: list[str] = field(default_factory=list)  # sources whose original was already gone
    cache: bool = True
    consistent: bool = True
    repaired: bool = False
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def backup(settings: Settings, destination: str | Path, *, cache: bool = True) -> BackupReport:
    """Copy the KB home of `settings` to `destination`, a folder that must not exist yet (or be empty).

    Args:
        settings: the source KB's settings (its home, and the embedder to open the copy with).
        destination: the new folder.
        cache: also copy the embedding cache (without it, a repair of the copy would run the model).

    Returns:
        A BackupReport.

    Raises:
        BackupError: the source is not a KB home, or the destination is in the way.
    """
    started = time.monotonic()
    source = settings.home
    dest = Path(destination).expanduser().resolve()
    if not settings.catalog_path.exists():
        raise BackupError(f"{source} holds no knowledge base (no catalog.sqlite).")
    if dest == source or source in dest.parents:
        raise BackupError("The backup must go outside the knowledge base's own folder.")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} already exists and is not an empty folder; choose a new one.")
    partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        _sqlite_copy(settings.catalog_path, partial / settings.catalog_path.name)
        copied, missing = _copy_originals(partial / settings.catalog_path.name, source, partial)
        _copy_trash(partial / settings.catalog_path.name, source, partial)
        if cache and settings.cache_path.exists():
            _sqlite_copy(settings.cache_path, partial / settings.cache_path.name)
        if settings.index_dir.exists():
            shutil.copytree(settings.index_dir, partial / settings.index_dir.name,
                            ignore=shutil.ignore_patterns("*.tmp", "*.tmp-*"))
        if (source / USERS_FILE).exists():
            shutil.copy2(source / USERS_FILE, partial / USERS_FILE)
        report = _verify(settings, partial, dest, copied, missing, cache)
        if dest.exists():
            dest.rmdir()  # empty, checked above
        os.replace(partial, dest)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    report.seconds = round(time.monotonic() - started, 2)
    return report


def _sqlite_copy(source: Path, target: Path) -> None:
    """One consistent snapshot of a SQLite database, WAL included, while others may write to it."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _copy_originals(catalog: Path, source: Path, target: Path) -> tuple[int, list[str]]:
    """Copy the stored originals the catalog snapshot names; return (copied, sources whose file is gone)."""
    db = sqlite3.connect(catalog)
    try:
        rows = db.execute("SELECT source, stored_path FROM documents WHERE stored_path IS NOT NULL").fetchall()
    finally:
        db.close()
    copied, missing = 0, []
    for doc_source, stored in rows:
        original, copy = source / stored, target / stored
        if copy.exists():  # content-addressed: two documents with the same bytes share one file
            continue
        if not original.is_file():
            missing.append(doc_source)
            continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(original, copy)
        copied += 1
    return copied, missing


def _copy_trash(catalog: Path, source: Path, target: Path) -> None:
    """Copy the trash folders (signal rows, originals) of what the catalog snapshot's trash holds."""
    db = sqlite3.connect(catalog)
    try:
        rows = db.execute("SELECT folder FROM trash WHERE folder IS NOT NULL").fetchall()
    finally:
        db.close()
    for (folder,) in rows:
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder)


def _verify(settings: Settings, partial: Path, dest: Path, copied: int, missing: list[str], cache: bool) -> BackupReport:
    """Open the copy's catalog and indexes, check and repair them as every open does, count what it holds."""
    from index import IndexMismatchError

    copy = replace(settings, home=partial)
    catalog = Catalog(copy.catalog_path)
    indexes = Indexes(copy, catalog)
    try:
        found = check(indexes, repair=True)
        documents = catalog.documents()
        final = check(indexes, repair=False)
        indexes.save()
    except IndexMismatchError as err:  # the KB was indexed with another embedder than the one given
        raise BackupError(f"This knowledge base was indexed with {err.built_with or 'another embedder'}, not "
                          f"{settings.embedder!r}: give `kb --embedder` as for its other commands.") from err
    finally:
        indexes.close()
        catalog.close()
    return BackupReport(
        destination=str(dest),
        documents=len(documents),
        chunks=sum(d.chunk_count for d in documents),
        originals=copied,
        missing_originals=missing,
        cache=cache,
        consistent=final.consistent,
        repaired=not found.consistent,
    )
