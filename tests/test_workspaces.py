"""Workspaces: today's drafts move into a workspace named after their city; a draft is seen and
changed only inside its workspace unless shared read-only; refusals are recorded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kb import KnowledgeBase
from kb.access import LOCAL, Caller, PermissionDenied, WorkspaceError
from kb.store import migrations
from kb.store.catalog import Catalog


def test_migration_moves_existing_drafts_into_workspaces_named_after_their_city(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "catalog.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    before = [m for m in migrations.MIGRATIONS if m[0] < "m011"]
    monkeypatch.setattr(migrations, "MIGRATIONS", before)
    migrations.apply_migrations(db)  # a catalog as the previous version left it
    for city, title in (("Riverton", "Plan A"), ("riverton ", "Plan B"), ("", "No city"), ("Lyon", "Lyon plan")):
        db.execute("INSERT INTO drafts (city, title, created_at, updated_at) VALUES (?, ?, 'x', 'x')", (city, title))
    db.execute("INSERT INTO draft_items (draft_id, section_key, position, kind, text, created_at)"
               " VALUES (1, 'coordination', 1, 'note', 'kept', 'x')")
    db.close()
    monkeypatch.undo()
    catalog = Catalog(path)  # applies m011 onwards
    try:
        rows = catalog.db.execute(
            "SELECT d.title, w.name FROM drafts d JOIN workspaces w ON w.id = d.workspace_id ORDER BY d.id").fetchall()
        assert [tuple(r) for r in rows] == [("Plan A", "Riverton"), ("Plan B", "Riverton"),
                                            ("No city", "Unassigned"), ("Lyon plan", "Lyon")]
        assert catalog.db.execute("SELECT COUNT(*) FROM workspaces").fetchone()[0] == 3
        assert catalog.db.execute("SELECT text FROM draft_items").fetchone()[0] == "kept"
    finally:
        catalog.close()


@pytest.fixture
def two_cities(hash_kb: KnowledgeBase) -> tuple[KnowledgeBase, int, int]:
    kb = hash_kb
    ws = kb.workspaces("admin")
    a, b = ws.create("Riverton"), ws.create("Fontenoir")
    ws.set_member(a.id, "ana", "drafter")
    ws.set_member(a.id, "vic", "viewer")
    ws.set_member(b.id, "bea", "drafter")
    da = kb.drafts.by("ana").create("Riverton", "Riverton plan", a.id)
    db_ = kb.drafts.by("bea").create("Fontenoir", "Fontenoir plan", b.id)
    return kb, da.id, db_.id


def test_who_sees_and_changes_which_draft(two_cities: tuple[KnowledgeBase, int, int]) -> None:
    kb, riverton, fontenoir = two_cities
    access = kb.draft_access
    ana, vic, bea = Caller("ana", "viewer"), Caller("vic", "viewer"), Caller("bea", "viewer")
    outsider, coordinator, local = Caller("otto", "viewer"), Caller("cora", "coordinator"), Caller(None, LOCAL)
    assert access.visible(ana) == {riverton} and access.visible(vic) == {riverton}
    assert access.visible(bea) == {fontenoir} and access.visible(outsider) == set()
    assert access.visible(coordinator) is None and access.visible(local) is None
    assert access.can_edit(ana, riverton) and not access.can_edit(vic, riverton)
    assert not access.can_read(ana, fontenoir) and not access.can_edit(ana, fontenoir)
    assert access.can_edit(coordinator, fontenoir)
    # The directory and roster a draft owns follow its edit rule; the network's are coordinators'.
    assert access.can_edit_directory(ana, riverton) and not access.can_edit_directory(vic, riverton)
    assert not access.can_edit_directory(bea, riverton)
    assert not access.can_edit_directory(ana, None) and access.can_edit_directory(coordinator, None)
    # Shared read-only with Fontenoir, then with the whole network.
    kb.workspaces("ana").share(riverton, "Fontenoir")
    assert access.can_read(bea, riverton) and not access.can_edit(bea, riverton)
    assert not access.can_read(outsider, riverton)
    kb.workspaces("ana").share(riverton, None)
    assert access.can_read(outsider, riverton) and access.visible(outsider) == {riverton}
    assert kb.workspaces("ana").unshare(riverton, None)
    assert not access.can_read(outsider, riverton)
    assert not kb.workspaces("ana").unshare(riverton, None)  # not shared any more: nothing to record
    assert [(e.actor, e.action) for e in kb.log(action="draft.")][-3:] == [
        ("ana", "draft.share"), ("ana", "draft.share"), ("ana", "draft.unshare")]


def test_a_refusal_is_recorded_and_says_no_more_than_not_found(two_cities: tuple[KnowledgeBase, int, int]) -> None:
    kb, riverton, fontenoir = two_cities
    with pytest.raises(PermissionDenied, match=f"no draft {fontenoir}"):
        kb.draft_access.require(Caller("vic", "viewer"), fontenoir, edit=False, what="export")
    with pytest.raises(PermissionDenied, match="read-only"):
        kb.draft_access.require(Caller("vic", "viewer"), riverton, edit=True, what="pin")
    refused = kb.log(action="refused")
    assert [(e.actor, e.target, e.detail["asked"]) for e in refused] == [
        ("vic", f"draft {fontenoir}", "export"), ("vic", f"draft {riverton}", "pin")]


def test_workspace_names_and_roles_are_checked(hash_kb: KnowledgeBase) -> None:
    ws = hash_kb.workspaces("admin")
    ws.create("Riverton")
    with pytest.raises(WorkspaceError, match="already"):
        ws.create("riverton")
    with pytest.raises(WorkspaceError, match="Unknown workspace role"):
        ws.set_member("Riverton", "ana", "owner")
    with pytest.raises(WorkspaceError, match="no workspace"):
        ws.set_member("Nowhere", "ana", "drafter")
    ws.set_member("Riverton", "ana", "viewer")
    ws.set_member("Riverton", "ana", "drafter")
    assert ws.members("Riverton") == {"ana": "drafter"}
    assert hash_kb.log(action="workspace.member")[-1].detail == {"user": "ana", "before": "viewer", "after": "drafter"}


def test_workspace_and_user_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from kb.cli import main

    home = str(tmp_path / "home")
    base = ["--home", home, "--embedder", "hash"]
    assert main([*base, "workspace", "create", "Riverton"]) == 0
    assert main([*base, "workspace", "member", "Riverton", "ana", "--role", "viewer"]) == 0
    assert main([*base, "workspace", "member", "Nowhere", "ana"]) == 2
    assert main([*base, "workspace", "share", "7", "network"]) == 2
    assert main([*base, "workspace", "list", "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("["):])[0]["members"] == {"ana": "viewer"}
    assert main([*base, "user", "add", "ana", "--password", "short"]) == 2
    assert "at least 10" in capsys.readouterr().err
    assert main([*base, "user", "add", "ana", "--password", "a-long-password"]) == 0
    assert main([*base, "user", "disable", "ana"]) == 0
    assert main([*base, "user", "list"]) == 0
    assert "ana\tviewer\tdisabled" in capsys.readouterr().out
    assert main([*base, "user", "enable", "ana"]) == 0
    assert main([*base, "user", "reset", "ana", "--password", "another-long-one"]) == 0
    assert main([*base, "user", "reset", "nobody", "--password", "another-long-one"]) == 2
    capsys.readouterr()
    assert main([*base, "log", "--action", "user.", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [e["action"] for e in entries] == ["user.add", "user.disable", "user.enable", "user.reset"]
    assert "long" not in json.dumps(entries)  # no password in the trail


def test_only_configured_users_can_be_members_and_a_no_op_records_nothing(hash_kb: KnowledgeBase) -> None:
    from kb.access import add_user, load_users, users_file

    home = hash_kb.settings.home
    ws = hash_kb.workspaces("admin", users=lambda: load_users(home, env={}))  # read at each change
    ws.create("Lindenhall")
    assert ws.set_member("Lindenhall", "anyone", "drafter") is None  # single-user mode: any name
    path = users_file(home, env={})
    assert path is not None
    add_user(path, "dana", "viewer", "dana-password-1", iterations=1000)  # now users are configured
    with pytest.raises(WorkspaceError, match="There is no user 'nobody'"):
        ws.set_member("Lindenhall", "nobody", "drafter")
    with pytest.raises(WorkspaceError, match="There is no user 'nobody'"):
        ws.by("cora").set_member("Lindenhall", "nobody", "viewer")  # another actor, the same users
    assert ws.set_member("Lindenhall", "dana", "drafter") is None
    entries = len(hash_kb.log(action="workspace.member"))
    assert ws.set_member("Lindenhall", "dana", "drafter") == "drafter"  # already: nothing to record
    assert len(hash_kb.log(action="workspace.member")) == entries
    assert ws.members("Lindenhall") == {"anyone": "drafter", "dana": "drafter"}
    with pytest.raises(WorkspaceError, match="'ghost' is not a member of Lindenhall"):
        ws.remove_member("Lindenhall", "ghost")
    assert len(hash_kb.log(action="workspace.member")) == entries
    ws.remove_member("Lindenhall", "dana")
    assert hash_kb.log(action="workspace.member")[-1].detail == {"user": "dana", "after": None}


def test_workspace_and_user_commands_say_what_they_did_and_refuse_clearly(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from kb.cli import main

    base = ["--home", str(tmp_path / "home"), "--embedder", "hash"]
    for empty in (["user", "list"], ["workspace", "list"]):
        assert main([*base, *empty]) == 0
        assert "single-user mode" in capsys.readouterr().out  # not a blank answer
    assert main([*base, "user", "add", "dana", "--role", "viewer", "--password", "dana-password-1"]) == 0
    assert main([*base, "workspace", "list"]) == 0
    assert capsys.readouterr().out.strip().endswith("`kb workspace create NAME` makes one for a city or a team")
    users_json = (tmp_path / "home" / "users.json").read_text()
    assert main([*base, "user", "add", "dana", "--role", "coordinator", "--password", "dana-password-2"]) == 2
    err = capsys.readouterr().err
    assert "dana already exists" in err and "kb user reset dana" in err and "kb user role dana" in err
    assert (tmp_path / "home" / "users.json").read_text() == users_json  # nothing changed
    assert main([*base, "user", "role", "dana"]) == 2  # no silent default role here
    assert main([*base, "user", "role", "dana", "--role", "coordinator"]) == 0
    assert main([*base, "user", "role", "dana", "--role", "coordinator"]) == 0
    assert "already is a coordinator; nothing changed" in capsys.readouterr().out
    assert main([*base, "user", "remove", "ghost"]) == 2
    assert "There is no user 'ghost'" in capsys.readouterr().err
    assert main([*base, "workspace", "create", "Lindenhall"]) == 0
    assert main([*base, "workspace", "member", "Lindenhall", "nobody", "--role", "drafter"]) == 2
    assert "There is no user 'nobody'" in capsys.readouterr().err
    assert main([*base, "workspace", "member", "Lindenhall", "dana"]) == 0
    assert capsys.readouterr().out.strip() == ("dana is now a drafter in Lindenhall (the default role; "
                                               "--role viewer makes dana a reader only)")
    assert main([*base, "workspace", "member", "Lindenhall", "dana", "--role", "viewer"]) == 0
    assert capsys.readouterr().out.strip() == "dana is now a viewer in Lindenhall"
    assert main([*base, "workspace", "unmember", "Lindenhall", "ghost"]) == 2
    assert "'ghost' is not a member of Lindenhall" in capsys.readouterr().err
    assert main([*base, "workspace", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["members"] == {"dana": "viewer"}
    assert main([*base, "workspace", "unmember", "Lindenhall", "dana"]) == 0
    assert capsys.readouterr().out.strip() == "dana is no longer a member of Lindenhall"
    assert main([*base, "log", "--action", "user.", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [(e["action"], e["detail"]) for e in entries] == [
        ("user.add", {"role": "viewer"}), ("user.role", {"before": "viewer", "after": "coordinator"})]
