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
