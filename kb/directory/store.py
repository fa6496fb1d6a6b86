"""Directory entries and their sources in the catalog (tables of migration m008_directory).

Storage only: values arrive checked (`kb.directory.validate`), rights are checked by the caller. Every
change is one transaction; `version` counts changes so the entry index knows when to catch up.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from kb.directory.folding import name_key
from kb.directory.records import CONTACT_FIELDS, FIELDS, LIST_FIELDS, DirectoryError, Entry, Source
from kb.store.catalog import Catalog, now

__all__ = ["DirectoryStore", "ALL", "merged"]

ALL = "all"  # every scope, in `entries`
_COLUMNS = [f for f in FIELDS if f != "public"]


def _entry(row: sqlite3.Row, sources: Sequence[Source]) -> Entry:
    values: dict[str, Any] = {f: row[f] for f in _COLUMNS if f not in LIST_FIELDS}
    values.update({f: tuple(json.loads(row[f] or "[]")) for f in LIST_FIELDS})
    return Entry(**values, public=bool(row["public"]), extra=json.loads(row["extra"] or "{}"),
                 sources=tuple(sources), id=row["id"], draft_id=row["draft_id"], created_at=row["created_at"],
                 updated_at=row["updated_at"])


def _source(row: sqlite3.Row) -> Source:
    return Source(document=row["document"], quote=row["quote"], title=row["title"], page=row["page"],
                  section=tuple(json.loads(row["section"] or "[]")), citation=row["citation"],
                  doc_id=row["doc_id"], chunk_id=row["chunk_id"], meta=json.loads(row["meta"] or "{}"))


def _row_values(entry: Entry) -> list[Any]:
    out: list[Any] = []
    for f in _COLUMNS:
        value = getattr(entry, f)
        out.append(json.dumps(list(value), ensure_ascii=False) if f in LIST_FIELDS else value)
    return out


def merged(kept: Entry, other: Entry) -> Entry:
    """`kept` completed by `other`: empty fields filled, lists and free fields joined, sources added
    (a source quoting the same words of the same document is not added twice)."""
    changes: dict[str, Any] = {}
    for f in _COLUMNS:
        mine, theirs = getattr(kept, f), getattr(other, f)
        if f in LIST_FIELDS:
            changes[f] = tuple(dict.fromkeys([*mine, *theirs]))
        elif not mine and theirs:
            changes[f] = theirs
    sources = list(kept.sources)
    known = {s.key() for s in sources}
    for source in other.sources:
        if source.key() not in known:
            known.add(source.key())
            sources.append(source)
    return replace(kept, **changes, public=kept.public or other.public, extra={**kept.extra, **{k: v for k, v in other.extra.items() if k not in kept.extra}},
                   sources=tuple(sources))


class DirectoryStore:
    """The catalog's directory tables.

    Args:
        catalog: the KB's catalog (the directory lives in the same SQLite file as documents and drafts).
    """

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.version = 0

    @property
    def _db(self) -> sqlite3.Connection:
        return self.catalog.db

    def _sources_of(self, ids: Sequence[int]) -> dict[int, list[Source]]:
        out: dict[int, list[Source]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ",".join("?" * len(part))
            for row in self._db.execute(
                f"SELECT * FROM directory_sources WHERE entry_id IN ({marks}) ORDER BY entry_id, position, id", part
            ):
                out[row["entry_id"]].append(_source(row))
        return out

    def entries(self, draft_id: int | str | None = ALL, ids: Iterable[int] | None = None) -> list[Entry]:
        """Entries of a scope (None: the network directory; a draft id; ALL), oldest first."""
        sql, args = "SELECT * FROM directory_entries", []
        where = []
        if draft_id is None:
            where.append("draft_id IS NULL")
        elif draft_id != ALL:
            where.append("draft_id = ?")
            args.append(int(draft_id))
        if ids is not None:
            wanted = sorted({int(i) for i in ids})
            if not wanted:
                return []
            where.append(f"id IN ({','.join('?' * len(wanted))})")
            args.extend(wanted)
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._db.execute(sql + " ORDER BY id", args).fetchall()
        sources = self._sources_of([r["id"] for r in rows])
        return [_entry(r, sources[r["id"]]) for r in rows]

    def get(self, entry_id: int) -> Entry:
        found = self.entries(ALL, [int(entry_id)])
        if not found:
            raise DirectoryError(f"There is no directory entry {entry_id}.")
        return found[0]

    def find_duplicate(self, name: str, city: str, draft_id: int | None, exclude: int | None = None) -> Entry | None:
        """The entry of this scope with the same name and city (case, accents, articles aside)."""
        scope = "draft_id IS NULL" if draft_id is None else "draft_id = ?"
        args: list[Any] = [name_key(name, city)] + ([] if draft_id is None else [int(draft_id)])
        row = self._db.execute(
            f"SELECT id FROM directory_entries WHERE name_key = ? AND {scope} AND id != ? ORDER BY id LIMIT 1",
            [*args, -1 if exclude is None else int(exclude)],
        ).fetchone()
        return self.get(row["id"]) if row else None

    def insert(self, entry: Entry, draft_id: int | None) -> Entry:
        stamp = now()
        cols = ["draft_id", "name_key", *_COLUMNS, "public", "extra", "created_at", "updated_at"]
        values = [draft_id, name_key(entry.name, entry.city), *_row_values(entry), int(entry.public),
                  json.dumps(entry.extra, ensure_ascii=False), stamp, stamp]
        with self.catalog.transaction() as db:
            cur = db.execute(f"INSERT INTO directory_entries ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                             values)
            entry_id = int(cur.lastrowid or 0)
            self._put_sources(db, entry_id, entry.sources, 0)
        self.version += 1
        return self.get(entry_id)

    def update(self, entry_id: int, entry: Entry, *, keep_contact: bool = False) -> Entry:
        """Replace an entry's fields and sources; with `keep_contact`, its stored contact fields stay
        (a reader who could not see them cannot have meant to clear them)."""
        old = self.get(entry_id)
        if keep_contact:
            entry = replace(entry, **{f: getattr(old, f) for f in CONTACT_FIELDS})
        sets = ", ".join(f"{c} = ?" for c in ["name_key", *_COLUMNS, "public", "extra", "updated_at"])
        values = [name_key(entry.name, entry.city), *_row_values(entry), int(entry.public),
                  json.dumps(entry.extra, ensure_ascii=False), now(), int(entry_id)]
        with self.catalog.transaction() as db:
            db.execute(f"UPDATE directory_entries SET {sets} WHERE id = ?", values)
            db.execute("DELETE FROM directory_sources WHERE entry_id = ?", (int(entry_id),))
            self._put_sources(db, int(entry_id), entry.sources, 0)
        self.version += 1
        return self.get(entry_id)

    def merge_into(self, entry_id: int, other: Entry) -> Entry:
        """Complete a stored entry with another's fields and sources (see `merged`)."""
        old = self.get(entry_id)
        return self.update(entry_id, merged(old, other))

    def delete(self, entry_id: int) -> Entry:
        old = self.get(entry_id)
        with self.catalog.transaction() as db:
            db.execute("DELETE FROM directory_entries WHERE id = ?", (int(entry_id),))
        self.version += 1
        return old

    def cities(self) -> list[str]:
        return [r[0] for r in self._db.execute(
            "SELECT DISTINCT city FROM directory_entries WHERE city != '' ORDER BY city")]

    @staticmethod
    def _put_sources(db: sqlite3.Connection, entry_id: int, sources: Iterable[Source], start: int) -> None:
        for position, s in enumerate(sources, start=start):
            db.execute(
                "INSERT INTO directory_sources (entry_id, position, document, title, page, section, quote, citation,"
                " doc_id, chunk_id, meta) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (entry_id, position, s.document, s.title, s.page, json.dumps(list(s.section), ensure_ascii=False),
                 s.quote, s.citation, s.doc_id, s.chunk_id, json.dumps(s.meta, ensure_ascii=False, sort_keys=True)),
            )
