"""A draft's leadership group: its seats (organisation, sector, role), and which expected sectors are missing.

The sectors the network's guidance expects are read from `corpus/leadership_sectors.yaml` (each with
the guidance's words and a search); the panel says, for each, who holds it or that it is missing, and
for a missing one offers excerpts where other cities describe bringing that sector in (through
`kb.directory.comparable`, the seam where comparable cities come in).

Every change of a seat is recorded in the audit trail (`kb.audit`) under `by`, the acting user (the
person at the command line when None): "group.add", "group.update", "group.remove", with the target
"draft N" (whose group) and the seat's number, organisation, sector and role.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from kb.audit.trail import actor_of, record
from kb.directory.folding import fold, name_key
from kb.directory.records import SECTORS, DirectoryError, Entry, RosterMember
from kb.directory.validate import clean_member
from kb.store.catalog import Catalog, now
from kb.types import Hit

__all__ = ["Roster", "SeatTaken", "ExpectedSector", "SectorCheck", "Expectations", "load_expectations",
           "DEFAULT_EXPECTATIONS"]


class SeatTaken(DirectoryError):
    """The organisation has a seat in this group already; `seated` is it."""

    def __init__(self, seated: RosterMember) -> None:
        self.seated = seated
        super().__init__(f"{seated.organisation!r} already has a seat in this group ({seated.role}); "
                         "change that seat instead of adding a second one.")

DEFAULT_EXPECTATIONS = Path(__file__).resolve().parents[2] / "corpus" / "leadership_sectors.yaml"

# (the expected sector, the draft's city, how many) -> excerpts where other cities bring it in
Excerpts = Callable[["ExpectedSector", str, int], list[Hit]]


@dataclass(frozen=True)
class ExpectedSector:
    sector: str
    quote: str  # the guidance's words
    search: str  # finds where cities describe bringing it in
    detail: str = ""  # "research partner": a part of a sector looked for by name
    match: tuple[str, ...] = ()  # with `detail`: words an organisation's name holds to count
    words: tuple[str, ...] = ()  # words (any language) that show a passage names the sector

    def held_by(self, member: RosterMember) -> bool:
        if self.match:
            name = f" {fold(member.organisation)}"
            return any(f" {fold(w)}" in name for w in self.match)
        return member.sector == self.sector


@dataclass(frozen=True)
class Expectations:
    sectors: tuple[ExpectedSector, ...]
    document: str = ""
    title: str = ""
    page: int | None = None
    section: str = ""


@dataclass
class SectorCheck:
    """One expected sector in a draft's group: who holds it, or, when missing, excerpts to read."""

    expected: ExpectedSector
    members: list[RosterMember] = field(default_factory=list)
    excerpts: list[Hit] = field(default_factory=list)

    @property
    def present(self) -> bool:
        return bool(self.members)


def load_expectations(path: str | Path | None = None) -> Expectations:
    """Read the expected sectors (DirectoryError when a sector is not one of the directory's)."""
    path = Path(path) if path else DEFAULT_EXPECTATIONS
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for raw in data.get("sectors") or []:
        sector = str(raw.get("sector") or "")
        if sector not in SECTORS:
            raise DirectoryError(f"{path}: unknown sector {sector!r}; use one of: {', '.join(SECTORS)}.")
        match = tuple(str(w) for w in raw.get("match") or ())
        out.append(ExpectedSector(sector, " ".join(str(raw.get("quote") or "").split()),
                                  str(raw.get("search") or sector), str(raw.get("detail") or ""), match,
                                  tuple(str(w) for w in raw.get("words") or ()) or match))
    src = data.get("source") or {}
    return Expectations(tuple(out), str(src.get("document") or ""), str(src.get("title") or ""),
                        src.get("page"), str(src.get("section") or ""))


def _seat(member: RosterMember) -> dict[str, object]:
    """What a seat's audit record says of it."""
    out: dict[str, object] = {"seat": member.id, "organisation": member.organisation, "sector": member.sector,
                              "role": member.role}
    return out | ({"entry": member.entry_id} if member.entry_id is not None else {})


def _member(row: sqlite3.Row) -> RosterMember:
    return RosterMember(organisation=row["organisation"], sector=row["sector"], role=row["role"], note=row["note"],
                        entry_id=row["entry_id"], id=row["id"], draft_id=row["draft_id"], position=row["position"])


class Roster:
    """The seats of every draft's leadership group (table of migration m009_rosters).

    Args:
        catalog: the KB's catalog.
        expectations: the expected sectors; `load_expectations()` when None.
    """

    def __init__(self, catalog: Catalog, expectations: Expectations | None = None) -> None:
        self.catalog = catalog
        self._expectations = expectations

    @property
    def expectations(self) -> Expectations:
        if self._expectations is None:
            self._expectations = load_expectations()
        return self._expectations

    def _draft(self, draft_id: int) -> None:
        if self.catalog.db.execute("SELECT 1 FROM drafts WHERE id = ?", (int(draft_id),)).fetchone() is None:
            raise DirectoryError(f"There is no draft {draft_id}.")

    def members(self, draft_id: int) -> list[RosterMember]:
        """The seats of a draft's group, in order."""
        rows = self.catalog.db.execute(
            "SELECT * FROM roster_members WHERE draft_id = ? ORDER BY position, id", (int(draft_id),)).fetchall()
        return [_member(r) for r in rows]

    def member(self, member_id: int) -> RosterMember:
        row = self.catalog.db.execute("SELECT * FROM roster_members WHERE id = ?", (int(member_id),)).fetchone()
        if row is None:
            raise DirectoryError(f"There is no seat {member_id} in any leadership group.")
        return _member(row)

    def add(self, draft_id: int, member: RosterMember, *, by: str | None = None) -> RosterMember:
        """Give an organisation a seat (DirectoryError for an unknown sector or role, or no organisation,
        or one that has a seat already: case, accents and articles aside, as directory entries);
        recorded as "group.add" made by `by`."""
        self._draft(draft_id)
        clean = clean_member(member)
        seated = next((m for m in self.members(draft_id) if name_key(m.organisation) == name_key(clean.organisation)), None)
        if seated is not None:
            raise SeatTaken(seated)
        with self.catalog.transaction() as db:
            pos = db.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM roster_members WHERE draft_id = ?",
                             (int(draft_id),)).fetchone()[0]
            cur = db.execute(
                "INSERT INTO roster_members (draft_id, position, organisation, sector, role, note, entry_id,"
                " created_at) VALUES (?,?,?,?,?,?,?,?)",
                (int(draft_id), pos, clean.organisation, clean.sector, clean.role, clean.note, clean.entry_id, now()),
            )
            seat_id = int(cur.lastrowid or 0)
            record(db, actor_of(by), "group.add", f"draft {int(draft_id)}", _seat(replace(clean, id=seat_id)))
        return self.member(seat_id)

    def add_entry(self, draft_id: int, entry: Entry, role: str = "member", *, by: str | None = None) -> RosterMember:
        """A seat for a directory entry: the body that runs it (or the entry itself), with its sector."""
        if not entry.sector:
            raise DirectoryError(f"{entry.name!r} has no sector yet; give it one in the directory first.")
        name = entry.organisation if entry.kind != "organisation" and entry.organisation else entry.name
        return self.add(draft_id, RosterMember(name, entry.sector, role, entry_id=entry.id), by=by)

    def update(self, member_id: int, member: RosterMember, *, by: str | None = None) -> RosterMember:
        """Change a seat; recorded as "group.update" made by `by`, with what changed before and after
        (nothing recorded when nothing changed)."""
        old = self.member(member_id)
        clean = clean_member(replace(member, entry_id=member.entry_id or old.entry_id))
        changed = [f for f in ("organisation", "sector", "role", "note") if getattr(old, f) != getattr(clean, f)]
        with self.catalog.transaction() as db:
            db.execute("UPDATE roster_members SET organisation = ?, sector = ?, role = ?, note = ? WHERE id = ?",
                       (clean.organisation, clean.sector, clean.role, clean.note, int(member_id)))
            if changed:
                record(db, actor_of(by), "group.update", f"draft {old.draft_id}",
                       {"seat": old.id, "organisation": clean.organisation,
                        "before": {f: getattr(old, f) for f in changed}, "after": {f: getattr(clean, f) for f in changed}})
        return self.member(member_id)

    def remove(self, member_id: int, *, by: str | None = None) -> RosterMember:
        """Take a seat away; recorded as "group.remove" made by `by`."""
        old = self.member(member_id)
        with self.catalog.transaction() as db:
            db.execute("DELETE FROM roster_members WHERE id = ?", (int(member_id),))
            record(db, actor_of(by), "group.remove", f"draft {old.draft_id}", _seat(old))
        return old

    def check(self, draft_id: int, excerpts: Excerpts | None = None, city: str = "", k: int = 3,
              members: Sequence[RosterMember] | None = None) -> list[SectorCheck]:
        """Each expected sector: the seats holding it, or (missing, with `excerpts`) what to read.

        Args:
            draft_id: the draft.
            excerpts: finds excerpts for a missing sector: (the sector, the draft's city, k) -> hits.
            city: the draft's city (its own documents are not offered as examples).
            k: excerpts per missing sector.
            members: the seats as the caller read them (a view that lists them too passes its own list:
                read twice, a colleague's seat added between the reads made the count and list disagree).
        """
        members = self.members(draft_id) if members is None else members
        out = []
        for expected in self.expectations.sectors:
            check = SectorCheck(expected, [m for m in members if expected.held_by(m)])
            if not check.present and excerpts is not None:
                check.excerpts = excerpts(expected, city, k)
            out.append(check)
        return out

    def missing(self, draft_id: int) -> list[ExpectedSector]:
        return [c.expected for c in self.check(draft_id) if not c.present]


def sectors_of(members: Sequence[RosterMember]) -> list[str]:
    """The sectors a group holds, in the directory's order."""
    held = {m.sector for m in members}
    return [s for s in SECTORS if s in held]
