"""Turning files into stored documents: walking folders, metadata, dedupe, one outcome per file.

Kept apart from `knowledge_base.py` so the KnowledgeBase reads as the API and this module as the
ingest policy (what counts as unchanged, updated or failed, and what a coordinator is told).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest import CHUNKER_VERSION, OcrOptions
from kb.context import index_text
from kb.indexes import Progress
from kb.near_duplicates import WARN_AT, Signatures, signature
from kb.types import AddReport, FileOutcome

if TYPE_CHECKING:
    from ingest import ChunkDraft, ParsedDocument
    from kb.knowledge_base import KnowledgeBase
    from kb.settings import Settings

__all__ = ["Ingestor", "Parsed", "Step", "keep_original", "SAFE_SUFFIXES"]

# Called while one file is embedded: step(path, chunks done, chunks in the file, page reached, pages),
# so a progress bar moves per page, not only per file (a 4-page PDF takes ~30 s on 2 cores).
Step = Callable[[str, int, int, "int | None", "int | None"], None]
STEP_CHUNKS = 1  # chunks embedded between two steps (one takes ~1-3 s on 2 busy cores)

# Stored originals keep these suffixes; anything else is stored as .bin (served as a download).
SAFE_SUFFIXES = {".pdf", ".docx", ".txt", ".md"}

# Files a folder walk never offers as documents.
SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _ocr_options(settings: Settings, language: str | None,
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


class Ingestor:
    """One batch of `add`: the metadata sources and the rules for each file's outcome."""

    def __init__(self, kb: KnowledgeBase, manifest: str | Path | None, metadata: dict[str, Any],
                 step: Step | None = None) -> None:
        from ingest import load_manifest

        self.kb = kb
        self.step = step
        self.manifest = load_manifest(Path(manifest)) if manifest else None
        self.manifest_path = Path(manifest).resolve() if manifest else None
        self.metadata = metadata
        self.signatures = Signatures(kb.catalog)  # read on the first commit, kept current through the batch

    def collect(self, paths: list[Path], report: AddReport) -> list[tuple[Path, str]]:
        """Expand folders into (file, source) pairs; a missing path is reported as failed."""
        from ingest import is_sidecar

        files: list[tuple[Path, str]] = []
        seen: set[Path] = set()
        for given in paths:
            if given.is_dir():
                root = given.resolve()
                # real files before links, so a file and a link to it are stored under the file's name
                for path in sorted((p for p in given.rglob("*") if p.is_file()), key=lambda p: (p.is_symlink(), p)):
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
                    if is_sidecar(path) or path.resolve() == self.manifest_path:
                        continue
                    if path.resolve() in seen:
                        report.files.append(FileOutcome(
                            str(path), "unchanged", reason="Another name for a file already in this batch.",
                        ))
                        continue
                    seen.add(path.resolve())
                    files.append((path, rel.as_posix()))
            elif given.is_file():
                if given.resolve() not in seen:
                    seen.add(given.resolve())
                    files.append((given, given.name))
            else:
                report.files.append(FileOutcome(str(given), "failed", reason="No such file or folder.",
                                                error_code="missing"))
        return files

    def metadata_for(self, path: Path) -> dict[str, Any]:
        """Manifest row, then the sidecar, then `--set` values; validated (MetadataError)."""
        from ingest import load_sidecar, validate_metadata

        merged: dict[str, Any] = {}
        if self.manifest:
            merged.update(self.manifest.lookup(path))
        merged.update(load_sidecar(path))
        merged.update(self.metadata)
        return validate_metadata(merged)

    def add_all(self, files: list[tuple[Path, str]], progress: Progress | None = None) -> Iterator[FileOutcome]:
        """Add files in order, parsing the next one in a thread while the current one embeds.

        Embedding is the slow step (~1,000 tokens/s on 2 cores); reading and chunking the next file
        meanwhile takes their cost off the critical path. The thread only reads files and the
        catalog's known hashes; every catalog write and every decision stays on this thread.
        """
        from concurrent.futures import ThreadPoolExecutor

        known = self.kb.catalog.known_sha256()

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
                if outcome.outcome in ("added", "updated") and parsed.result().sha256:
                    known.add(parsed.result().sha256)  # type: ignore[arg-type]
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

        kb = self.kb
        try:
            try:  # before hashing: a huge file is refused without being read
                check_size(path, kb.settings.max_bytes)
            except IngestError as err:
                raise IngestError(err.code, f"{err} (Set KB_MAX_FILE_MB or --max-file-mb to change it.)") from err
            sha = _sha256_file(path)
            if sha in known:
                return Parsed(sha)
            doc = read_document(path, max_bytes=kb.settings.max_bytes,
                                ocr=_ocr_options(kb.settings, language, on_page))
            drafts = chunk_document(
                doc,
                count_tokens=kb.embedder.count_tokens,
                target_tokens=kb.settings.target_tokens,
                overlap_tokens=kb.settings.overlap_tokens,
            )
            if not drafts:
                raise IngestError("no_text", "No text could be extracted from this file.")
            if probably_scanned(path, doc):
                why = ("text recognition (OCR) is off here (KB_OCR=off)" if kb.settings.ocr == "off"
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
            return _failed(str(path), err)

    def _add_one(self, path: Path, source: str, parsed: Parsed) -> FileOutcome:
        kb = self.kb
        meta = self.metadata_for(path)
        sha = parsed.sha256
        assert sha is not None
        existing = kb.catalog.document_by_source(source)
        same_bytes = kb.catalog.document_by_sha(sha)

        rechunk = existing is not None and existing.sha256 == sha and existing.chunker != CHUNKER_VERSION
        if same_bytes is not None and (existing is None or existing.id == same_bytes.id) and not rechunk:
            # Same content already stored: nothing is parsed or embedded again.
            return self._unchanged_or_metadata(path, same_bytes, meta, source)
        if parsed.doc is None:  # known when the batch started, since removed: parse it now
            parsed = self.parse(path, set(), meta.get("language"))
            if parsed.error is not None:
                raise parsed.error
        reason = ("Same content, read and cut into chunks again by the current version." if rechunk
                  else "New content replaced the previous version." if existing else None)
        return self._commit(path, source, parsed, meta, existing, reason, fallback_title=path.stem)

    def reread(self, document: Any) -> FileOutcome:
        """Read a stored document again from the copy of its original kept in the KB home, with the
        current readers and chunker: same source, metadata and bytes, new chunks (`kb reread`)."""
        from ingest import IngestError

        path = self.kb.original_path(document.id)
        if path is None:
            return FileOutcome(document.source, "failed", error_code="missing",
                               reason="Its original is not kept in the knowledge base; add the file again (`kb add PATH`).")
        try:
            parsed = self.parse(path, set(), document.metadata.get("language"))
            if parsed.error is not None:
                raise parsed.error
            outcome = self._commit(path, document.source, parsed, document.metadata, document,
                                   "Read again from its stored original by the current version.",
                                   fallback_title=Path(document.source).stem, compare=False)
        except (IngestError, OSError) as err:
            return _failed(document.source, err)
        outcome.path = document.source
        return outcome

    def _commit(self, path: Path, source: str, parsed: Parsed, meta: dict[str, Any], existing: Any,
                reason: str | None, *, fallback_title: str, compare: bool = True) -> FileOutcome:
        """Embed a parsed file's chunks, keep its original, and replace its document in one transaction.

        With `compare`, a stored document whose text this one largely repeats is named in the outcome.
        """
        kb = self.kb
        sha = parsed.sha256
        doc, chunks = parsed.doc, parsed.drafts
        assert doc is not None and sha is not None
        title = meta.get("title") or doc.title or fallback_title
        texts = [index_text(title, meta, c.section, c.text) for c in chunks]
        if self.step is not None:  # embed a few chunks at a time into the cache, saying how far it got
            self.step(str(path), 0, len(texts), chunks[0].page if chunks else None, doc.page_count)
            for i in range(0, len(texts), STEP_CHUNKS):
                kb.indexes.embed(texts[i:i + STEP_CHUNKS])
                kb.indexes.encode_sides(texts[i:i + STEP_CHUNKS])
                done = min(i + STEP_CHUNKS, len(texts))
                self.step(str(path), done, len(texts), chunks[done - 1].page, doc.page_count)
        vectors = kb.indexes.embed(texts)  # from the cache when the steps ran
        encoded = kb.indexes.encode_sides(texts)  # the other slow parts, also before the commit
        stored = keep_original(kb.settings.home, path, sha)
        sig = signature([c.text for c in chunks])
        like = self.signatures.most_similar(sig, exclude=existing.id if existing else None) if compare else None
        if like is not None and like.similarity < WARN_AT:
            like = None
        doc_id, old_ids, new_ids = kb.catalog.put_document(
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
        )
        self.signatures.put(doc_id, source, title, sig)
        if like is not None:
            note = (f"About {round(100 * like.similarity)} % of its text is also in “{like.title}” ({like.source}); "
                    "both are kept: remove one if it is a copy.")
            reason = f"{reason} {note}" if reason else note
        if doc.ocr is not None and doc.ocr.summary():
            reason = f"{reason} {doc.ocr.summary()}" if reason else doc.ocr.summary()
        kb.indexes.remove(old_ids)
        kb.indexes.add(new_ids, texts, vectors, encoded)
        kb._label_added(doc_id, new_ids, vectors)  # framework sections of the new chunks (kb.atlas)
        replaced_file = existing.stored_path if existing and existing.stored_path != stored else None
        if replaced_file and existing and kb.catalog.document_by_sha(existing.sha256) is None:
            (kb.settings.home / replaced_file).unlink(missing_ok=True)
        return FileOutcome(
            str(path),
            "updated" if existing else "added",
            doc_id=doc_id,
            reason=reason,
            chunks=len(new_ids),
            pages=doc.page_count,
            title=title,
            language=doc.language,
            similar_to=like.source if like else None,
            similarity=round(like.similarity, 2) if like else None,
            ocr_pages=len(doc.ocr.pages) if doc.ocr else 0,
            ocr_confidence=round(doc.ocr.mean_confidence, 1) if doc.ocr and doc.ocr.mean_confidence is not None else None,
            low_confidence_pages=doc.ocr.low_pages if doc.ocr else [],
        )

    def _unchanged_or_metadata(self, path: Path, doc: Any, meta: dict[str, Any], source: str) -> FileOutcome:
        kb = self.kb
        base = dict(path=str(path), doc_id=doc.id, chunks=doc.chunk_count, pages=doc.page_count,
                    title=doc.title, language=doc.language)
        if meta and meta != doc.metadata:
            kb.update_metadata(doc.id, meta)
            return FileOutcome(outcome="updated", reason="Same content; metadata updated.", **base)
        reason = None if doc.source == source else f"Same content as the stored document {doc.source!r}."
        return FileOutcome(outcome="unchanged", reason=reason, **base)


def _failed(path: str, err: Exception) -> FileOutcome:
    """The outcome of a file that failed for a reason of its own, said so a coordinator understands."""
    from ingest import IngestError, MetadataError

    if isinstance(err, IngestError):
        return FileOutcome(path, "failed", reason=str(err), error_code=err.code)
    if isinstance(err, MetadataError):
        return FileOutcome(path, "failed", reason=f"Metadata: {err}", error_code="metadata")
    reason = f"Could not read the file: {getattr(err, 'strerror', None) or err}"
    return FileOutcome(path, "failed", reason=reason, error_code="unreadable")


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
