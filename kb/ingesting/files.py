"""Which files an `add` offers as documents: folders walked, hidden files, sidecars and the manifest
left out, links out of the folder refused, every file once with the source name it is stored under."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from kb.types import AddReport, FileOutcome

__all__ = ["SKIP_NAMES", "collect", "sha256_file"]

# Files a folder walk never offers as documents.
SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
BROKEN_LINK = "A link that leads to no file (broken, or a loop); it was skipped."


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes, read in blocks (the key of "the same bytes are already stored")."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def collect(paths: list[Path], report: AddReport, manifest_path: Path | None = None) -> list[tuple[Path, str]]:
    """Expand folders into (file, source) pairs; a missing path is reported as failed.

    Args:
        paths: files and folders, as given.
        report: where a refused or missing path gets its outcome.
        manifest_path: the batch's manifest (resolved), which is not a document itself.

    Returns:
        (file, source) pairs: a document's source is its path relative to the folder given, or its
        file name when the file itself was given. A folder that offers nothing is reported as failed
        ("no_files"), so adding an empty folder is not a silent success.
    """
    from ingest import is_sidecar

    files: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    named: dict[str, Path] = {}  # source -> the file of this batch stored under it

    def take(path: Path, source: str) -> None:
        """Two different files under one source would replace each other (the first one lost with
        no trace: QA pass 15): the later one is refused, with what to do."""
        first = named.setdefault(source, path)
        if first is path:
            files.append((path, source))
            return
        report.files.append(FileOutcome(
            str(path), "failed", error_code="same_name",
            reason=f"Another file of this batch, {first}, is also named “{source}”: a document is known by its "
                   "name (its path inside the folder given), so one would replace the other. Rename one of "
                   "them, or add this one on its own if it is the other's new version.",
        ))
    for given in paths:
        if given.is_dir():
            root, before = given.resolve(), len(files) + len(report.files)
            try:
                os.scandir(given).close()
            except PermissionError:  # it said "No files found in this folder" (QA pass 15)
                report.files.append(FileOutcome(str(given), "failed", error_code="unreadable",
                                                reason="This folder cannot be read (permission denied)."))
                continue
            walked = list(given.rglob("*"))  # once: the links to nowhere, then the files
            for path in sorted(p for p in walked if p.is_symlink() and not p.exists()
                               and not any(part.startswith(".") for part in p.relative_to(given).parts)):
                report.files.append(FileOutcome(str(path), "failed", error_code="missing", reason=BROKEN_LINK))
            # real files before links, so a file and a link to it are stored under the file's name
            for path in sorted((p for p in walked if p.is_file()), key=lambda p: (p.is_symlink(), p)):
                rel = path.relative_to(given)
                if any(part.startswith(".") for part in rel.parts) or path.name in SKIP_NAMES:
                    continue
                if path.is_symlink() and not path.resolve().is_relative_to(root):
                    # A link out of the folder could expose any file on the machine: refuse it.
                    report.files.append(FileOutcome(
                        str(path), "failed", error_code="outside_folder",
                        reason="This is a link to a file outside the folder being added; it was skipped.",
                    ))
                    continue
                if is_sidecar(path) or path.resolve() == manifest_path:
                    continue
                if path.resolve() in seen:
                    report.files.append(FileOutcome(
                        str(path), "unchanged", reason="Another name for a file already in this batch.",
                    ))
                    continue
                seen.add(path.resolve())
                take(path, rel.as_posix())
            if len(files) + len(report.files) == before:
                report.files.append(FileOutcome(
                    str(given), "failed", error_code="no_files",
                    reason="No files found in this folder (hidden files, metadata sidecars and the manifest "
                           "are not added as documents).",
                ))
        elif given.is_file():
            if given.resolve() not in seen:
                seen.add(given.resolve())
                take(given, given.name)
        else:  # a link to nowhere was said to be "No such file or folder" (QA pass 15)
            why = BROKEN_LINK if given.is_symlink() else "No such file or folder."
            report.files.append(FileOutcome(str(given), "failed", reason=why, error_code="missing"))
    return files
