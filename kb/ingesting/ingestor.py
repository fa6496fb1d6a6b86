"""Turning files into stored documents: one outcome per file, the batch never stops.

The ingest policy: what counts as unchanged, updated or failed, what a coordinator is told, and the
order of writes that makes a crash lose nothing (see `kb.knowledge_base`). Which files a batch offers
is `kb.ingesting.files`; where their metadata comes from, `kb.ingesting.metadata`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ingest import CHUNKER_VERSION, OcrOptions
from kb.indexing.index_text import index_text
from kb.indexing.indexes import Indexes, Progress
from kb.ingesting.files import collect, sha256_file
from kb.ingesting.metadata import metadata_for, update_metadata
from kb.ingesting.near_duplicates import WARN_AT, Signatures, signature
from kb.settings import Settings
from kb.store.catalog import Catalog
from kb.store.originals import drop_original, keep_original, original_path
from kb.types import AddReport, Document, FileOutcome

if TYPE_CHECKING:
    from ingest import ChunkDraft, ParsedDocument

__all__ = ["Ingestor", "Parsed", "Step", "Committed", "OnCommit", "failed_outcome", "ocr_options"]

# Called inside the transaction that commits a file, as on_commit(db, its outcome): a job records the
# file as done in that same transaction, so a restart never redoes it (kb.jobs)
OnCommit = Callable[[sqlite3.Connection, FileOutcome], None]

# Called while one file is embedded: step(path, chunks done, chunks in the file, page reached, pages),
# so a progress bar moves per page, not only per file (a 4-page PDF takes ~30 s on 2 cores).
Step = Callable[[str, int, int, "int | None", "int | None"], None]
STEP_CHUNKS = 1  # chunks encoded between two steps (one takes ~1-3 s on 2 busy cores)
# A file added again as it is (same source, content and metadata): said, not left blank.
UNCHANGED = "Already in the knowledge base with the same content and metadata; nothing changed."
# Called once a document's chunks are committed and indexed: committed(doc id, chunk ids, their dense
# vectors as indexed), for what is derived from them beside the indexes (kb.atlas's section labels).
Committed = Callable[[int, np.ndarray, np.ndarray], None]


def ocr_options(settings: Settings, language: str | None,
                 on_page: Callable[[int, int], None] | None = None) -> OcrOptions:
    """The OCR options for one file: the KB's settings and the document's `language` metadata."""
    return OcrOptions(mode=settings.ocr, max_pages=settings.ocr_max_pages, max_seconds=settings.ocr_max_seconds,
                      language=str(language) if language else None, workers=settings.ocr_workers, on_page=on_page)


@dataclass
class Parsed:
    """A file read and chunked ahead of its turn (or the error that stopped it)."""

    sha256: str | None
    doc: ParsedDocument | None = None
    drafts: list[ChunkDraft] = field(default_factory=list)
    error: Exception | None = None
    # every kept signal's rows for `texts`, when encoded elsewhere (a worker process, a Ray cluster:
    # kb.distributed); used only if the texts are the ones this KB would index
    texts: list[str] | None = None
    encoded: dict[str, Any] | None = None


class Ingestor:
    """One batch of `add`: the metadata sources and the rules for each file's outcome.

    Args:
        catalog: where documents and chunks are committed.
        indexes: the signals each new chunk is encoded for and added to.
        settings: the KB home, file size limit and chunk sizes.
        manifest: a manifest CSV for this batch, if any.
        metadata: values applied to every file (over manifest and sidecar).
        step: called while a file is encoded, as step(path, chunks done, chunks, page, pages).
        committed: called after each document's chunks are committed and indexed (`Committed`).
    """

    def __init__(self, catalog: Catalog, indexes: Indexes, settings: Settings, manifest: str | Path | None,
                 metadata: dict[str, Any], step: Step | None = None, committed: Committed | None = None) -> None:
        from ingest import load_manifest

        self.catalog = catalog
        self.indexes = indexes
        self.settings = settings
        self.step = step
        self.committed = committed
        self.manifest = load_manifest(Path(manifest)) if manifest else None
        self.manifest_path = Path(manifest).resolve() if manifest else None
        self.metadata = metadata
        self.signatures = Signatures(catalog)  # read on the first commit, kept current through the batch
        # called inside the transaction that commits a file, as on_commit(db, its outcome): a job
        # records the file as done in that same transaction, so a restart never redoes it (kb.jobs)
        self.on_commit: OnCommit | None = None

    def collect(self, paths: list[Path], report: AddReport) -> list[tuple[Path, str]]:
        """Expand folders into (file, source) pairs; a missing path is reported as failed (kb.ingesting.files)."""
        return collect(paths, report, self.manifest_path)

    def metadata_for(self, path: Path) -> dict[str, Any]:
        """Manifest row, then the sidecar, then `--set` values; validated (MetadataError)."""
        return metadata_for(path, self.manifest, self.metadata)

    def add_all(self, files: list[tuple[Path, str]], progress: Progress | None = None) -> Iterator[FileOutcome]:
        """Add files in order, parsing the next one in a thread while the current one embeds.

        Embedding is the slow step (~1,000 tokens/s on 2 cores); reading and chunking the next file
        meanwhile takes their cost off the critical path. The thread only reads files and the
        catalog's known hashes; every catalog write and every decision stays on this thread.
        """
        from concurrent.futures import ThreadPoolExecutor

        known = self.catalog.known_sha256()

        def parse(n: int) -> Parsed:  # scanned pages report their progress as "file (OCR page 2/5)"
            path = files[n][0]
            on_page = (lambda done, total: progress(n, len(files), f"{path} (OCR page {done}/{total})")) if progress else None
            return self.parse(path, known, self._language(path), on_page)

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-parse") as pool:
            ahead = [pool.submit(parse, 0)] if files else []
            for i, (path, source) in enumerate(files):
                if i + 1 < len(files):
                    ahead.append(pool.submit(parse, i + 1))
                parsed = ahead.pop(0)
                outcome = self.add_one(path, source, parsed)
                sha = parsed.result().sha256
                if outcome.outcome in ("added", "updated") and sha:
                    known.add(sha)
                if progress:
                    progress(i + 1, len(files), str(path))
                yield outcome

    def _language(self, path: Path) -> str | None:
        """The `language` a file's metadata gives (for OCR), None when none or the metadata is bad."""
        from ingest import MetadataError

        try:
            return self.metadata_for(path).get("language")
        except (MetadataError, OSError, ValueError):  # reported by add_one, with the file's outcome
            return None

    def parse(self, path: Path, known: set[str], language: str | None = None,
              on_page: Callable[[int, int], None] | None = None) -> Parsed:
        """Hash, read and chunk one file (no catalog access); skipped when its bytes are known.

        `language` (from the metadata) tells OCR which pack reads the file's scanned pages;
        `on_page(done, total)` is called after each of them.
        """
        from ingest import IngestError, check_size, chunk_document, read_document
        from ingest.scanned import probably_scanned

        settings = self.settings
        try:
            try:  # before hashing: a huge file is refused without being read
                check_size(path, settings.max_bytes)
            except IngestError as err:
                raise IngestError(err.code, f"{err} (Set KB_MAX_FILE_MB or --max-file-mb to change it.)") from err
            sha = sha256_file(path)
            if sha in known:
                return Parsed(sha)
            doc = read_document(path, max_bytes=settings.max_bytes, ocr=ocr_options(settings, language, on_page))
            drafts = chunk_document(
                doc,
                count_tokens=self.indexes.embedder.count_tokens,
                target_tokens=settings.target_tokens,
                overlap_tokens=settings.overlap_tokens,
            )
            if not drafts:
                raise IngestError("no_text", "No text could be extracted from this file.")
            if probably_scanned(path, doc):
                why = ("text recognition (OCR) is off here (KB_OCR=off)" if settings.ocr == "off"
                       else "text recognition (OCR) read nothing on them")
                raise IngestError("scanned", f"Its pages are images with almost no text: it is probably scanned, and {why}; "
                                  "it was not added.")
            return Parsed(sha, doc, drafts)
        except (IngestError, OSError) as err:
            return Parsed(None, error=err)

    def add_one(self, path: Path, source: str, parsed: Future[Parsed] | None = None) -> FileOutcome:
        """Add or update one file; never raises for a problem the file itself causes."""
        from ingest import IngestError, MetadataError

        try:
            got = parsed.result() if parsed is not None else self.parse(path, set())
            if got.error is not None:
                raise got.error
            return self._add_one(path, source, got)
        except (IngestError, MetadataError, OSError) as err:
            return failed_outcome(str(path), err)

    def _add_one(self, path: Path, source: str, parsed: Parsed) -> FileOutcome:
        given = self.metadata_for(path)
        sha = parsed.sha256
        assert sha is not None
        existing = self.catalog.document_by_source(source)
        same_bytes = self.catalog.document_by_sha(sha)
        meta = laid_over(existing, given)

        rechunk = existing is not None and existing.sha256 == sha and existing.chunker != CHUNKER_VERSION
        if same_bytes is not None and (existing is None or existing.id == same_bytes.id) and not rechunk:
            # Same content already stored: nothing is parsed or embedded again.
            return self._unchanged_or_metadata(path, same_bytes, given, source)
        if existing is not None and (places := other_place(existing.metadata, given)):
            return FileOutcome(str(path), "failed", error_code="name_taken", reason=(
                f"“{source}” is already in the knowledge base as document {existing.id} (“{existing.title}”), of "
                f"{places[0]}; this file is of {places[1]}. A document is known by its file name, so adding this "
                f"one would replace that one: rename the file to add it as a document of its own, or remove "
                f"document {existing.id} first if this is its new version."))
        if parsed.doc is None:  # known when the batch started, since removed: parse it now
            parsed = self.parse(path, set(), meta.get("language"))
            if parsed.error is not None:
                raise parsed.error
        reason = ("Same content, read and cut into chunks again by the current version." if rechunk
                  else "New content replaced the previous version." if existing else None)
        return self._commit(path, source, parsed, meta, existing, reason, fallback_title=path.stem)

    def reread(self, document: Document, parsed: Parsed | None = None) -> FileOutcome:
        """Read a stored document again from the copy of its original kept in the KB home, with the
        current readers and chunker: same source, metadata and bytes, new chunks (`kb reread`).

        `parsed`: the original already read and encoded elsewhere (a worker, a Ray cluster)."""
        from ingest import IngestError

        path = original_path(self.settings.home, document)
        if path is None:
            return FileOutcome(document.source, "failed", error_code="missing",
                               reason="Its original is not kept in the knowledge base; add the file again (`kb add PATH`).")
        try:
            if parsed is None:
                parsed = self.parse(path, set(), document.metadata.get("language"))
            if parsed.error is not None:
                raise parsed.error
            outcome = self._commit(path, document.source, parsed, document.metadata, document,
                                   "Read again from its stored original by the current version.",
                                   fallback_title=Path(document.source).stem, compare=False)
        except (IngestError, OSError) as err:
            return failed_outcome(document.source, err)
        outcome.path = document.source
        return outcome

    def _commit(self, path: Path, source: str, parsed: Parsed, meta: dict[str, Any], existing: Document | None,
                reason: str | None, *, fallback_title: str, compare: bool = True) -> FileOutcome:
        """Embed a parsed file's chunks, keep its original, and replace its document in one transaction.

        With `compare`, a stored document whose text this one largely repeats is named in the outcome.
        """
        sha = parsed.sha256
        doc, chunks = parsed.doc, parsed.drafts
        assert doc is not None and sha is not None
        title = meta.get("title") or doc.title or fallback_title
        texts = [index_text(title, meta, c.section, c.text) for c in chunks]
        if parsed.encoded is not None and parsed.texts == texts:
            encoded = parsed.encoded  # encoded elsewhere (a worker process, Ray), for exactly these texts
        else:
            if self.step is not None:  # encode a few chunks at a time into the cache, saying how far it got
                self.step(str(path), 0, len(texts), chunks[0].page if chunks else None, doc.page_count)
                for i in range(0, len(texts), STEP_CHUNKS):
                    self.indexes.encode(texts[i:i + STEP_CHUNKS], [c.language for c in chunks[i:i + STEP_CHUNKS]])
                    done = min(i + STEP_CHUNKS, len(texts))
                    self.step(str(path), done, len(texts), chunks[done - 1].page, doc.page_count)
            encoded = self.indexes.encode(texts, [c.language for c in chunks])  # every signal's slow part, before the commit (cached when stepped)
        stored = keep_original(self.settings.home, path, sha)
        sig = signature([c.text for c in chunks])
        like = self.signatures.most_similar(sig, exclude=existing.id if existing else None) if compare else None
        if like is not None and like.similarity < WARN_AT:
            like = None
        if like is not None:
            note = (f"About {round(100 * like.similarity)} % of its text is also in “{like.title}” ({like.source}); "
                    "both are kept: remove one if it is a copy.")
            reason = f"{reason} {note}" if reason else note
        if doc.ocr is not None and doc.ocr.summary():
            reason = f"{reason} {doc.ocr.summary()}" if reason else doc.ocr.summary()
        outcome = FileOutcome(
            str(path),
            "updated" if existing else "added",
            reason=reason,
            chunks=len(chunks),
            pages=doc.page_count,
            title=title,
            language=doc.language,
            similar_to=like.source if like else None,
            similarity=round(like.similarity, 2) if like else None,
            ocr_pages=len(doc.ocr.pages) if doc.ocr else 0,
            ocr_confidence=round(doc.ocr.mean_confidence, 1) if doc.ocr and doc.ocr.mean_confidence is not None else None,
            low_confidence_pages=doc.ocr.low_pages if doc.ocr else [],
        )
        on_commit = self.on_commit

        def also(db: sqlite3.Connection, new_id: int) -> None:
            if on_commit is not None:
                on_commit(db, replace(outcome, doc_id=new_id))

        with self.indexes.guard.exclusive():  # the swap: readers see the old document or the new one
            doc_id, old_ids, new_ids = self.catalog.put_document(
                sha256=sha,
                source=source,
                title=title,
                language=doc.language,
                format=doc.format,
                metadata=meta,
                page_count=doc.page_count,
                stored_path=stored,
                chunker=CHUNKER_VERSION,
                chunks=chunks,
                signature=sig.tobytes() if sig is not None else None,
                ocr=doc.ocr.to_dict() if doc.ocr else None,
                also=also,
            )
            self.indexes.remove(old_ids)
            self.indexes.add(new_ids, texts, encoded)
        self.signatures.put(doc_id, source, title, sig)
        if self.committed is not None:  # e.g. the framework sections of the new chunks (kb.atlas)
            self.committed(doc_id, new_ids, encoded["dense"])
        if existing is not None and existing.stored_path != stored:
            drop_original(self.settings.home, self.catalog, existing)
        outcome.doc_id = doc_id
        return outcome

    def _unchanged_or_metadata(self, path: Path, doc: Document, meta: dict[str, Any], source: str) -> FileOutcome:
        base: dict[str, Any] = dict(path=str(path), doc_id=doc.id, chunks=doc.chunk_count, pages=doc.page_count,
                                    title=doc.title, language=doc.language)
        merged = laid_over(doc, meta)
        if merged != doc.metadata:
            update_metadata(self.catalog, self.indexes, doc.id, merged)
            return FileOutcome(outcome="updated", reason="Same content; metadata updated.", **base)
        reason = UNCHANGED if doc.source == source else f"Same content as the stored document {doc.source!r}."
        return FileOutcome(outcome="unchanged", reason=reason, **base)


def laid_over(stored: Document | None, given: dict[str, Any]) -> dict[str, Any]:
    """A file's metadata: the fields given over the stored document's (its new version, or the same
    file with one field given). It kept the others only when they were given again (QA pass 15:
    `--set year=2024` lost the city, the country and the themes); `kb set DOC FIELD=` clears one."""
    return {**stored.metadata, **given} if stored is not None else dict(given)


def other_place(stored: dict[str, Any], given: dict[str, Any]) -> tuple[str, str] | None:
    """(the stored document's place, the new file's) when both name a city, or else a country, and they
    differ: a file of another city under a stored document's name is not its new version."""
    for name in ("city", "country"):
        old, new = (str(m.get(name) or "").strip() for m in (stored, given))
        if old and new:
            return (old, new) if old.casefold() != new.casefold() else None
    return None


def failed_outcome(path: str, err: Exception) -> FileOutcome:
    """The outcome of a file that failed for a reason of its own, said so a coordinator understands."""
    from ingest import IngestError, MetadataError

    if isinstance(err, IngestError):
        return FileOutcome(path, "failed", reason=str(err), error_code=err.code)
    if isinstance(err, MetadataError):
        return FileOutcome(path, "failed", reason=f"Metadata: {err}", error_code="metadata")
    reason = f"Could not read the file: {getattr(err, 'strerror', None) or err}"
    return FileOutcome(path, "failed", reason=reason, error_code="unreadable")
