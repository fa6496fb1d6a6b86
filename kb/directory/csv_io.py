"""The directory as a CSV file a spreadsheet opens right (UTF-8 with BOM), and read back.

Columns: every field (`FIELDS`, English names), `sources` (a JSON list: document, title, page, section,
quote, citation, reference data), then the free fields in the order they were first met. `import`
reads such a file back to the same entries, and exporting them again gives the same bytes. A file
from elsewhere may name its columns in any of the corpus's languages (`kb.directory.headers`); a
column no field claims is kept as a free field and named in the report. A row with no name is
rejected with its line number; a malformed e-mail or web address is rejected as a field, the entry
kept; a row repeating a stored entry (or an earlier row) is only merged when the caller confirms.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.directory.folding import fold
from kb.directory.headers import map_header
from kb.directory.records import FIELDS, LIST_FIELDS, Entry, Source
from kb.directory.validate import EntryInvalid, FieldProblem, clean_entry, entry_from_form

__all__ = ["dump_csv", "parse_csv", "read_csv_text", "NoNameColumn", "CsvRow", "ParsedCsv", "ImportReport", "BOM",
           "COLUMNS"]

BOM = "\ufeff"
COLUMNS = (*FIELDS, "sources")
_PUBLIC_WORDS = ("yes", "no")


def _cell(entry: Entry, name: str) -> str:
    value = getattr(entry, name)
    if name in LIST_FIELDS:
        return "; ".join(value)
    if name == "public":
        return "yes" if value else "no"
    return str(value or "")


def dump_csv(entries: Iterable[Entry]) -> str:
    """The entries as CSV text, starting with a BOM; contact fields as the entries carry them (a caller
    exporting for a reader who may not see them passes entries without them)."""
    entries = list(entries)
    free: dict[str, None] = {}
    for entry in entries:
        for key in entry.extra:
            if key not in COLUMNS:
                free.setdefault(key, None)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*COLUMNS, *free])
    for entry in entries:
        sources = json.dumps([s.to_dict() for s in entry.sources], ensure_ascii=False, separators=(",", ":"))
        writer.writerow([*(_cell(entry, f) for f in FIELDS), sources if entry.sources else "",
                         *(entry.extra.get(k, "") for k in free)])
    return BOM + out.getvalue()


@dataclass
class CsvRow:
    """One data row: its first line in the file, the entry read from it and its field problems."""

    line: int
    entry: Entry | None
    problems: list[FieldProblem] = field(default_factory=list)
    rejected: str = ""  # why the whole row was refused (no name)


@dataclass
class ParsedCsv:
    rows: list[CsvRow]
    unknown_columns: list[str]  # kept as free fields
    columns: dict[str, str]  # header as written -> field, for the columns read as fields


@dataclass
class ImportReport:
    """What an import did, line by line, in words a coordinator understands."""

    added: list[tuple[int, Entry]] = field(default_factory=list)
    merged: list[tuple[int, Entry]] = field(default_factory=list)  # (line, the stored entry it completed)
    duplicates: list[tuple[int, str, int | None]] = field(default_factory=list)  # (line, name, stored id)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    problems: list[tuple[int, FieldProblem]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.problems

    def summary(self) -> str:
        waiting = len(self.duplicates)
        parts = [f"{len(self.added)} added", f"{len(self.merged)} merged",
                 f"{waiting} duplicate{'' if waiting == 1 else 's'} waiting for confirmation",
                 f"{len(self.rejected)} rejected"]
        return ", ".join(parts)

    def lines(self) -> list[str]:
        """The report as sentences, one a line."""
        out = [self.summary()]
        if self.unknown_columns:
            out.append("Kept as free fields (no directory field has these names): " + ", ".join(self.unknown_columns))
        out += [f"line {line}: rejected: {why}" for line, why in self.rejected]
        out += [f"line {line}: {p.field} {p.value!r} not kept: {p.reason}" for line, p in self.problems]
        out += [f"line {line}: {name!r} is already in the directory (entry {eid}); merge it to add its sources"
                if eid else f"line {line}: {name!r} repeats an earlier row; merge it to add its sources"
                for line, name, eid in self.duplicates]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": [{"line": n, "id": e.id, "name": e.name} for n, e in self.added],
            "merged": [{"line": n, "id": e.id, "name": e.name} for n, e in self.merged],
            "duplicates": [{"line": n, "name": name, "duplicate_of": eid} for n, name, eid in self.duplicates],
            "rejected": [{"line": n, "reason": why} for n, why in self.rejected],
            "problems": [{"line": n, "field": p.field, "value": p.value, "reason": p.reason} for n, p in self.problems],
            "unknown_columns": self.unknown_columns,
            "summary": self.summary(),
        }


# A spreadsheet's city column in the corpus's languages (document tables name the city elsewhere, so
# `kb.directory.headers` leaves it out).
_CITY_HEADERS = frozenset(fold(w) for w in ("city", "town", "municipality", "ciudad", "municipio", "localidad",
                                            "ville", "commune", "stadt", "gemeinde", "ort", "cidade", "município",
                                            "المدينة", "البلدية"))


def _header_fields(header: Sequence[str]) -> list[str | None]:
    out: list[str | None] = []
    taken: set[str] = set()
    for name in header:
        key = name.strip()
        mapped = (key.casefold() if key.casefold() in COLUMNS else "city" if fold(key) in _CITY_HEADERS
                  else map_header(key))
        if mapped == "contact":
            mapped = "contact_point"
        if mapped not in COLUMNS or mapped in taken:
            mapped = None
        if mapped:
            taken.add(mapped)
        out.append(mapped)
    return out


def _sources(text: str) -> tuple[tuple[Source, ...], FieldProblem | None]:
    if not text.strip():
        return (), None
    try:
        data = json.loads(text)
        if not isinstance(data, list):
            raise ValueError
        return tuple(Source.from_dict(d) for d in data if isinstance(d, dict) and d.get("quote")), None
    except (ValueError, TypeError):
        return (), FieldProblem("sources", text[:80], "not a list of sources as this directory exports them")


def read_csv_text(path: Path) -> str:
    """A CSV file's text: UTF-8 with or without a BOM, else Windows-1252 as Excel saves it in
    Western Europe ("Centre d'écoute" must not stop an import at its first accent).

    Raises:
        OSError: the file cannot be read; ValueError: it is not text (a spreadsheet saved as .xlsx...).
    """
    from ingest.errors import IngestError
    from ingest.sniff import decode_text

    try:
        return decode_text(Path(path).read_bytes())
    except IngestError as err:
        raise ValueError(f"'{Path(path).name}' is not a CSV text file ({err}); save the sheet as CSV") from err


class NoNameColumn(ValueError):
    """A CSV with no column for the entries' names: nothing in it can become an entry."""

    def __init__(self, headers: Sequence[str]) -> None:
        self.headers = [h.strip() for h in headers if h.strip()]
        super().__init__(f"No column of this CSV holds the entries' names (its headers: {', '.join(self.headers) or 'none'}); "
                         "add one headed Name (or Nombre, Nom, Nome, الاسم).")


def parse_csv(text: str) -> ParsedCsv:
    """Read CSV text (with or without a BOM; comma, semicolon or tab separated) into entries.

    Raises:
        NoNameColumn: no header names the entries (Name, Nombre, Nom, Name, Nome, الاسم...).
    """
    text = text.removeprefix(BOM)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, [])
    fields = _header_fields(header)
    if "name" not in fields:
        raise NoNameColumn(header)
    columns = {h: f for h, f in zip(header, fields, strict=True) if f}
    unknown = [h.strip() for h, f in zip(header, fields, strict=True) if f is None and h.strip()]
    rows: list[CsvRow] = []
    line = reader.line_num + 1
    for cells in reader:
        start, line = line, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        values: dict[str, Any] = {}
        extra: dict[str, str] = {}
        for head, fld, cell in zip(header, fields, cells, strict=False):
            if fld:
                values[fld] = cell
            elif head.strip() and cell.strip():
                extra[head.strip()] = cell
        sources, problem = _sources(values.pop("sources", ""))
        public = str(values.get("public", "")).strip().casefold()
        values["public"] = public not in ("", "no", "false", "0", "non", "nein", "não", "لا")
        entry = entry_from_form({**values, "extra": extra}, sources=sources)
        try:
            clean, problems = clean_entry(entry)
        except EntryInvalid:
            rows.append(CsvRow(start, None, rejected="no name"))
            continue
        rows.append(CsvRow(start, clean, problems + ([problem] if problem else [])))
    return ParsedCsv(rows, unknown, columns)
