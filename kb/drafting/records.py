"""The records of the drafting workspace: a draft, its sections, and the items pinned into them.

Kept apart from `kb.drafting.drafts` (which stores and changes them) so that export and the UI can read
the shapes without the storage code.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from kb.drafting.framework import Section

__all__ = ["Draft", "DraftInfo", "DraftItem", "DraftSection", "item_from_row"]


@dataclass(frozen=True)
class DraftItem:
    """A pinned excerpt (text copied verbatim from its chunk) or the drafter's own note."""

    id: int
    draft_id: int
    section_key: str
    position: int
    kind: str  # "excerpt" | "note"
    text: str
    citation: str
    chunk_id: int | None
    doc_id: int | None
    source: str | None
    page: int | None
    meta: dict[str, Any]  # title, city, country, year, section, url, language, doc_type (excerpts)
    created_at: str


@dataclass
class DraftSection:
    section: Section
    items: list[DraftItem] = field(default_factory=list)


@dataclass(frozen=True)
class DraftInfo:
    """A draft as listed (without its items)."""

    id: int
    city: str
    title: str
    created_at: str
    updated_at: str
    item_count: int
    workspace_id: int | None = None


@dataclass
class Draft:
    """A draft with every framework section in template order, each with its items in order."""

    id: int
    city: str
    title: str
    created_at: str
    updated_at: str
    framework_title: str
    sections: list[DraftSection]
    workspace_id: int | None = None

    def items(self) -> list[DraftItem]:
        return [item for s in self.sections for item in s.items]

    def section(self, key: str) -> DraftSection | None:
        return next((s for s in self.sections if s.section.key == key), None)


def item_from_row(row: sqlite3.Row) -> DraftItem:
    """A DraftItem from its `draft_items` row."""
    return DraftItem(
        id=row["id"],
        draft_id=row["draft_id"],
        section_key=row["section_key"],
        position=row["position"],
        kind=row["kind"],
        text=row["text"],
        citation=row["citation"],
        chunk_id=row["chunk_id"],
        doc_id=row["doc_id"],
        source=row["source"],
        page=row["page"],
        meta=json.loads(row["meta"] or "{}"),
        created_at=row["created_at"],
    )
