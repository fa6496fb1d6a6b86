"""The drafting workspace: a local prevention framework filled with pinned excerpts and notes.

A draft follows a framework template (`corpus/framework.yaml`): an ordered list of sections, each
with a purpose and suggested searches. Pinned excerpts are *copied* into the draft (text, citation
and the reference data export needs), so a draft survives the later removal or update of the
documents it cites; `chunk_id`/`doc_id` are kept only as a pointer back while they still exist. When
the document's chunks are replaced (new content, `kb reread`), `kb.upkeep.relink` points an excerpt at
the chunk that now holds its words and cites it there, or at none when the words are gone.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from kb.audit.trail import record
from kb.drafting.excerpts import excerpt_body, quote_holds, quotes_excerpt, reference, stored_excerpt
from kb.drafting.framework import (
    DEFAULT_FRAMEWORK,
    OTHER_SECTION,
    DraftError,
    Framework,
    ItemGone,
    Section,
    load_framework,
)
from kb.drafting.records import Draft, DraftInfo, DraftItem, DraftSection, item_from_row
from kb.store.catalog import Catalog, next_id, now, raise_floor
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

class Drafts:
    """Drafts stored in the catalog.

    Every change is recorded in the audit trail under `actor` (`by(name)` gives the same drafts
    acting for a user); who may see or change which draft is `kb.access.workspaces`' business, checked
    by the entry points before they call here.

    Args:
        catalog: the KB's Catalog (drafts live in the same SQLite file as the documents).
        framework: the template; defaults to `load_framework()`.
        actor: who makes the changes, for the audit trail.
    """

    def __init__(self, catalog: Catalog, framework: Framework | None = None, actor: str = "local",
                 trash_days: float = 30.0) -> None:
        self.catalog = catalog
        self.framework = framework or load_framework()
        self.actor = actor
        self.trash_days = trash_days

    def by(self, actor: str) -> Drafts:
        """The same drafts, with changes recorded as made by `actor`."""
        return Drafts(self.catalog, self.framework, actor, self.trash_days)

    def _log(self, db: sqlite3.Connection, action: str, draft_id: int, **detail: Any) -> None:
        record(db, self.actor, f"draft.{action}", f"draft {draft_id}", detail)

    @property
    def _db(self) -> sqlite3.Connection:
        return self.catalog.db

    # --- drafts ------------------------------------------------------------------------------

    def create(self, city: str, title: str, workspace_id: int | None = None) -> Draft:
        """Start an empty draft for a city, in a workspace (None: the single-user KB's only one)."""
        title = " ".join((title or "").split())
        if not title:
            raise DraftError("A draft needs a title.")
        stamp = now()
        with self.catalog.transaction() as db:
            draft_id = next_id(db, "drafts")
            db.execute(
                "INSERT INTO drafts (id, city, title, created_at, updated_at, workspace_id) VALUES (?,?,?,?,?,?)",
                (draft_id, " ".join((city or "").split()), title, stamp, stamp, workspace_id),
            )
            self._log(db, "create", draft_id, title=title, workspace=workspace_id)
        return self.get(draft_id)

    def list(self, only: Iterable[int] | None = None) -> list[DraftInfo]:
        """Every draft (or those whose ids are in `only`), most recently changed first."""
        rows = self._db.execute(
            "SELECT d.*, (SELECT COUNT(*) FROM draft_items i WHERE i.draft_id = d.id) AS n FROM drafts d"
            " ORDER BY d.updated_at DESC, d.id DESC"
        ).fetchall()
        keep = None if only is None else {int(i) for i in only}
        return [
            DraftInfo(r["id"], r["city"], r["title"], r["created_at"], r["updated_at"], r["n"], r["workspace_id"])
            for r in rows if keep is None or r["id"] in keep
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
            row["workspace_id"],
        )

    def rename(self, draft_id: int, title: str, city: str | None = None) -> Draft:
        """Change a draft's title (and city, when given)."""
        title = " ".join((title or "").split())
        if not title:
            raise DraftError("A draft needs a title.")
        self.get(draft_id)
        before = self.get(draft_id)
        with self.catalog.transaction() as db:
            db.execute("UPDATE drafts SET title = ?, updated_at = ? WHERE id = ?", (title, now(), draft_id))
            if city is not None:
                db.execute("UPDATE drafts SET city = ? WHERE id = ?", (" ".join(city.split()), draft_id))
            self._log(db, "rename", draft_id, before={"title": before.title, "city": before.city},
                      after={"title": title, "city": " ".join(city.split()) if city is not None else before.city})
        return self.get(draft_id)

    def delete(self, draft_id: int) -> None:
        """Move a draft, its items and its shares to the trash (restorable for `trash_days`)."""
        from kb.trash.drafts import trash_draft
        from kb.trash.store import TrashError, TrashTable

        try:
            trash_draft(TrashTable(self.catalog, self.catalog.path.parent, self.trash_days), draft_id, self.actor)
        except TrashError as err:
            raise DraftError(str(err)) from err

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
                appear in the excerpt's text exactly, or be parts of it in order joined by
                `QUOTE_GAP` (" […] "; DraftError otherwise), so it is still a quotation.

        Returns:
            The new item, or the existing one when the same text of this chunk is already in the section.
        """
        self._check(draft_id, section_key)
        chunk_id, chunk, whole = stored_excerpt(self.catalog, excerpt)
        if quote is not None:
            quote = quote.strip()
            if not quote or not quotes_excerpt(whole, quote):
                raise DraftError("Only text that appears in the excerpt exactly can be pinned as a quotation.")
        doc = self.catalog.document(chunk.doc_id if chunk else excerpt.doc_id)
        quote = quote or excerpt_body(excerpt, chunk, doc, whole)
        existing = self.pinned(draft_id, section_key, chunk_id, quote or whole)
        if existing is not None:
            return existing
        ref = reference(excerpt, chunk, doc, citation, quote)
        return self._insert(draft_id, section_key, "excerpt", quote or ref.text, ref.citation, chunk_id=chunk_id,
                            doc_id=ref.doc_id, source=ref.source, page=ref.page, meta=ref.meta)

    def quoted(self, excerpt: Hit | Chunk, quote: str | None = None) -> str:
        """The text pinning this excerpt (or this part of it) stores: for the whole passage, the passage
        as its card shows it (`excerpt_body`). What `pinned` compares, so a caller can ask before pinning."""
        if quote and quote.strip():
            return quote.strip()
        _, chunk, whole = stored_excerpt(self.catalog, excerpt)
        doc = self.catalog.document(chunk.doc_id if chunk else excerpt.doc_id)
        return excerpt_body(excerpt, chunk, doc, whole) or whole

    def pinned(self, draft_id: int, section_key: str, chunk_id: int, text: str) -> DraftItem | None:
        """The item of a section that already quotes this text of this chunk, if any."""
        row = self._db.execute(
            "SELECT * FROM draft_items WHERE draft_id = ? AND section_key = ? AND chunk_id = ? AND text = ?",
            (draft_id, section_key, chunk_id, text),
        ).fetchone()
        return item_from_row(row) if row else None

    def overlapping(self, draft_id: int, section_key: str, chunk_id: int, text: str) -> DraftItem | None:
        """The item of a section quoting this chunk whose words hold `text` or are held in it (spacing
        aside; a quote's runs joined by QUOTE_GAP found in their order), if any: an excerpt pinned
        whole and then its highlighted sentences, or the other way round, is the same passage cited
        twice. `pin` still adds such a part (a drafter may mean it); the page asks this first."""
        rows = self._db.execute(
            "SELECT * FROM draft_items WHERE draft_id = ? AND section_key = ? AND chunk_id = ? AND kind = 'excerpt'"
            " ORDER BY position, id", (draft_id, section_key, chunk_id)).fetchall()
        return next((item_from_row(r) for r in rows if quote_holds(r["text"], text) or quote_holds(text, r["text"])),
                    None)

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
            self._log(db, "edit_note", item.draft_id, item=item_id)
        return self.item(item_id)

    def item(self, item_id: int) -> DraftItem:
        row = self._db.execute("SELECT * FROM draft_items WHERE id = ?", (int(item_id),)).fetchone()
        if row is None:
            raise ItemGone(f"There is no draft item {item_id}.")
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
                self._log(db, "move", item.draft_id, item=item.id, by=delta)
        return self.item(item_id)

    def remove_item(self, item_id: int) -> DraftItem:
        """Remove an item from its draft; returns it, so that `restore_item` can undo the removal."""
        item = self.item(item_id)
        with self.catalog.transaction() as db:
            db.execute("DELETE FROM draft_items WHERE id = ?", (item_id,))
            # its id is never given to a new item: an undo must find it free, not a colleague's note
            raise_floor(db, "draft_items", item_id)
            self._touch(db, item.draft_id)
            self._log(db, "remove_item", item.draft_id, item=item_id, kind=item.kind)
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
            self._log(db, "restore_item", item.draft_id, item=item.id, kind=item.kind)
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
            item_id = next_id(db, "draft_items")
            db.execute(
                "INSERT INTO draft_items (id, draft_id, section_key, position, kind, chunk_id, text, citation, doc_id,"
                " source, page, meta, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    item_id,
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
            self._log(db, "pin" if kind == "excerpt" else "add_note", draft_id, item=item_id, section=section_key,
                      citation=citation or None)
        return self.item(item_id)
