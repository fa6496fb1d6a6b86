"""Uploaded files: safe names and a private staging folder under the KB home.

A browser chooses the file name, so it is untrusted: `../../x`, absolute paths, NUL bytes, hidden
names and reserved device names must never decide where a file is written.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

__all__ = ["safe_filename", "staged_uploads", "stage_uploads"]

_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)
_WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


def safe_filename(name: str, fallback: str = "upload") -> str:
    """A file name that is only a name: no folders, no leading dots, only word characters, `.-_ `.

    Args:
        name: the name the browser sent (may contain `/`, `\\`, `..`, control characters).
        fallback: used when nothing usable remains.

    Returns:
        A non-empty name of at most 150 characters that keeps the extension when it can.
    """
    base = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")[-1]
    base = _UNSAFE.sub("_", base.replace("\x00", "")).strip(" ._")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    if stem.lower() in _WINDOWS_RESERVED or not stem:
        stem = f"{fallback}_{stem}" if stem else fallback
    ext = ext[:10]
    stem = stem[: 150 - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


def stage_uploads(folder: Path, files: Sequence[str | Path], names: Sequence[str] | None = None) -> list[Path]:
    """Copy uploaded files into `folder` (created) under safe, unique names; kept until the caller
    deletes the folder (an ingest job deletes its own when it ends).

    Args:
        folder: a new folder under the KB home.
        files: paths of the uploaded temp files.
        names: the names to give them (defaults to each file's own name); sanitised either way.
    """
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[Path] = []
    used: set[str] = set()
    for i, src in enumerate(files):
        name = safe_filename(names[i] if names else Path(src).name)
        stem, dot, ext = name.rpartition(".")
        n = 2
        while name.lower() in used:
            name = f"{stem}-{n}.{ext}" if dot else f"{name}-{n}"
            n += 1
        used.add(name.lower())
        target = (folder / name).resolve()
        if target.parent != folder:  # cannot happen after safe_filename; refuse rather than trust it
            raise ValueError(f"Refused upload name {name!r}.")
        shutil.copyfile(src, target)
        staged.append(target)
    return staged


@contextmanager
def staged_uploads(
    home: Path, files: Sequence[str | Path], names: Sequence[str] | None = None
) -> Iterator[list[Path]]:
    """Copy uploaded files into a fresh folder `home/uploads/<random>/` under safe, unique names.

    Args:
        home: the KB home.
        files: paths of the uploaded temp files.
        names: the names to give them (defaults to each file's own name); sanitised either way.

    Yields:
        The staged paths; the folder is deleted afterwards (the KB keeps its own copy of originals).
    """
    folder = (home / "uploads" / uuid.uuid4().hex).resolve()
    try:
        yield stage_uploads(folder, files, names)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
