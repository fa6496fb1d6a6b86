"""The records of the directory and the leadership group: entries, their sources, roster members.

The field list is written here once; the catalog columns, the CSV columns, the forms and the export
are built from it (`FIELDS`). Nothing here touches storage.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

__all__ = [
    "KINDS", "SECTORS", "ROSTER_ROLES", "PREVENTION_LEVELS", "CONTACT_FIELDS", "TEXT_FIELDS", "LIST_FIELDS",
    "FIELDS", "NETWORK", "Source", "Entry", "Candidate", "RosterMember", "DirectoryError", "scope_of",
]

KINDS = ("programme", "service", "organisation")
SECTORS = ("municipality", "police", "education", "health", "social work", "youth work", "civil society",
           "faith community", "private sector", "media", "other")
ROSTER_ROLES = ("chair", "member", "observer", "secretariat")
PREVENTION_LEVELS = ("primary", "secondary", "tertiary")
# How to reach it: personal data, shown to viewers only when the entry is public.
CONTACT_FIELDS = ("address", "phone", "email", "website", "contact_point")
TEXT_FIELDS = ("name", "kind", "sector", "city", "organisation", "target_group", "description", "access")
LIST_FIELDS = ("prevention_level", "themes", "languages")
# Every field in the order forms, CSV files and tables show them.
FIELDS = ("name", "kind", "sector", "city", "organisation", "target_group", "prevention_level", "themes",
          "languages", "description", "access", *CONTACT_FIELDS, "public")
NETWORK = "network"  # the scope of the shared network directory (a draft's is its id)


class DirectoryError(ValueError):
    """A directory or roster request that cannot be done; the message says why in plain words."""


def scope_of(draft_id: int | None) -> str:
    """"network" or "draft:<id>": who owns an entry, as a workspace will wrap it."""
    return NETWORK if draft_id is None else f"draft:{int(draft_id)}"


@dataclass(frozen=True)
class Source:
    """Where an entry was found: a document, its page and section, and the exact words quoted.

    `doc_id`/`chunk_id` point back while the document is in the knowledge base; the rest is copied,
    so an entry keeps its evidence (and the export its reference) after the document is removed.
    """

    document: str  # the document's source name (file name or relative path)
    quote: str
    title: str = ""
    page: int | None = None
    section: tuple[str, ...] = ()
    citation: str = ""
    doc_id: int | None = None
    chunk_id: int | None = None
    meta: dict[str, Any] = field(default_factory=dict, hash=False)  # city, country, year, ... for references

    def key(self) -> tuple[str, str]:
        """Two sources are the same when they quote the same words of the same document."""
        return self.document, " ".join(self.quote.split())

    def to_dict(self) -> dict[str, Any]:
        """The portable part (no ids: they belong to one knowledge base), as CSV and JSON carry it."""
        out: dict[str, Any] = {"document": self.document, "title": self.title, "page": self.page,
                               "section": list(self.section), "quote": self.quote, "citation": self.citation}
        if self.meta:
            out["meta"] = dict(self.meta)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        page = data.get("page")
        return cls(
            document=str(data.get("document") or ""),
            quote=str(data.get("quote") or ""),
            title=str(data.get("title") or ""),
            page=int(page) if page not in (None, "") else None,
            section=tuple(str(s) for s in data.get("section") or ()),
            citation=str(data.get("citation") or ""),
            meta=dict(data.get("meta") or {}),
        )


@dataclass(frozen=True)
class Entry:
    """A programme, service or organisation of a directory, with the sources it was found in.

    `draft_id` None is the shared network directory; otherwise the draft whose city directory it is.
    `extra` holds free fields (columns no field matches), in the order they were met.
    """

    name: str
    kind: str = ""
    sector: str = ""
    city: str = ""
    organisation: str = ""
    target_group: str = ""
    prevention_level: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    description: str = ""
    access: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    contact_point: str = ""
    public: bool = False
    extra: dict[str, str] = field(default_factory=dict, hash=False)
    sources: tuple[Source, ...] = ()
    id: int | None = None
    draft_id: int | None = None
    created_at: str = ""
    updated_at: str = ""
    contact_hidden: bool = False  # contact fields withheld from this reader (see kb.directory.access)

    @property
    def scope(self) -> str:
        return scope_of(self.draft_id)

    @property
    def has_contact(self) -> bool:
        return any(getattr(self, f) for f in CONTACT_FIELDS)

    def value(self, name: str) -> Any:
        return getattr(self, name)

    def fingerprint(self) -> str:
        """A short digest of what the entry says (fields, extra columns, sources; not its id or dates,
        whose seconds two saves can share): an editor who opened it can tell whether it changed since."""
        said = {k: v for k, v in asdict(self).items() if k not in ("id", "created_at", "updated_at", "contact_hidden")}
        return hashlib.sha256(json.dumps(said, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def without_contact(self) -> Entry:
        """The entry as a reader who may not see its contact fields sees it."""
        blank: dict[str, Any] = {f: "" for f in CONTACT_FIELDS}
        return replace(self, **blank, contact_hidden=self.has_contact or self.contact_hidden)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "scope": self.scope}
        for name in FIELDS:
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        out["extra"] = dict(self.extra)
        out["sources"] = [s.to_dict() for s in self.sources]
        if self.contact_hidden:
            out["contact_hidden"] = True
        return out


@dataclass(frozen=True)
class Candidate:
    """An entry proposed from a document (a table row, an excerpt), waiting for a person to accept it.

    `origin` says where it came from ("table 2, row 3"); `duplicate_of` names the stored entry it
    repeats (accepting it then adds its sources to that entry instead of a second one).
    """

    entry: Entry
    origin: str = ""
    duplicate_of: int | None = None
    table: int | None = None
    row: int | None = None  # 1-based data row, as the gold counts them

    def to_dict(self) -> dict[str, Any]:
        return {"origin": self.origin, "duplicate_of": self.duplicate_of, "table": self.table, "row": self.row,
                "entry": self.entry.to_dict()}


@dataclass(frozen=True)
class RosterMember:
    """A seat in a draft's leadership group: which organisation, its sector, its role in the group."""

    organisation: str
    sector: str
    role: str = "member"
    note: str = ""
    entry_id: int | None = None  # the directory entry it was taken from, while it exists
    id: int | None = None
    draft_id: int | None = None
    position: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "draft_id": self.draft_id, "organisation": self.organisation, "sector": self.sector,
                "role": self.role, "note": self.note, "entry_id": self.entry_id, "position": self.position}
