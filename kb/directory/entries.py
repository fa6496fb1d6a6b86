"""The directory: entries of the network and of each draft's city, found in documents, searched, kept.

Nothing enters the directory silently: candidates from a document's tables and the prefilled form of
"Add to directory" are proposals; `add` and `accept` store them. The same programme twice (same name and
city, case, accents and articles aside, in the same directory) is refused by `add` with `DuplicateEntry`
unless the caller confirms the merge (`merge=True`): then the stored entry gains the new sources.
Rights are the caller's to check (`kb.directory.access`); values are checked here. Every change is
recorded in the audit trail (`kb.audit`) under `by`, the acting user (the person at the command line
when None), as "directory.add", "directory.update", "directory.merge", "directory.remove",
"directory.restore" with the target "entry N", or "directory.import" with the directory imported into
("network" or "draft N").
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ingest.tables import FORMATS_WITH_TABLES
from kb.audit.trail import actor_of, record
from kb.directory.csv_io import ImportReport, dump_csv, parse_csv
from kb.directory.entry_index import EntryIndex
from kb.directory.folding import fold
from kb.directory.from_lists import list_candidates
from kb.directory.from_tables import merge_candidates, table_candidates
from kb.directory.names import suggest_name
from kb.directory.records import FIELDS, Candidate, DirectoryError, Entry, Source
from kb.directory.sectors import body_sector, kind_of_name
from kb.directory.sources import find_chunk, source_from_chunk
from kb.directory.store import ALL, DirectoryStore
from kb.directory.validate import EntryInvalid, clean_entry
from kb.drafting.excerpts import quoted_section

if TYPE_CHECKING:
    from index import Embedder, EmbeddingCache
    from ingest import ParsedDocument
    from kb.store.catalog import Catalog
    from kb.types import Chunk, Document

__all__ = ["Directory", "DuplicateEntry", "EntryChanged", "FILTER_FIELDS", "ALL", "scope_target"]

FILTER_FIELDS = ("sector", "kind", "city", "prevention_level", "themes")
_ROWS_KEPT = 8  # documents whose table rows `table_rows` keeps at once


def scope_target(draft_id: int | None) -> str:
    """A directory as the audit trail names it: "network", or "draft N" for a draft's."""
    return "network" if draft_id is None else f"draft {int(draft_id)}"


def _about(entry: Entry) -> dict[str, Any]:
    """What an entry's audit record says of it: its name, and its draft when it is a draft's."""
    return {"name": entry.name} | ({} if entry.draft_id is None else {"draft": entry.draft_id})


def _changed(old: Entry, new: Entry) -> list[str]:
    """The fields an edit changed (their names only: a contact detail's value stays out of the
    append-only trail), "sources" too when they changed."""
    out = [f for f in FIELDS if getattr(old, f) != getattr(new, f)]
    if [s.key() for s in old.sources] != [s.key() for s in new.sources]:
        out.append("sources")
    return out


class EntryChanged(DirectoryError):
    """The entry was saved by someone else after the editor opened it; `current` is it as it is now."""

    def __init__(self, current: Entry) -> None:
        self.current = current
        super().__init__(f"{current.name!r} was changed by someone else after you opened it; nothing was saved.")


class DuplicateEntry(DirectoryError):
    """The directory already holds this programme; `existing` is it. Merging needs a confirmation."""

    def __init__(self, existing: Entry) -> None:
        self.existing = existing
        where = f" in {existing.city}" if existing.city else ""
        super().__init__(f"{existing.name!r}{where} is already in this directory (entry {existing.id}); "
                         "confirm to add this source to it instead of a second entry.")


def _matches(entry: Entry, filters: Mapping[str, Any]) -> bool:
    for key in FILTER_FIELDS:
        wanted = filters.get(key)
        if wanted in (None, "", [], ()):
            continue
        wanted_set = {fold(w) for w in ([wanted] if isinstance(wanted, str) else wanted)}
        value = getattr(entry, key)
        have = {fold(v) for v in (value if isinstance(value, tuple) else (value,))}
        if not wanted_set & have:
            return False
    return True


class Directory:
    """The entries of every directory in one KB.

    Args:
        catalog: the KB's catalog (entries, documents, chunks, drafts).
        read_original: reads a document's stored original again (for its tables); raises IngestError.
        parts: the KB's embedder and embedding cache, for searching entries.
    """

    def __init__(self, catalog: Catalog, read_original: Callable[[Document], ParsedDocument],
                 parts: Callable[[], tuple[Embedder, EmbeddingCache]]) -> None:
        self.catalog = catalog
        self.store = DirectoryStore(catalog)
        self._read = read_original
        self._rows: dict[tuple[Any, ...], list[Candidate]] = {}  # table_rows by document version, oldest first
        self._rows_lock = threading.Lock()
        self.index = EntryIndex(parts, lambda: self.store.version, lambda: self.store.entries(ALL))

    # --- reading -------------------------------------------------------------------------------

    def entries(self, scope: int | str | None = ALL, filters: Mapping[str, Any] | None = None) -> list[Entry]:
        """Entries of a scope (None: the network directory; a draft id; ALL), filtered by
        sector, kind, city, prevention_level, themes (each any of its values).

        Raises:
            ValueError: a filter of another name (it was ignored, and every entry listed: QA pass 15).
        """
        unknown = sorted(set(filters or {}) - set(FILTER_FIELDS))
        if unknown:
            raise ValueError(f"Unknown directory filter {', '.join(unknown)}; use one of: {', '.join(FILTER_FIELDS)}.")
        return [e for e in self.store.entries(scope) if _matches(e, filters or {})]

    def get(self, entry_id: int) -> Entry:
        return self.store.get(entry_id)

    def search(self, query: str, k: int = 20, filters: Mapping[str, Any] | None = None,
               scope: int | str | None = ALL) -> list[Entry]:
        """Entries matching a question in any language, best first: the close matches only
        (`entry_index.CLOSE_MATCH`), not every entry ranked; all of the scope, filtered, when empty."""
        pool = self.entries(scope, filters)
        if not (query or "").strip():
            return pool
        by_id = {e.id: e for e in pool}
        return [by_id[i] for i, _ in self.index.search(query, k, [e.id for e in pool if e.id is not None])
                if i in by_id]

    def words_known(self, query: str) -> float:
        """The share of the query's words some entry contains (see `EntryIndex.words_known`)."""
        return self.index.words_known(query)

    def draft_city(self, draft_id: int) -> str:
        row = self.catalog.db.execute("SELECT city FROM drafts WHERE id = ?", (int(draft_id),)).fetchone()
        if row is None:
            raise DirectoryError(f"There is no draft {draft_id}.")
        return str(row["city"] or "")

    def facets(self) -> dict[str, list[str]]:
        """The values each filter can take, from the stored entries."""
        entries = self.store.entries(ALL)
        out: dict[str, list[str]] = {}
        for key in FILTER_FIELDS:
            values = {v for e in entries for v in (getattr(e, key) if key in ("prevention_level", "themes")
                                                    else (getattr(e, key),)) if v}
            out[key] = sorted(values, key=fold)
        return out

    # --- changing ------------------------------------------------------------------------------

    def check(self, entry: Entry, draft_id: int | None = None) -> Entry:
        """The entry as it would be stored (the draft's city when none is given), or EntryInvalid
        naming every field at fault: nothing is dropped silently from what a person typed."""
        if draft_id is not None and not entry.city:
            entry = replace(entry, city=self.draft_city(draft_id))
        clean, problems = clean_entry(entry)
        if problems:
            raise EntryInvalid(problems)
        return clean

    def _log(self, by: str | None, action: str, target: str, detail: dict[str, Any]) -> None:
        """Record a change in the audit trail, in the transaction the caller holds (`Catalog.transaction`
        joins it): the change and its record are stored together or not at all."""
        with self.catalog.transaction() as db:
            record(db, actor_of(by), action, target, detail)

    def add(self, entry: Entry, draft_id: int | None = None, *, merge: bool = False, by: str | None = None) -> Entry:
        """Store a new entry in the network directory (None) or a draft's, recorded as made by `by`
        ("directory.add", or "directory.merge" when it completed the entry it repeats).

        Raises:
            EntryInvalid: a field is not valid (the caller keeps what was typed).
            DuplicateEntry: the directory has this programme already and `merge` is False.
        """
        with self.catalog.transaction():
            stored, merged = self._add(entry, draft_id, merge)
            self._log(by, "directory.merge" if merged else "directory.add", f"entry {stored.id}", _about(stored))
        return stored

    def _add(self, entry: Entry, draft_id: int | None, merge: bool) -> tuple[Entry, bool]:
        """(the stored entry, whether it merged into one already there); nothing recorded."""
        if draft_id is not None:
            self.draft_city(draft_id)
        clean = self.check(entry, draft_id)
        existing = self.store.find_duplicate(clean.name, clean.city, draft_id)
        if existing is not None:
            if not merge:
                raise DuplicateEntry(existing)
            return self.store.merge_into(existing.id or 0, clean), True
        return self.store.insert(clean, draft_id), False

    def update(self, entry_id: int, entry: Entry, *, keep_contact: bool = False, merge: bool = False,
               by: str | None = None, expected: str | None = None) -> Entry:
        """Replace an entry's fields (its sources too, as given). Renaming it to another entry of its
        directory is a duplicate: refused, or with `merge` folded into that one (this one removed).
        Recorded as made by `by`: "directory.update" naming the changed fields (nothing when none
        changed), or "directory.merge" naming the entry folded in.

        Args:
            expected: the entry's `fingerprint` when the editor opened it: if a colleague saved it since,
                EntryChanged and nothing is written (two forms open on one entry: the second save wrote
                its older values over the first one's).
        """
        with self.catalog.transaction():  # read, compare and write in one step: no save comes between
            old = self.get(entry_id)
            if expected is not None and old.fingerprint() != expected:
                raise EntryChanged(old)
            clean = self.check(entry, old.draft_id)
            other = self.store.find_duplicate(clean.name, clean.city, old.draft_id, exclude=entry_id)
            if other is not None:
                if not merge:
                    raise DuplicateEntry(other)
                self.store.delete(entry_id)  # one step with the merge: a crash between them lost the entry
                kept = self.store.merge_into(other.id or 0, clean)
                self._log(by, "directory.merge", f"entry {kept.id}", _about(kept) | {"merged_from": int(entry_id)})
                return kept
            saved = self.store.update(entry_id, clean, keep_contact=keep_contact)
            changed = _changed(old, saved)
            if changed:
                self._log(by, "directory.update", f"entry {saved.id}", _about(saved) | {"changed": changed})
        return saved

    def remove(self, entry_id: int, *, by: str | None = None) -> Entry:
        """Remove an entry (for good: the caller keeps it to undo), recorded as "directory.remove"."""
        with self.catalog.transaction():
            old = self.store.delete(entry_id)
            self._log(by, "directory.remove", f"entry {old.id}", _about(old))
        return old

    def restore(self, entry: Entry, *, by: str | None = None) -> Entry:
        """Put a removed entry back (as a new entry of its directory), as the undo of a removal;
        recorded as "directory.restore" (naming the entry it was removed as)."""
        with self.catalog.transaction():
            stored, _ = self._add(replace(entry, id=None), entry.draft_id, True)
            self._log(by, "directory.restore", f"entry {stored.id}",
                      _about(stored) | ({"removed": entry.id} if entry.id is not None else {}))
        return stored

    # --- spreadsheets -------------------------------------------------------------------------

    def import_csv(self, text: str, draft_id: int | None = None, *, merge: bool = False,
                   by: str | None = None, source: str | None = None) -> ImportReport:
        """Read a CSV (as `export_csv` writes it, or a spreadsheet with headers in any corpus language)
        into a directory. Rows repeating a stored entry, or an earlier row, are merged only with `merge`
        (else listed as waiting for confirmation); importing the same file again with `merge` changes
        nothing. See `kb.directory.csv_io` for what is kept and what is rejected. Recorded as one
        "directory.import" made by `by`, with how many rows were added, merged, left waiting, rejected,
        and the file's name (`source`, when the caller knows it): the trail says where the entries came from.
        """
        city = self.draft_city(draft_id) if draft_id is not None else ""
        parsed = parse_csv(text)
        report = ImportReport(unknown_columns=parsed.unknown_columns)
        with self.catalog.transaction():  # the whole file and its record, or (a crash) none of it
            for row in parsed.rows:
                if row.entry is None:
                    report.rejected.append((row.line, "a row needs a name (the name column is empty)"))
                    continue
                report.problems.extend((row.line, p) for p in row.problems)
                entry = row.entry if row.entry.city or not city else replace(row.entry, city=city)
                existing = self.store.find_duplicate(entry.name, entry.city, draft_id)
                if existing is None:
                    report.added.append((row.line, self.store.insert(entry, draft_id)))
                elif merge:
                    report.merged.append((row.line, self.store.merge_into(existing.id or 0, entry)))
                else:
                    report.duplicates.append((row.line, entry.name, existing.id))
            self._log(by, "directory.import", scope_target(draft_id),
                      {"added": len(report.added), "merged": len(report.merged),
                       "duplicates": len(report.duplicates), "rejected": len(report.rejected)}
                      | ({"source": source} if source else {}))
        return report

    @staticmethod
    def export_csv(entries: Iterable[Entry]) -> str:
        """The entries as CSV text (UTF-8 with BOM when written as UTF-8); see `kb.directory.csv_io`."""
        return dump_csv(entries)

    def exported(self, draft_id: int | None, fmt: str, count: int, *, by: str | None = None) -> None:
        """Record that `by` took a copy of a directory ("directory.export"): contact details leave the
        server with it, so the page and the command line both say who took what, and when."""
        self._log(by, "directory.export", scope_target(draft_id), {"format": fmt, "entries": count})

    # --- from documents ------------------------------------------------------------------------

    def table_rows(self, doc: Document) -> list[Candidate]:
        """Every table row's candidates as read, row by row (before the same programme is merged).

        Only a format that keeps tables is read again, and once per version of the document: a scan
        was read without OCR and refused ("reading it needs OCR"), and a table card's "Add to
        directory" parsed its document on every click."""
        if doc.format not in FORMATS_WITH_TABLES:
            return []
        key = (doc.id, doc.sha256, doc.chunker, doc.updated_at, str(doc.metadata.get("city") or ""))
        with self._rows_lock:
            rows = self._rows.get(key)
        if rows is None:
            rows = self._read_table_rows(doc)
            with self._rows_lock:
                self._rows[key] = rows
                while len(self._rows) > _ROWS_KEPT:
                    self._rows.pop(next(iter(self._rows)))
        return list(rows)

    def _read_table_rows(self, doc: Document) -> list[Candidate]:
        parsed = self._read(doc)
        chunks = self.catalog.chunks_of(doc.id)
        city = str(doc.metadata.get("city") or "")

        def source_for(quote: str, section: tuple[str, ...]) -> Source:
            return source_from_chunk(doc, find_chunk(chunks, quote, section), quote, section=section)

        return [c for table in parsed.tables for c in table_candidates(table, city, source_for)]

    def list_items(self, doc: Document) -> list[Candidate]:
        """The candidates of a document's list items ("• Name: what it offers", "• Sector: A, B e C")."""
        city = str(doc.metadata.get("city") or "")

        def source_for(chunk: Chunk, quote: str) -> Source:
            return source_from_chunk(doc, chunk, quote)

        return list_candidates(self.catalog.chunks_of(doc.id), city, source_for)

    def candidates(self, doc: Document, draft_id: int | None = None) -> list[Candidate]:
        """Proposed entries from a document's tables and list items, one per programme (a programme
        found twice is one candidate with both sources), each saying which stored entry it repeats."""
        out = []
        for cand in merge_candidates([*self.table_rows(doc), *self.list_items(doc)]):
            clean, _ = clean_entry(cand.entry)
            dup = self.store.find_duplicate(clean.name, clean.city, draft_id)
            out.append(replace(cand, entry=clean, duplicate_of=dup.id if dup else None))
        return out

    def accept(self, candidates: Iterable[Candidate], draft_id: int | None = None, *,
               by: str | None = None) -> list[Entry]:
        """Store the candidates a person accepted; one that repeats a stored entry adds its sources to
        it (accepting it is the confirmation). Each is recorded as `add` records it."""
        return [self.add(c.entry, draft_id, merge=True, by=by) for c in candidates]

    def _table_row(self, doc: Document, chunk: Chunk, quote: str) -> Candidate | None:
        """The table row an excerpt of `chunk` quotes, as a candidate: the first row inside `quote`,
        else the first after it (a quote of a table's header row means the table it heads). None when
        the quote holds no table row ("a | b") or its rows name no entry.

        Without it a table card's excerpt gave the name "Escuta Famílias | Pastoral da Família e
        Centro Espírita Luz | Grupos" (the sentence-name guess across cells) and the whole passage,
        two tables, as its source."""
        if " | " not in quote:
            return None
        start = chunk.text.find(quote)
        end = start + len(quote)
        rows = []
        for cand in self.table_rows(doc):
            source = cand.entry.sources[0] if cand.entry.sources else None
            at = chunk.text.find(source.quote) if source is not None and source.chunk_id == chunk.id else -1
            if at >= start:
                rows.append((at >= end, at, cand))
        return min(rows, key=lambda r: r[:2])[2] if rows else None

    def from_excerpt(self, doc: Document, chunk_id: int, quote: str, cities: Sequence[str] = ()) -> Entry:
        """The prefilled form of "Add to directory": the document's city, the excerpt as source and
        quote, and a suggested name (the most name-like span of the quoted sentence), unsaved; from a
        table, the row it quotes (`_table_row`): its cells as the fields, the row as the source."""
        chunk = next((c for c in self.catalog.chunks_of(doc.id) if c.id == int(chunk_id)), None)
        if chunk is None:
            raise DirectoryError("This excerpt is no longer in the knowledge base.")
        quote = quote if quote and quote in chunk.text else chunk.text
        row = self._table_row(doc, chunk, quote)
        if row is not None:  # a table's row says the name, who runs it, what it offers: one column each
            return clean_entry(row.entry)[0]
        city = str(doc.metadata.get("city") or "")
        name = suggest_name(quote, [*cities, city])
        kind = ""
        sector = ""
        if name:
            kind = "organisation" if body_sector(name) and kind_of_name(name) != "service" else kind_of_name(name)
            sector = body_sector(name) or ""
        return Entry(name=name, kind=kind, sector=sector, city=city,  # cited where the quote sits, as a pin is
                     sources=(source_from_chunk(doc, chunk, quote, section=quoted_section(chunk, quote)),))
