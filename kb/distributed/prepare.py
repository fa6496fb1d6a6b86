"""The heavy part of ingest, in any process: read, chunk and encode one file for every kept signal.

Why a function of its own: the same work runs in the committing process (`kb add`), in a worker
process of the server (so parsing and embedding never hold the server's GIL or its cores at normal
priority) and on a Ray cluster (`kb.distributed.ray_backend`). It writes nothing but embedding-cache
rows; the one process that owns the catalog commits the result (`kb.ingesting.Ingestor`), so a task
run twice (a retried Ray task) can never commit a file twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.cache import EmbeddingCache
from index.models import Models
from index.signals import Signal, SignalEnv, registry
from index.signals.base import encode_rows
from kb.indexing.index_text import INDEX_TEXT_FORMAT, index_text
from kb.ingesting.files import sha256_file
from kb.ingesting.ingestor import Parsed, ocr_options
from kb.settings import Settings

__all__ = ["FileTask", "Encoders", "RecordingCache", "prepare_file", "StepProgress", "ENCODE_SLICE"]

# (step, done, total): "reading" (pages read by OCR), "page" (page reached while embedding), "embedding" slices
StepProgress = Callable[[str, int, int], None]
ENCODE_SLICE = 16  # texts per model call (the cache's batch size): the unit of progress while embedding


@dataclass(frozen=True)
class FileTask:
    """One file to prepare, as the committing process describes it (picklable)."""

    path: str
    meta: dict[str, Any]              # validated metadata (manifest, sidecar, --set): the index header's
    fallback_title: str               # the title when neither metadata nor the file gives one
    known: frozenset[str] = frozenset()  # hashes already stored: such a file is not read again
    data: bytes | None = None         # the file's bytes, for a worker that cannot see the path


class RecordingCache(EmbeddingCache):
    """An embedding cache that also keeps every row it stores, so a remote worker can ship the rows
    it computed back to the committing process's own cache (a later repair then costs no model time)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.recorded: list[tuple[str, list[str], np.ndarray]] = []

    def put(self, embedder_id: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
        super().put(embedder_id, hashes, vectors)
        self.recorded.append((embedder_id, list(hashes), np.ascontiguousarray(vectors, dtype=np.float32)))

    def take(self) -> list[tuple[str, list[str], np.ndarray]]:
        rows, self.recorded = self.recorded, []
        return rows


class Encoders:
    """The model, a cache and the signals' encoders of one worker process, built once and reused.

    Args:
        settings: the KB's settings (embedder spec, each signal's mode, chunk sizes).
        cache: the embedding cache to go through (the KB's own, or a worker-local RecordingCache).
        models: the KB's model and cache when preparing in its own process (no second model loaded).
    """

    def __init__(self, settings: Settings, cache: EmbeddingCache, models: Models | None = None) -> None:
        self.settings = settings
        self.cache = cache
        self.models = models or Models(settings.embedder, cache)  # the KB's own, in its process
        self._signals: dict[str, Signal] = {}

    def signal(self, name: str) -> Signal:
        """A signal able to encode (its store started empty: a worker keeps no index)."""
        if name not in self._signals:
            cls = registry.signal_class(name)
            settings = self.settings
            s = cls(SignalEnv(self.models, settings.index_dir,
                              mode=settings.signal_mode(cls.name, cls.setting, cls.default_mode),
                              text_format=INDEX_TEXT_FORMAT, index_kind=settings.index_kind))
            s.reset(0)
            self._signals[name] = s
        return self._signals[name]

    def encode(self, texts: Sequence[str], names: Sequence[str], progress: StepProgress | None = None,
               languages: Sequence[str | None] | None = None) -> dict[str, Any]:
        """Every named signal's rows for these index texts, as `kb.indexing.Indexes.encode` gives them.

        The model runs slice by slice first (filling the cache, so progress can be told), then each
        signal takes its rows for all the texts at once from the cache. `languages`: each text's
        language, for the signals that need it (the second encoder covers only some).
        """
        langs = list(languages) if languages is not None else None
        texts = list(texts)
        signals = [self.signal(n) for n in names]
        slices = range(0, len(texts), ENCODE_SLICE)
        total = len(slices) * len(signals)
        done = 0
        for s in signals:
            for start in slices:
                part = langs[start : start + ENCODE_SLICE] if langs is not None and s.needs_languages else None
                encode_rows(s, texts[start : start + ENCODE_SLICE], part)
                done += 1
                if progress:
                    progress("embedding", done, total)
        return {s.name: encode_rows(s, texts, langs) for s in signals}

    def count_tokens(self, text: str) -> int:
        return self.models.embedder.count_tokens(text)


def _by_page(progress: StepProgress, drafts: Sequence[Any], pages: int | None) -> StepProgress:
    """Embedding progress said as the page reached ("page", page, pages) when the document has pages,
    so a coordinator sees which page of a long PDF is being embedded; else ("embedding", done, total)."""

    def report(step: str, done: int, total: int) -> None:
        if pages and total and drafts:
            page = drafts[min(len(drafts) - 1, max(0, -(-done * len(drafts) // total) - 1))].page
            if page:
                progress("page", int(page), int(pages))
                return
        progress(step, done, total)

    return report


def prepare_file(encoders: Encoders, task: FileTask, names: Sequence[str],
                 progress: StepProgress | None = None) -> Parsed:
    """Hash, read, chunk and encode one file (for the signals `names`). Never raises for a problem
    of the file itself: the Parsed carries the error, and the committing process reports it.

    Args:
        encoders: the worker's model, cache and signals.
        task: the file and what the committing process knows of it.
        names: the signals the KB keeps (their rows are returned in `Parsed.encoded`).
        progress: called as progress(step, done, total) while reading and embedding.
    """
    from ingest import IngestError, check_size, chunk_document, read_document
    from ingest.scanned import probably_scanned

    settings = encoders.settings
    path = Path(task.path)
    try:
        try:  # before hashing: a huge file is refused without being read
            check_size(path, settings.max_bytes)
        except IngestError as err:
            raise IngestError(err.code, f"{err} (Set KB_MAX_FILE_MB or --max-file-mb to change it.)") from err
        sha = sha256_file(path)
        if sha in task.known:
            return Parsed(sha)
        if progress:
            progress("reading", 0, 1)
        # scanned pages are read by OCR here too (per page: the job's progress moves with them)
        on_page = (lambda done, total: progress("reading", done, total)) if progress else None
        language = task.meta.get("language")
        doc = read_document(path, max_bytes=settings.max_bytes, ocr=ocr_options(settings, language, on_page))
        drafts = chunk_document(doc, count_tokens=encoders.count_tokens,
                                target_tokens=settings.target_tokens, overlap_tokens=settings.overlap_tokens)
        if not drafts:
            raise IngestError("no_text", "No text could be extracted from this file.")
        if probably_scanned(path, doc):  # as kb.ingesting.Ingestor.parse says it
            why = ("text recognition (OCR) is off here (KB_OCR=off)" if settings.ocr == "off"
                   else "text recognition (OCR) read nothing on them")
            raise IngestError("scanned", f"Its pages are images with almost no text: it is probably scanned, and {why}; "
                              "it was not added.")
        if progress:
            progress("reading", 1, 1)
        title = task.meta.get("title") or doc.title or task.fallback_title
        texts = [index_text(title, task.meta, c.section, c.text) for c in drafts]
        encoded = encoders.encode(texts, names, _by_page(progress, drafts, doc.page_count) if progress else None,
                                  [c.language for c in drafts])
        return Parsed(sha, doc, drafts, texts=texts, encoded=encoded)
    except (IngestError, OSError) as err:
        return Parsed(None, error=err)
