"""The drafting workspace: a local prevention framework filled with pinned excerpts and notes.

A draft follows a framework template (`corpus/framework.yaml`): an ordered list of sections, each
with a purpose and suggested searches. Pinned excerpts are *copied* into the draft (text, citation
and the reference data export needs), so a draft survives the later removal or update of the
documents it cites; `chunk_id`/`doc_id` are kept only as a pointer back while they still exist.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from kb.drafting.framework import (
    DEFAULT_FRAMEWORK,
    OTHER_SECTION,
    DraftError,
    Framework,
    Section,
    load_framework,
)
from kb.drafting.records import Draft, DraftInfo, DraftItem, DraftSection, item_from_row
from kb.store.catalog import Catalog, now
from kb.types import Chunk, Hit

__all__ = [
    "Drafts",
    "Draft",
    "DraftInfo",
    "DraftItem",
    "DraftSection",
    "DraftError",
    "Framework",
    "Section",
    "load_framework",
    "DEFAULT_FRAMEWORK",
    "OTHER_SECTION",
]

# Metadata fields that name who published a document, in order of preference, for a reference's author.
AUTHOR_FIELDS = ("author", "organisation", "organization", "publisher", "city")


class Drafts:
    """Drafts stored in the catalog.

    Args:
        catalog: the KB's Catalog (drafts live in the same SQLite file as the documents).
        framework: the template; defaults to `load_framework()`.
    """

    def __init__(self, catalog: Catalog, framework: Framework | None = None) -> None:
        self.catalog = catalog
        self.framework = framework or load_framework()

    @property
    def _db(self) -> sqlite3.Connection:
        return self.catalog.db

    # --- drafts ------------------------------------------------------------------------------

    def create(self, city: str, title: str) -> Draft:
        """Start an empty draft for a city."""
        title = " ".join((title or "").split())
        if not title:
            raise DraftError("A draft needs a title.")
        stamp = now()
        with self.catalog.transaction() as db:
            cur = db.execute(
                "INSERT INTO drafts (city, title, created_at, updated_at) VALUES (?,?,?,?)",
                (" ".join((city or "").split()), title, stamp, stamp),
            )
        return self.get(int(cur.lastrowid or 0))

    def list(self) -> list[DraftInfo]:
        """Every draft, most recently changed first."""
        rows = self._db.execute(
            "SELECT d.*, (SELECT COUNT(*) FROM draft_items i WHERE i.draft_id = d.id) AS n FROM drafts d"
            " ORDER BY d.updated_at DESC, d.id DESC"
        ).fetchall()
        return [
            DraftInfo(r["id"], r["city"], r["title"], r["created_at"], r["updated_at"], r["n"]) for r in rows
        ]

    def get(self, draft_id: int) -> Draft:
        """A draft with its sections in template order (raises DraftError if unknown)."""
        row = self._db.execute("SELECT * FROM drafts WHERE id = ?", (int(draft_id),)).fetchone()
        if row is None:
            raise DraftError(f"There is no draft {draft_id}.")
        items = [
            item_from_row(r)
            for r in self._db.execute(
                "SELECT * FROM draft_items WHERE draft_id = ? ORDER BY position, id", (int(draft_id),)
            )
        ]
        sections = [DraftSection(s) for s in self.framework.sections]
        by_key = {s.section.key: s for s in sections}
        other = DraftSection(
            Section(OTHER_SECTION, "Other", "Items from sections no longer in the template.", ())
        )
        for item in items:
            by_key.get(item.section_key, other).items.append(item)
        if other.items:
            sections.append(other)
        return Draft(
            row["id"],
            row["city"],
            row["title"],
            row["created_at"],
            row["updated_at"],
            self.framework.title,
            sections,
        )

    def rename(self, draft_id: int, title: str, city: str | None = None) -> Draft:
        """Change a draft's title (and city, when given)."""
        title = " ".join((title or "").split())
        if not title:
            raise DraftError("A draft needs a title.")
        self.get(draft_id)
        with self.catalog.transaction() as db:
            db.execute("UPDATE drafts SET title = ?, updated_at = ? WHERE id = ?", (title, now(), draft_id))
            if city is not None:
                db.execute("UPDATE drafts SET city = ? WHERE id = ?", (" ".join(city.split()), draft_id))
        return self.get(draft_id)

    def delete(self, draft_id: int) -> None:
        """Delete a draft and all its items."""
        self.get(draft_id)
        with self.catalog.transaction() as db:
            db.execute("DELETE FROM draft_items WHERE draft_id = ?", (draft_id,))
            db.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))

    # --- items -------------------------------------------------------------------------------

    def pin(
        self,
        draft_id: int,
        section_key: str,
        excerpt: Hit | Chunk,
        citation: str | None = None,
        quote: str | None = None,
    ) -> DraftItem:
        """Copy an excerpt with its citation into a section of a draft (pinning it twice is a no-op).

        Args:
            draft_id: the draft.
            section_key: a framework section key.
            excerpt: a search Hit, or a Chunk (then the citation is built from its document).
            citation: overrides the Hit's citation / the built one.
            quote: pin only this part of the excerpt (some of its sentences, a selection); it must
                appear in the excerpt's text exactly (DraftError otherwise), so it is still a quotation.

        Returns:
            The new item, or the existing one when the same text of this chunk is already in the section.
        """
        self._check(draft_id, section_key)
        chunk_id = excerpt.id if isinstance(excerpt, Chunk) else excerpt.chunk_id
        # The stored chunk text is the excerpt, exactly; a Hit is only a pointer to it when the chunk exists.
        stored = self.catalog.chunks([chunk_id]).get(chunk_id)
        chunk = stored or (excerpt if isinstance(excerpt, Chunk) else None)
        whole = chunk.text if chunk is not None else excerpt.text
        if quote is not None:
            quote = quote.strip()
            if not quote or quote not in whole:
                raise DraftError("Only text that appears in the excerpt exactly can be pinned as a quotation.")
        existing = self.pinned(draft_id, section_key, chunk_id, quote or whole)
        if existing is not None:
            return existing
        doc = self.catalog.document(chunk.doc_id if chunk else excerpt.doc_id)
        if chunk is not None and doc is not None:
            from kb.searching.citations import citation as build_citation

            cite = citation or (excerpt.citation if isinstance(excerpt, Hit) and excerpt.citation else None)
            cite = cite or build_citation(doc, chunk)
            meta = {
                **{k: doc.metadata.get(k) for k in ("city", "country", "year", "doc_type")},
                # who published it, for the reference's author (CSL-JSON); the city when none is named
                "author": next((str(doc.metadata[k]) for k in AUTHOR_FIELDS if doc.metadata.get(k)), None),
                "url": doc.metadata.get("source_url") or doc.metadata.get("url"),
                "title": doc.title,
                "section": list(chunk.section),
                "language": chunk.language,
            }
            text, page, doc_id, source = chunk.text, chunk.page, doc.id, doc.source
        elif isinstance(excerpt, Hit):
            cite = citation or excerpt.citation
            meta = {
                "title": excerpt.title,
                "city": excerpt.city,
                "country": excerpt.country,
                "year": excerpt.year,
                "url": None,
                "doc_type": excerpt.doc_type,
                "section": list(excerpt.section),
                "language": excerpt.language,
            }
            text, page, doc_id, source = excerpt.text, excerpt.page, excerpt.doc_id, excerpt.source
        else:
            raise DraftError("This excerpt's document is no longer in the knowledge base.")
        return self._insert(
            draft_id,
            section_key,
            "excerpt",
            quote or text,
            cite or "",
            chunk_id=chunk_id,
            doc_id=doc_id,
            source=source,
            page=page,
            meta=meta,
        )

    def pinned(self, draft_id: int, section_key: str, chunk_id: int, text: str) -> DraftItem | None:
        """The item of a section that already quotes this text of this chunk, if any."""
        row = self._db.execute(
            "SELECT * FROM draft_items WHERE draft_id = ? AND section_key = ? AND chunk_id = ? AND text = ?",
            (draft_id, section_key, chunk_id, text),
        ).fetchone()
        return item_from_row(row) if row else None

    def add_note(self, draft_id: int, section_key: str, text: str) -> DraftItem:
        """Add the drafter's own text at the end of a section."""
        self._check(draft_id, section_key)
        if not (text or "").strip():
            raise DraftError("A note needs some text.")
        return self._insert(draft_id, section_key, "note", text.strip(), "")

    def edit_note(self, item_id: int, text: str) -> DraftItem:
        """Replace a note's text (excerpts are verbatim and cannot be edited)."""
        item = self.item(item_id)
        if item.kind != "note":
            raise DraftError("Only notes can be edited; excerpts are quoted exactly.")
        if not (text or "").strip():
            raise DraftError("A note needs some text.")
        with self.catalog.transaction() as db:
            db.execute("UPDATE draft_items SET text = ? WHERE id = ?", (text.strip(), item_id))
            self._touch(db, item.draft_id)
        return self.item(item_id)

    def item(self, item_id: int) -> DraftItem:
        row = self._db.execute("SELECT * FROM draft_items WHERE id = ?", (int(item_id),)).fetchone()
        if row is None:
            raise DraftError(f"There is no draft item {item_id}.")
        return item_from_row(row)

    def move(self, item_id: int, delta: int) -> DraftItem:
        """Move an item one place up (-1) or down (+1) within its section; at either end, nothing moves."""
        if delta not in (-1, 1):
            raise DraftError("An item moves one place at a time: -1 (up) or +1 (down).")
        item = self.item(item_id)
        op, order = ("<", "DESC") if delta < 0 else (">", "ASC")
        with self.catalog.transaction() as db:
            neighbour = db.execute(
                f"SELECT id, position FROM draft_items WHERE draft_id = ? AND section_key = ? AND position {op} ?"
                f" ORDER BY position {order} LIMIT 1",
                (item.draft_id, item.section_key, item.position),
            ).fetchone()
            if neighbour is not None:
                db.execute(
                    "UPDATE draft_items SET position = ? WHERE id = ?", (neighbour["position"], item.id)
                )
                db.execute(
                    "UPDATE draft_items SET position = ? WHERE id = ?", (item.position, neighbour["id"])
                )
                self._touch(db, item.draft_id)
        return self.item(item_id)

    def remove_item(self, item_id: int) -> DraftItem:
        """Remove an item from its draft; returns it, so that `restore_item` can undo the removal."""
        item = self.item(item_id)
        with self.catalog.transaction() as db:
            db.execute("DELETE FROM draft_items WHERE id = ?", (item_id,))
            self._touch(db, item.draft_id)
        return item

    def restore_item(self, item: DraftItem) -> DraftItem:
        """Put a removed item back where it was (same id, section and place), as the undo of a removal."""
        self.get(item.draft_id)
        if self._db.execute("SELECT 1 FROM draft_items WHERE id = ?", (item.id,)).fetchone():
            return self.item(item.id)  # already back
        with self.catalog.transaction() as db:
            db.execute(
                "INSERT INTO draft_items (id, draft_id, section_key, position, kind, chunk_id, text, citation, doc_id,"
                " source, page, meta, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (item.id, item.draft_id, item.section_key, item.position, item.kind, item.chunk_id, item.text,
                 item.citation, item.doc_id, item.source, item.page,
                 json.dumps(item.meta, ensure_ascii=False, sort_keys=True), item.created_at),
            )
            self._touch(db, item.draft_id)
        return self.item(item.id)

    # --- helpers -----------------------------------------------------------------------------

    def _check(self, draft_id: int, section_key: str) -> None:
        self.get(draft_id)
        if self.framework.section(section_key) is None:
            raise DraftError(
                f"Unknown section {section_key!r}; use one of: {', '.join(self.framework.keys)}."
            )

    @staticmethod
    def _touch(db: sqlite3.Connection, draft_id: int) -> None:
        db.execute("UPDATE drafts SET updated_at = ? WHERE id = ?", (now(), draft_id))

    def _insert(
        self,
        draft_id: int,
        section_key: str,
        kind: str,
        text: str,
        citation: str,
        *,
        chunk_id: int | None = None,
        doc_id: int | None = None,
        source: str | None = None,
        page: int | None = None,
        meta: dict[str, Any] | None = None,
    ) -> DraftItem:
        with self.catalog.transaction() as db:
            pos = db.execute(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM draft_items WHERE draft_id = ? AND section_key = ?",
                (draft_id, section_key),
            ).fetchone()[0]
            cur = db.execute(
                "INSERT INTO draft_items (draft_id, section_key, position, kind, chunk_id, text, citation, doc_id,"
                " source, page, meta, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    draft_id,
                    section_key,
                    pos,
                    kind,
                    chunk_id,
                    text,
                    citation,
                    doc_id,
                    source,
                    page,
                    json.dumps(meta or {}, ensure_ascii=False, sort_keys=True),
                    now(),
                ),
            )
            self._touch(db, draft_id)
        return self.item(int(cur.lastrowid or 0))
