"""The upload's progress bar and its line: how far a file is (OCR of its scans, then its indexing),
said in the page language, moved from the event's own thread (the only one Gradio's bar obeys)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ui.i18n import t

__all__ = ["UploadLine", "with_progress"]

Report = Callable[[float, str], None]  # (fraction of the whole upload, what is happening)


def with_progress(progress: Any, work: Callable[[Report], Any]) -> Any:
    """Run `work(report)` on a helper thread while this (the event's) thread moves Gradio's bar.

    Gradio's progress bar only moves when it is called from the event's own thread, and the KB's
    work runs on the KB thread: its reports come back through a queue and are shown from here. The
    bar never moves back: a file's first page may report less than the "reading" step before it.
    """
    reports: queue.SimpleQueue = queue.SimpleQueue()
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = work(lambda fraction, desc: reports.put((fraction, desc)))
        except BaseException as err:  # noqa: BLE001 (raised again on the event's thread)
            box["error"] = err
        finally:
            reports.put(None)

    threading.Thread(target=run, name="kb-progress", daemon=True).start()
    shown = 0.0
    while (item := reports.get()) is not None:
        shown = max(shown, item[0])
        progress(shown, desc=item[1])
    if "error" in box:
        raise box["error"]
    return box["result"]


class UploadLine:
    """An upload of `total` files told as a fraction and a line: `tick` (files done), `step` (the file
    being read: `ui.library_actions.Step`), `waiting` (another upload's job runs first).

    A file counts 10 % once read and the rest as its passages are indexed; a scan's OCR, as slow as
    its indexing, takes the first half. OCR's pages and the indexing's are said apart: the line said
    "page 8 of 20", then "page 1 of 20" as indexing began (QA pass 13)."""

    def __init__(self, lang: str, total: int, report: Report) -> None:
        self.lang, self.total, self.report = lang, max(total, 1), report
        self.done_files = 0
        self.scanned: set[str] = set()  # files whose pages OCR read

    def start(self, first: str) -> None:
        """At once: the first file is being read."""
        self.report(0.02, t(self.lang, "progress.reading", name=Path(first).name, done=1, total=self.total))

    def tick(self, done: int, total_files: int, path: str) -> None:
        self.done_files = done

    def step(self, path: str, done: int, chunks: int, page: int | None, pages: int | None,
             ocr: bool = False) -> None:
        if ocr:
            self.scanned.add(path)
            share = 0.5 * (page or 0) / (pages or 1)
        else:
            read = 0.5 if path in self.scanned else 0.1
            share = read + (1 - read) * (done / chunks if chunks else 1.0)
        name, n = Path(path).name, self.done_files + 1
        key = "progress.ocr" if ocr else "progress.page"
        desc = (t(self.lang, key, name=name, page=page, pages=pages, done=n, total=self.total)
                if page and pages else t(self.lang, "progress.file", name=name, done=n, total=self.total))
        self.report(min(0.99, (self.done_files + share) / self.total), desc)

    def waiting(self) -> None:
        self.report(0.02, t(self.lang, "progress.queued"))
