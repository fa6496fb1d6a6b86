"""Private exports: a file made for one person, fetched under an unguessable name that expires.

An export (a draft as DOCX/Markdown/CSL-JSON, the library's manifest) is written into its own
folder `exports/<token>/` with a small record of whom it was made for and until when. The web app
serves it only to that person and only until then (`open`), and no export folder is ever served
wholesale; expired ones are deleted by `sweep`, which runs whenever a new export is made.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ExportShelf", "Ticket", "EXPORT_TTL_SECONDS"]

EXPORT_TTL_SECONDS = 15 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


@dataclass(frozen=True)
class Ticket:
    """An export made for `owner`: its token and file name make its address; it expires at `expires`."""

    token: str
    name: str
    path: Path
    owner: str
    expires: float


class ExportShelf:
    """Exports of one KB home.

    Args:
        folder: where exports are kept (the KB home's `exports/`).
        ttl: seconds an export can be fetched.
        clock: time source (tests move it forward).
    """

    def __init__(self, folder: Path, ttl: float = EXPORT_TTL_SECONDS, clock: Callable[[], float] = time.time) -> None:
        self.folder = folder
        self.ttl = ttl
        self.clock = clock

    def put(self, owner: str, name: str, write: Callable[[Path], Path]) -> Ticket:
        """Make an export for `owner`: `write(path)` writes the file (and returns where it wrote it).

        Args:
            owner: the user it is for ("local" in single-user mode).
            name: its file name (already made safe by the caller).
            write: the export itself.
        """
        self.sweep()
        token = secrets.token_urlsafe(32)
        folder = self.folder / token
        folder.mkdir(parents=True)
        folder.chmod(0o700)
        path = write(folder / name)
        expires = self.clock() + self.ttl
        (self.folder / f"{token}.json").write_text(json.dumps({"owner": owner, "name": path.name, "expires": expires}))
        return Ticket(token, path.name, path, owner, expires)

    def open(self, token: str, name: str, asker: str) -> Path | None:
        """The file behind an export address, if `asker` made it and it has not expired; else None."""
        if not _TOKEN.match(token or ""):
            return None
        meta_path = self.folder / f"{token}.json"
        try:
            meta = json.loads(meta_path.read_text())
        except (OSError, ValueError):
            return None
        if meta.get("expires", 0) <= self.clock():
            self._drop(token)
            return None
        if meta.get("owner") != asker or meta.get("name") != name:
            return None
        path = self.folder / token / str(meta["name"])
        return path if path.is_file() else None

    def sweep(self) -> int:
        """Delete expired exports (and folders left without a record). Returns how many went."""
        if not self.folder.exists():
            return 0
        gone = 0
        now = self.clock()
        for meta_path in self.folder.glob("*.json"):
            try:
                expired = json.loads(meta_path.read_text()).get("expires", 0) <= now
            except (OSError, ValueError):
                expired = True
            if expired:
                self._drop(meta_path.stem)
                gone += 1
        for stray in self.folder.iterdir():
            if stray.is_dir() and not (self.folder / f"{stray.name}.json").exists():
                shutil.rmtree(stray, ignore_errors=True)
            elif stray.is_file() and stray.suffix != ".json":
                stray.unlink(missing_ok=True)  # files of the old, shared export folder
        return gone

    def _drop(self, token: str) -> None:
        (self.folder / f"{token}.json").unlink(missing_ok=True)
        shutil.rmtree(self.folder / token, ignore_errors=True)
