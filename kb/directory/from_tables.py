"""Candidate entries from a document's tables: columns mapped by their headers, one row at a time.

Which thing a row is about: with a name column (Programme, Programa, الإجراء) the programme, and the
organisation column says who runs it; without one, the organisation column names the entry (a roster);
a "Stakeholders" cell names several bodies, one candidate each, split at its commas. A table none of
whose headers names an entry (statistics, funding sources, data categories) gives no candidate.
Every candidate keeps its row, as the document text writes it, for its quotation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from ingest.tables import Table
from kb.directory.folding import fold, name_key
from kb.directory.headers import map_headers
from kb.directory.records import Candidate, Entry, Source
from kb.directory.sectors import body_sector, kind_of_name, level_of_heading, sector_of_body, sector_value

__all__ = ["table_candidates", "merge_candidates", "ENTRY_COLUMNS"]

# Mapped columns that become entry fields; every other column is kept as a free field under its header.
ENTRY_COLUMNS = ("name", "organisation", "kind", "sector", "target_group", "description", "access",
                 "contact_point", "phone", "email", "website", "address", "prevention_level", "themes",
                 "languages")
_SPLIT_NAMES = re.compile(r"\s*[,;\n]\s*")
# Headings that group tables by who they serve ("Programas por público", "by audience").
_AUDIENCE = ("publico", "audience", "public", "zielgruppe", "destinatario", "for whom", "الفئة", "who it serves")

SourceFor = Callable[[str, tuple[str, ...]], Source]  # (quoted row, heading path) -> its source


def _heading_values(section: Sequence[str], fields: Sequence[str | None]) -> dict[str, Any]:
    """Values a table's headings state for all its rows: a prevention level, an audience."""
    out: dict[str, Any] = {}
    if "prevention_level" not in fields:
        level = next((lv for h in reversed(section) if (lv := level_of_heading(h))), None)
        if level:
            out["prevention_level"] = (level,)
    if "target_group" not in fields and len(section) >= 2 and any(w in fold(section[-2]) for w in _AUDIENCE):
        out["target_group"] = section[-1]
    return out


def _row_entries(cells: Sequence[str], header: Sequence[str], fields: Sequence[str | None], city: str,
                 shared: dict[str, Any]) -> list[Entry]:
    values: dict[str, Any] = dict(shared)
    extra: dict[str, str] = {}
    for head, field, cell in zip(header, fields, cells, strict=False):
        if not cell:
            continue
        if field in ENTRY_COLUMNS:
            values[field] = (cell,) if field in ("prevention_level", "themes", "languages") else cell
        elif field != "names":
            extra[head or f"column {len(extra) + 1}"] = cell
    if any(f in ("deadline", "indicator") for f in fields):
        extra.setdefault("status", "planned")  # a plan's action table: activities still to come
    column_sector = sector_value(values.pop("sector", "")) if "sector" in values else None
    if "names" in fields:
        cell = cells[fields.index("names")] if fields.index("names") < len(cells) else ""
        names = [n.strip(" .") for n in _SPLIT_NAMES.split(cell) if n.strip(" .")]
        kind, by = "organisation", None
    elif "name" in fields:
        names, kind, by = [values.pop("name", "")], None, values.get("organisation")
    else:
        names, kind, by = [values.pop("organisation", "")], "organisation", None
    out = []
    for name in names:
        if not name:
            continue
        own = body_sector(name)
        if column_sector and not (column_sector == "other" and own):
            sector = column_sector
        else:
            sector = (sector_of_body(by) if by else None) or own or sector_of_body(name)
        out.append(Entry(name=name, kind=kind or kind_of_name(name), sector=sector, city=city,
                         extra=dict(extra), **values))
    return out


def table_candidates(table: Table, city: str, source_for: SourceFor) -> list[Candidate]:
    """The candidates of one table, row by row (none when no column names an entry).

    Args:
        table: a table as `ingest` read it.
        city: the document's city (the manifest's), given to every candidate.
        source_for: builds the source of a row from its quoted text and the table's heading path.

    Returns:
        Candidates in row order; a row naming several bodies gives several, with the same source.
    """
    fields = map_headers(table.header)
    if not any(f in ("name", "organisation", "names") for f in fields):
        return []
    shared = _heading_values(table.section, fields)
    out = []
    for i, cells in enumerate(table.rows):
        entries = _row_entries(cells, table.header, fields, city, shared)
        if not entries:
            continue
        source = source_for(table.row_text(i), table.section)
        for entry in entries:
            out.append(Candidate(replace(entry, sources=(source,)),
                                 origin=f"table {table.index + 1}, row {i + 1}", table=table.index, row=i + 1))
    return out


def merge_candidates(candidates: Sequence[Candidate]) -> list[Candidate]:
    """One candidate per programme: the same name and city (case, accents, articles aside) found twice
    becomes one candidate with both sources, completed by the second's fields."""
    from kb.directory.store import merged

    out: list[Candidate] = []
    at: dict[str, int] = {}
    for cand in candidates:
        key = name_key(cand.entry.name, cand.entry.city)
        if key in at:
            first = out[at[key]]
            origin = f"{first.origin}; {cand.origin}" if cand.origin else first.origin
            out[at[key]] = Candidate(merged(first.entry, cand.entry), origin, first.duplicate_of, first.table,
                                     first.row)
        else:
            at[key] = len(out)
            out.append(cand)
    return out
