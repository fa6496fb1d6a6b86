"""The audit trail: every write recorded with who, when and what (before/after of a metadata edit),
append-only through the application, readable with `kb log [--since] [--user] [--json]`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kb import KnowledgeBase
from kb.cli import main


def _docs(folder: Path) -> Path:
    folder.mkdir()
    (folder / "panel.md").write_text("# Referral panel\n\nThe panel meets every week.\n", encoding="utf-8")
    (folder / "board.md").write_text("# Board\n\nThe mayor chairs the board.\n", encoding="utf-8")
    return folder


def test_remove_and_metadata_edit_are_recorded_with_the_users_name(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    kb = hash_kb
    kb.add([_docs(tmp_path / "docs")], metadata={"city": "Harrow"}, by="alice")
    doc = kb.document("panel.md")
    assert doc is not None
    kb.update_metadata(doc.id, {**doc.metadata, "city": "Lyon", "country": "FR"}, by="carol")
    kb.remove(doc.id, by="bob")
    kb.restore(doc.id, by="alice")
    kb.reindex(by="carol")
    entries = kb.log()
    assert [(e.actor, e.action, e.target) for e in entries] == [
        ("alice", "document.add", "document 1"),
        ("alice", "document.add", "document 2"),
        ("carol", "document.metadata", f"document {doc.id}"),
        ("bob", "document.remove", f"document {doc.id}"),
        ("alice", "document.restore", f"document {doc.id}"),
        ("carol", "index.rebuild", "indexes"),
    ]
    edit = kb.log(action="document.metadata")[0]
    assert edit.detail["before"] == {"city": "Harrow", "country": None}
    assert edit.detail["after"] == {"city": "Lyon", "country": "FR"}
    removal = kb.log(user="bob")[0]
    assert removal.detail["source"] == "panel.md" and removal.detail["to"] == "trash"
    assert all(e.at.endswith("Z") for e in entries)


def test_draft_changes_are_recorded(hash_kb: KnowledgeBase) -> None:
    drafts = hash_kb.drafts.by("dana")
    draft = drafts.create("Harrow", "Plan")
    key = drafts.framework.keys[0]
    note = drafts.add_note(draft.id, key, "A note")
    drafts.edit_note(note.id, "A better note")
    drafts.rename(draft.id, "Plan 2")
    drafts.remove_item(note.id)
    drafts.delete(draft.id)
    assert [e.action for e in hash_kb.log(user="dana")] == [
        "draft.create", "draft.add_note", "draft.edit_note", "draft.rename", "draft.remove_item", "draft.delete"]
    assert hash_kb.log(action="draft.rename")[0].detail["before"]["title"] == "Plan"


def test_the_trail_is_append_only(hash_kb: KnowledgeBase) -> None:
    hash_kb.audit.record("alice", "user.add", "user bob", {"role": "viewer", "password": "never-stored"})
    entry = hash_kb.log()[0]
    assert entry.detail == {"role": "viewer", "password": "[hidden]"}
    db = hash_kb.catalog.db
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE audit_log SET actor = 'mallory'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM audit_log")
    assert hash_kb.log()[0] == entry


def test_kb_log_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "home")
    base = ["--home", home, "--embedder", "hash"]
    docs = _docs(tmp_path / "docs")
    assert main([*base, "add", str(docs)]) == 0
    assert main([*base, "remove", "panel.md"]) == 0
    assert main([*base, "set", "board.md", "city=Oslo"]) == 0
    capsys.readouterr()
    assert main([*base, "log", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [e["action"] for e in entries] == ["document.add", "document.add", "document.remove", "document.metadata"]
    who = entries[0]["actor"]
    assert who.startswith("cli")
    assert main([*base, "log", "--user", "nobody", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main([*base, "log", "--since", "2999-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main([*base, "log", "--since", "2000-01-01", "--user", who]) == 0
    out = capsys.readouterr().out
    assert "document.remove" in out and "4 entries" in out
    # and the trash from the command line
    assert main([*base, "trash", "list", "--json"]) == 0
    (item,) = json.loads(capsys.readouterr().out)
    assert main([*base, "restore", str(item["item_id"])]) == 0
    assert "restored" in capsys.readouterr().out
    assert main([*base, "remove", "panel.md"]) == 0
    assert main([*base, "trash", "purge"]) == 0  # nothing has waited 30 days
    assert "0 purged" in capsys.readouterr().out
    assert main([*base, "trash", "purge", str(item["item_id"])]) == 0
    assert "1 purged" in capsys.readouterr().out
    assert main([*base, "restore", str(item["item_id"])]) == 2
    assert "no document" in capsys.readouterr().err


def test_a_cleared_title_is_recorded_and_an_edit_that_changes_nothing_is_not(
        hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    kb = hash_kb
    kb.add([_docs(tmp_path / "docs")], metadata={"year": 2024})
    doc = kb.document("panel.md")
    assert doc is not None and doc.title == "Referral panel"  # the file's own title; no title field
    kb.update_metadata(doc.id, {**doc.metadata, "title": "Weekly panel"}, by="carol")
    renamed = kb.log(action="document.metadata")[-1].detail
    assert (renamed["before"], renamed["after"]) == ({"title": "Referral panel"}, {"title": "Weekly panel"})
    doc = kb.document(doc.id)
    assert doc is not None
    cleared = kb.update_metadata(doc.id, {k: v for k, v in doc.metadata.items() if k != "title"}, by="carol")
    entry = kb.log(action="document.metadata")[-1].detail
    # the field is gone; the catalog keeps the document's last title, which the entry names
    assert (entry["before"], entry["after"], entry["title"]) == (
        {"title": "Weekly panel"}, {"title": None}, cleared.title)
    assert cleared.title == "Weekly panel" and "title" not in cleared.metadata
    entries = len(kb.log())
    kb.update_metadata(doc.id, {**cleared.metadata, "year": 2024}, by="carol")  # already 2024
    kb.update_metadata(doc.id, dict(cleared.metadata), by="carol")
    assert len(kb.log()) == entries


def test_a_date_that_is_not_one_is_refused_not_matched_against_nothing(
        hash_kb: KnowledgeBase, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kb.audit import BadDate

    hash_kb.audit.record("alice", "user.add", "user bob", {"role": "viewer"})
    for bad in ("yesterday", "12/01/2026", "2026-13-01"):
        with pytest.raises(BadDate, match="is not a date: give a UTC date or time such as 2026-12-01"):
            hash_kb.log(since=bad)
    assert len(hash_kb.log(since="2000-01-01")) == len(hash_kb.log(since="2000-01-01 09:00+02:00")) == 1
    assert hash_kb.log(since="2999-01-01T00:00") == []
    with pytest.raises(SystemExit) as usage:
        main(["--home", str(tmp_path / "home"), "log", "--since", "yesterday"])
    assert usage.value.code == 2
    assert "'yesterday' is not a date" in capsys.readouterr().err


def test_directory_and_leadership_group_writes_are_recorded_with_the_users_name(hash_kb: KnowledgeBase) -> None:
    """QA: adding, changing, merging, removing directory entries, importing a spreadsheet and changing
    a leadership group's seats recorded nothing, though every write is to be in the trail."""
    from kb.directory import Entry, RosterMember

    kb = hash_kb
    draft = kb.drafts.by("dana").create("Harrow", "Plan")
    point = kb.directory.add(Entry(name="Turning Point", sector="health", city="Harrow"), by="ana")
    kb.directory.add(Entry(name="Turning Point", city="Harrow", phone="+1 555 0100"), merge=True, by="ana")
    desk = kb.directory.add(Entry(name="Youth desk", kind="service"), draft.id, by="dana")
    kb.directory.update(desk.id or 0, Entry(name="Youth desk", kind="service", sector="youth work",
                                            phone="+1 555 0101"), by="dana")
    kb.directory.update(desk.id or 0, Entry(name="Youth desk", kind="service", sector="youth work",
                                            phone="+1 555 0101"), by="dana")  # nothing changed: nothing recorded
    twin = kb.directory.add(Entry(name="Turning Point Two", city="Harrow"), by="ana")
    kb.directory.update(twin.id or 0, Entry(name="Turning Point", city="Harrow"), merge=True, by="ana")
    removed = kb.directory.remove(point.id or 0, by="bob")
    back = kb.directory.restore(removed, by="bob")
    report = kb.directory.import_csv("name,city\nOpen Line,Harrow\nTurning Point,Harrow\n,Harrow\n", merge=False, by="ana")
    assert len(report.added) == 1 and len(report.duplicates) == 1
    seat = kb.roster.add(draft.id, RosterMember("Harrow Police", "police", "observer"), by="dana")
    kb.roster.update(seat.id or 0, RosterMember("Harrow Police", "police", "chair"), by="dana")
    kb.roster.add_entry(draft.id, kb.directory.get(desk.id or 0), by="dana")
    kb.roster.remove(seat.id or 0, by="carol")
    entries = [e for e in kb.log() if not e.action.startswith("draft.")]
    assert [(e.actor, e.action, e.target) for e in entries] == [
        ("ana", "directory.add", f"entry {point.id}"),
        ("ana", "directory.merge", f"entry {point.id}"),
        ("dana", "directory.add", f"entry {desk.id}"),
        ("dana", "directory.update", f"entry {desk.id}"),
        ("ana", "directory.add", f"entry {twin.id}"),
        ("ana", "directory.merge", f"entry {point.id}"),
        ("bob", "directory.remove", f"entry {point.id}"),
        ("bob", "directory.restore", f"entry {back.id}"),
        ("ana", "directory.import", "network"),
        ("dana", "group.add", f"draft {draft.id}"),
        ("dana", "group.update", f"draft {draft.id}"),
        ("dana", "group.add", f"draft {draft.id}"),
        ("carol", "group.remove", f"draft {draft.id}"),
    ]
    details = [e.detail for e in entries]
    assert details[0] == {"name": "Turning Point"}
    assert details[2] == {"name": "Youth desk", "draft": draft.id}
    assert details[3]["changed"] == ["sector", "phone"]  # the fields' names, never a contact detail's value
    assert "+1 555 0101" not in json.dumps(details)
    assert details[5]["merged_from"] == twin.id
    assert details[7] == {"name": "Turning Point", "removed": point.id}
    assert details[8] == {"added": 1, "merged": 0, "duplicates": 1, "rejected": 1}
    assert details[9] == {"organisation": "Harrow Police", "role": "observer", "sector": "police", "seat": seat.id}
    assert (details[10]["before"], details[10]["after"]) == ({"role": "observer"}, {"role": "chair"})
    assert details[11]["entry"] == desk.id and details[11]["organisation"] == "Youth desk"
    assert details[12]["organisation"] == "Harrow Police"


def test_directory_writes_from_the_command_line_are_the_persons_at_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--home", str(tmp_path / "home"), "--embedder", "hash"]
    assert main([*base, "directory", "add", "Turning Point", "--set", "city=Harrow"]) == 0
    capsys.readouterr()
    assert main([*base, "log", "--json", "--action", "directory."]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert entry["action"] == "directory.add" and entry["actor"].startswith("cli")
