"""The directory and the leadership group as parts of an export: tables with their references.

`DirectoryPart` and `RosterPart` are `kb.drafting.export.Appendix`es: the draft's DOCX and Markdown show them as
their own sections after the framework's, and their sources are numbered in the draft's reference list.
`directory_docx` writes a directory alone (a table and its references). Words come from `labels`
(English by default; the web UI passes the reader's language).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.directory.records import CONTACT_FIELDS, Entry, RosterMember, Source
from kb.directory.roster import SectorCheck
from kb.drafting.export import Cite, _mark_rtl, _xml_safe, is_rtl
from kb.drafting.records import DraftItem

__all__ = ["DirectoryPart", "RosterPart", "directory_docx", "source_item", "LABELS"]

LABELS: dict[str, str] = {
    "directory": "Directory of programmes and stakeholders",
    "roster": "Leadership group",
    "references": "References",
    "name": "Name", "kind": "Kind", "sector": "Sector", "city": "City", "organisation": "Run by",
    "target_group": "Who it serves", "prevention_level": "Prevention level", "description": "What it offers",
    "contact": "Contact", "sources": "Sources", "role": "Role", "note": "Note", "organisation_seat": "Organisation",
    "missing": "Sectors the network's guidance expects that are not at the table yet: {sectors}.",
    "complete": "Every sector the network's guidance expects is at the table.",
    "empty_directory": "No entries yet.", "empty_roster": "No members yet.",
}


def _label(labels: Mapping[str, str], key: str) -> str:
    return labels.get(key) or LABELS.get(key) or key


def _value(labels: Mapping[str, str], group: str, value: str) -> str:
    """A sector, kind or role in the labels' language ("sector.health" -> "Santé")."""
    return labels.get(f"{group}.{value}", value) if value else ""


def source_item(source: Source, place: str = "directory") -> DraftItem:
    """A source as the draft item the reference list numbers (same citation, same number)."""
    citation = source.citation or source.title or source.document
    meta = {**source.meta, "title": source.title or source.document, "section": list(source.section)}
    return DraftItem(id=0, draft_id=0, section_key=place, position=0, kind="excerpt", text=source.quote,
                     citation=citation, chunk_id=source.chunk_id, doc_id=source.doc_id, source=source.document,
                     page=source.page, meta=meta, created_at="")


def _contact(entry: Entry) -> str:
    return "; ".join(getattr(entry, f) for f in CONTACT_FIELDS if getattr(entry, f))


def _md_cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _docx_table(doc: Any, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Any:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = _xml_safe(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = _xml_safe(text)
            if is_rtl(text):
                _mark_rtl(cell.paragraphs[0])
    return table


@dataclass
class DirectoryPart:
    """A directory as a table (name, kind, sector, who runs it, who it serves, contact, sources), with a
    City column when its entries are in more than one city (the network's directory; a draft's is its
    city's alone, named in the heading)."""

    entries: Sequence[Entry]
    labels: Mapping[str, str] = field(default_factory=dict)
    title: str = ""

    def cited(self) -> list[DraftItem]:
        return [source_item(s) for e in self.entries for s in e.sources]

    def _columns(self) -> list[str]:
        cols = ["name", "kind", "sector", "organisation", "target_group", "description"]
        if len({e.city for e in self.entries if e.city}) > 1:
            cols.insert(1, "city")
        if any(_contact(e) for e in self.entries):
            cols.append("contact")
        return [*cols, "sources"]

    def _rows(self, numbers: Mapping[str, int]) -> list[list[str]]:
        rows = []
        for e in self.entries:
            refs = sorted({numbers[source_item(s).citation] for s in e.sources if source_item(s).citation in numbers})
            values = {"name": e.name, "city": e.city, "kind": _value(self.labels, "kind", e.kind),
                      "sector": _value(self.labels, "sector", e.sector), "organisation": e.organisation,
                      "target_group": e.target_group, "description": e.description, "contact": _contact(e),
                      "sources": " ".join(f"[{n}]" for n in refs)}
            rows.append([values[c] for c in self._columns()])
        return rows

    @property
    def section(self) -> str:
        return "directory"  # the framework section it is exported in (kb.drafting.export.Appendix)

    def markdown(self, numbers: Mapping[str, int], heading: bool = True) -> list[str]:
        out = [f"## {self.title or _label(self.labels, 'directory')}", ""] if heading else []
        if not self.entries:
            return [*out, _label(self.labels, "empty_directory"), ""]
        cols = self._columns()
        out.append("| " + " | ".join(_label(self.labels, c) for c in cols) + " |")
        out.append("|" + "---|" * len(cols))
        out += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in self._rows(numbers)]
        return [*out, ""]

    def docx(self, doc: Any, numbers: Mapping[str, int], heading: bool = True) -> None:
        if heading:
            doc.add_heading(_xml_safe(self.title or _label(self.labels, "directory")), level=1)
        if not self.entries:
            doc.add_paragraph(_label(self.labels, "empty_directory"))
            return
        _docx_table(doc, [_label(self.labels, c) for c in self._columns()], self._rows(numbers))


@dataclass
class RosterPart:
    """A draft's leadership group: its seats as a table, then the expected sectors still missing."""

    members: Sequence[RosterMember]
    checks: Sequence[SectorCheck] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    entries: Mapping[int, Entry] = field(default_factory=dict)  # the directory entries seats came from

    def cited(self) -> list[DraftItem]:
        return [source_item(s, "roster") for m in self.members if m.entry_id is not None and m.entry_id in self.entries
                for s in self.entries[m.entry_id].sources]

    def _rows(self, numbers: Mapping[str, int]) -> list[list[str]]:
        rows = []
        for m in self.members:
            entry = self.entries.get(m.entry_id or -1)
            refs = sorted({numbers[c] for s in (entry.sources if entry else ())
                           if (c := source_item(s).citation) in numbers})
            name = m.organisation + (" " + " ".join(f"[{n}]" for n in refs) if refs else "")
            rows.append([name, _value(self.labels, "sector", m.sector), _value(self.labels, "role", m.role), m.note])
        return rows

    def _missing(self) -> str:
        missing = [c.expected for c in self.checks if not c.present]
        if not self.checks:
            return ""
        if not missing:
            return _label(self.labels, "complete")
        names = ", ".join(_value(self.labels, "detail", e.detail) or _value(self.labels, "sector", e.sector)
                          for e in missing)
        return _label(self.labels, "missing").format(sectors=names)

    @property
    def section(self) -> str:
        return "leadership"  # the framework section it is exported in (kb.drafting.export.Appendix)

    def markdown(self, numbers: Mapping[str, int], heading: bool = True) -> list[str]:
        out = [f"## {_label(self.labels, 'roster')}", ""] if heading else []
        if not self.members:
            out += [_label(self.labels, "empty_roster"), ""]
        else:
            cols = [_label(self.labels, c) for c in ("organisation_seat", "sector", "role", "note")]
            out.append("| " + " | ".join(cols) + " |")
            out.append("|---|---|---|---|")
            out += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in self._rows(numbers)]
            out.append("")
        missing = self._missing()
        return [*out, missing, ""] if missing else out

    def docx(self, doc: Any, numbers: Mapping[str, int], heading: bool = True) -> None:
        if heading:
            doc.add_heading(_xml_safe(_label(self.labels, "roster")), level=1)
        if not self.members:
            doc.add_paragraph(_label(self.labels, "empty_roster"))
        else:
            cols = [_label(self.labels, c) for c in ("organisation_seat", "sector", "role", "note")]
            _docx_table(doc, cols, self._rows(numbers))
        missing = self._missing()
        if missing:
            doc.add_paragraph(_xml_safe(missing))


def directory_docx(entries: Sequence[Entry], path: str | Path, labels: Mapping[str, str] | None = None,
                   title: str = "", cite: Cite | None = None) -> Path:
    """A directory alone as a Word document: a heading, the table, its references (each written by
    `cite`, as a draft's export writes them in the drafter's language; default: as stored)."""
    from docx import Document as DocxDocument

    part = DirectoryPart(entries, labels or {}, title)
    numbers: dict[str, int] = {}
    first: dict[str, DraftItem] = {}
    for item in part.cited():
        numbers.setdefault(item.citation, len(numbers) + 1)
        first.setdefault(item.citation, item)
    doc = DocxDocument()
    doc.core_properties.author = doc.core_properties.last_modified_by = ""
    part.docx(doc, numbers)
    if numbers:
        doc.add_heading(_label(labels or {}, "references"), level=1)
        for citation, n in numbers.items():
            doc.add_paragraph(_xml_safe(f"[{n}] {cite(first[citation]) if cite else citation}"))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
