"""The stored copies of documents' original files, under the KB home's `files/` folder.

The catalog names each document's copy (`Document.stored_path`); `kb reread` reads documents again
from these copies, the web UI opens them at the cited page, and `kb backup` copies them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from kb.types import Document

if TYPE_CHECKING:
    from kb.store.catalog import Catalog

__all__ = ["SAFE_SUFFIXES", "keep_original", "original_path", "drop_original"]

# Stored originals keep these suffixes; anything else is stored as .bin (served as a download).
SAFE_SUFFIXES = {".pdf", ".docx", ".txt", ".md"}


def keep_original(home: Path, path: Path, sha256: str) -> str:
    """Copy an original into `home`/files/ under its hash (atomic), returning its path under `home`.

    Content-addressed, so adding the same bytes twice stores them once and a repeat after a crash is
    harmless. Only formats a browser shows inertly keep their suffix: the web UI serves these files,
    and an HTML or SVG original served from the app's origin could run its scripts.
    """
    suffix = path.suffix.lower() if path.suffix.lower() in SAFE_SUFFIXES else ".bin"
    rel = Path("files") / f"{sha256}{suffix}"
    target = home / rel
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        shutil.copyfile(path, tmp)
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    return str(rel)


def original_path(home: Path, doc: Document | None) -> Path | None:
    """The stored copy of a document's original file, if it is still there."""
    if doc is None or not doc.stored_path:
        return None
    path = home / doc.stored_path
    return path if path.exists() else None


def drop_original(home: Path, catalog: Catalog, doc: Document) -> None:
    """Delete a document's stored copy once no stored document has its bytes any more."""
    if doc.stored_path and catalog.document_by_sha(doc.sha256) is None:
        (home / doc.stored_path).unlink(missing_ok=True)
