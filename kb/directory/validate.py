"""Checking what a person typed or a spreadsheet holds before it becomes an entry or a roster seat.

`clean_entry` returns the entry with every field it can keep and the problems of the others: a
malformed e-mail or web address, an unknown kind, sector or prevention level is rejected *as a field*
(the entry keeps the rest); only an entry with no name is refused as a whole (`EntryInvalid`). A form
refuses to save while there is any problem, so the person can correct it; an import keeps the entry and
reports the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlparse

from kb.directory.records import (
    CONTACT_FIELDS,
    KINDS,
    LIST_FIELDS,
    PREVENTION_LEVELS,
    ROSTER_ROLES,
    SECTORS,
    TEXT_FIELDS,
    DirectoryError,
    Entry,
    RosterMember,
)
from kb.directory.sectors import kind_value, level_of_heading, sector_value

__all__ = ["FieldProblem", "EntryInvalid", "clean_entry", "entry_from_form", "check_email", "check_website",
           "clean_member", "split_list"]

_EMAIL = re.compile(r"^[^@\s<>\"',;:()\[\]]+@[^@\s<>\"',;:()\[\]]+\.[^@\s<>\"',;:()\[\].]{2,}$")
_DOMAIN = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)+(?::\d+)?(?:[/?#]\S*)?$", re.UNICODE)
_PHONE = re.compile(r"^[\d\s+()./-]+(?:\s*(?:ext\.?|x)\s*\d+)?$", re.IGNORECASE)
_TRUE = {"1", "true", "yes", "y", "x", "public", "sí", "si", "oui", "ja", "sim", "نعم"}


@dataclass(frozen=True)
class FieldProblem:
    """A field that was not kept, with the value as given and why (a sentence a coordinator understands)."""

    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field} {self.value!r}: {self.reason}"


class EntryInvalid(DirectoryError):
    """The entry cannot be saved as given; `problems` lists every field at fault (the form keeps them)."""

    def __init__(self, problems: Iterable[FieldProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def check_email(value: str) -> bool:
    return bool(_EMAIL.match(value))


def check_website(value: str) -> bool:
    """An http(s) address with a host, or a bare domain ("city.example.org/youth")."""
    parsed = urlparse(value)
    if parsed.scheme:
        return parsed.scheme in ("http", "https") and "." in parsed.netloc and " " not in value
    return bool(_DOMAIN.match(value))


def split_list(value: Any) -> tuple[str, ...]:
    """A list field from a list, or from text separated by ";" (or "," when there is no ";")."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        items = [str(v) for v in value]
    else:
        text = str(value)
        items = text.split(";") if ";" in text else text.split(",")
    seen: dict[str, None] = {}
    for item in items:
        item = " ".join(item.split())
        if item:
            seen.setdefault(item, None)
    return tuple(seen)


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def clean_entry(entry: Entry) -> tuple[Entry, list[FieldProblem]]:
    """The entry with normalised values and the problems of the fields that were dropped.

    Raises:
        EntryInvalid: when the entry has no name (nothing else makes it one).
    """
    changes: dict[str, Any] = {f: _text(getattr(entry, f)) for f in TEXT_FIELDS}
    changes.update({f: _text(getattr(entry, f)) for f in CONTACT_FIELDS if f != "address"})
    changes["address"] = "\n".join(line.strip() for line in str(entry.address or "").splitlines() if line.strip())
    problems: list[FieldProblem] = []
    if not changes["name"]:
        raise EntryInvalid([FieldProblem("name", "", "an entry needs a name")])
    if changes["kind"]:
        kind = changes["kind"] if changes["kind"] in KINDS else kind_value(changes["kind"])
        if kind is None:
            problems.append(FieldProblem("kind", changes["kind"], "use one of: " + ", ".join(KINDS)))
        changes["kind"] = kind or ""
    if changes["sector"]:
        sector = changes["sector"] if changes["sector"] in SECTORS else sector_value(changes["sector"])
        if sector is None:
            problems.append(FieldProblem("sector", changes["sector"], "use one of: " + ", ".join(SECTORS)))
        changes["sector"] = sector or ""
    levels = []
    for level in split_list(entry.prevention_level):
        value = level.casefold() if level.casefold() in PREVENTION_LEVELS else level_of_heading(f"{level} prevention")
        if value is None:
            problems.append(FieldProblem("prevention_level", level, "use primary, secondary or tertiary"))
        elif value not in levels:
            levels.append(value)
    changes["prevention_level"] = tuple(levels)
    for name in LIST_FIELDS[1:]:
        changes[name] = split_list(getattr(entry, name))
    if changes["email"] and not check_email(changes["email"]):
        problems.append(FieldProblem("email", changes["email"], "not an e-mail address (name@example.org)"))
        changes["email"] = ""
    if changes["website"] and not check_website(changes["website"]):
        problems.append(FieldProblem("website", changes["website"], "not a web address (https://example.org)"))
        changes["website"] = ""
    if changes["phone"] and not (_PHONE.match(changes["phone"]) and sum(c.isdigit() for c in changes["phone"]) >= 3):
        problems.append(FieldProblem("phone", changes["phone"], "not a phone number (digits, spaces, + - ( ))"))
        changes["phone"] = ""
    extra = {_text(k): _text(v) for k, v in entry.extra.items() if _text(k) and _text(v)}
    return replace(entry, **changes, extra=extra), problems


def entry_from_form(values: Mapping[str, Any], **rest: Any) -> Entry:
    """An Entry from form or API values keyed by field name (lists may be text separated by ";")."""
    known = {f: values.get(f) for f in (*TEXT_FIELDS, *CONTACT_FIELDS) if values.get(f) is not None}
    lists = {f: split_list(values.get(f)) for f in LIST_FIELDS}
    public = values.get("public")
    flag = public if isinstance(public, bool) else _text(public).casefold() in _TRUE
    fields: dict[str, Any] = {**{k: str(v) for k, v in known.items()}, **lists}
    return Entry(**fields, public=flag, extra=dict(values.get("extra") or {}), **rest)


def clean_member(member: RosterMember) -> RosterMember:
    """A roster seat with a known sector and role (DirectoryError names what is wrong)."""
    organisation = _text(member.organisation)
    if not organisation:
        raise DirectoryError("A seat needs the organisation that holds it.")
    sector = member.sector if member.sector in SECTORS else sector_value(member.sector or "")
    if sector is None:
        raise DirectoryError(f"Unknown sector {member.sector!r}; use one of: {', '.join(SECTORS)}.")
    role = _text(member.role).casefold() or "member"
    if role not in ROSTER_ROLES:
        raise DirectoryError(f"Unknown role {member.role!r}; use one of: {', '.join(ROSTER_ROLES)}.")
    return replace(member, organisation=organisation, sector=sector, role=role, note=_text(member.note))
