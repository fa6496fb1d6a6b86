"""The directory of programmes and stakeholders, and the leadership group's make-up (issue 15).

    kb = KnowledgeBase(home)
    kb.directory.candidates(kb.document("harrow-bend-directory.docx"))   # proposals from its tables
    kb.directory.add(Entry(name="Turning Point", kind="service", sector="health", city="Larchmont Ridge"))
    kb.directory.search("apoyo a víctimas", filters={"sector": "civil society"})
    kb.roster.add(draft_id, RosterMember("City of Harrow Bend", "municipality", "chair"))
    kb.roster.check(draft_id)            # expected sectors present / missing

Modules: `records` (the field list, Entry, Source, RosterMember), `store` (catalog tables), `entries`
(the Directory), `headers`/`sectors`/`from_tables` (tables -> candidates), `names` (a name from a
sentence), `validate`, `csv_io`, `export_parts` (DOCX/Markdown), `roster`, `comparable` (excerpts for
a missing sector), `access` (who sees and edits what), `entry_index` (search over entries).
"""

from kb.directory.access import may_edit, may_see_contact, require_edit, visible
from kb.directory.csv_io import ImportReport, dump_csv, parse_csv
from kb.directory.entries import ALL, FILTER_FIELDS, Directory, DuplicateEntry, EntryChanged
from kb.directory.export_parts import DirectoryPart, RosterPart, directory_docx
from kb.directory.names import suggest_name
from kb.directory.records import (
    CONTACT_FIELDS,
    FIELDS,
    KINDS,
    NETWORK,
    PREVENTION_LEVELS,
    ROSTER_ROLES,
    SECTORS,
    Candidate,
    DirectoryError,
    Entry,
    RosterMember,
    Source,
)
from kb.directory.roster import (
    Expectations,
    ExpectedSector,
    Roster,
    SeatTaken,
    SectorCheck,
    load_expectations,
)
from kb.directory.validate import EntryInvalid, FieldProblem

__all__ = [
    "Directory", "Roster", "Entry", "Source", "Candidate", "RosterMember", "DirectoryError", "DuplicateEntry",
    "EntryChanged", "SeatTaken",
    "EntryInvalid", "FieldProblem", "ImportReport", "SectorCheck", "ExpectedSector", "Expectations",
    "DirectoryPart", "RosterPart", "directory_docx", "dump_csv", "parse_csv", "suggest_name", "load_expectations",
    "may_edit", "may_see_contact", "require_edit", "visible", "ALL", "NETWORK", "FIELDS", "FILTER_FIELDS",
    "CONTACT_FIELDS", "KINDS", "SECTORS", "ROSTER_ROLES", "PREVENTION_LEVELS",
]
