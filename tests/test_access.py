"""Role rules, password hashing and the users file/env, without a browser."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from kb.access import (
    LOCAL,
    PermissionDenied,
    add_user,
    authenticate,
    can,
    hash_password,
    load_users,
    remove_user,
    require,
    role_of,
    users_file,
    verify_password,
)


def test_rules() -> None:
    assert can("viewer", "search") and can("viewer", "draft")
    for action in ("add", "edit", "remove"):
        assert not can("viewer", action)
        assert can("coordinator", action)
        assert can(LOCAL, action)
    assert not can("admin", "search") and not can(None, "search") and not can("coordinator", "fly")
    with pytest.raises(PermissionDenied, match="viewer cannot remove"):
        require("viewer", "remove")
    require("coordinator", "remove")


def test_hash_and_verify() -> None:
    h = hash_password("s3cret", iterations=1000)
    scheme, iterations, salt, digest = h.split("$")
    assert (scheme, iterations) == ("pbkdf2_sha256", "1000") and len(salt) == 32 and len(digest) == 64
    assert ":" not in h and "," not in h
    assert verify_password("s3cret", h)
    assert not verify_password("S3cret", h)
    assert not verify_password("s3cret", "garbage") and not verify_password("s3cret", "md5$1$00$00")
    assert hash_password("x", iterations=1000, salt="00") == hash_password("x", iterations=1000, salt="00")
    with pytest.raises(ValueError):
        hash_password("")


def test_users_file_and_env(tmp_path: Path) -> None:
    path = users_file(tmp_path, env={})
    assert path == tmp_path / "users.json"
    assert load_users(tmp_path, env={}) == {}  # no users: local single-user mode
    assert role_of({}, None) == LOCAL
    add_user(path, "alice", "coordinator", "pw-alice-long", iterations=1000)
    add_user(path, "bob", "viewer", "pw-bob-long1", iterations=1000)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    stored = json.loads(path.read_text())
    assert stored["alice"]["role"] == "coordinator" and "pw-alice-long" not in path.read_text()
    carol = hash_password("pw-c", iterations=1000)
    users = load_users(tmp_path, env={"KB_USERS": f"carol:viewer:{carol}, bob:coordinator:{carol}"})
    assert {u: users[u].role for u in users} == {
        "alice": "coordinator",
        "bob": "coordinator",
        "carol": "viewer",
    }
    assert authenticate(users, "alice", "pw-alice-long") and not authenticate(users, "alice", "pw-bob-long1")
    assert not authenticate(users, "mallory", "pw-alice-long")
    assert role_of(users, "carol") == "viewer"
    with pytest.raises(PermissionDenied):
        role_of(users, "mallory")
    assert remove_user(path, "bob") and not remove_user(path, "bob")
    other = tmp_path / "elsewhere.json"
    add_user(other, "dora", "viewer", "pw-dora-long", iterations=1000)
    assert list(load_users(tmp_path, env={"KB_USERS_FILE": str(other)})) == ["dora"]


def test_bad_entries_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown role"):
        add_user(tmp_path / "u.json", "eve", "admin", "pw", iterations=1000)
    with pytest.raises(ValueError, match="User name"):
        add_user(tmp_path / "u.json", "../eve", "viewer", "pw", iterations=1000)
    with pytest.raises(ValueError, match="NAME:ROLE:HASH"):
        load_users(None, env={"KB_USERS": "eve-without-role"})


def test_disable_enable_reset_and_minimum_length(tmp_path: Path) -> None:
    from kb.access import MIN_PASSWORD_LENGTH, reset_password, set_disabled

    path = tmp_path / "users.json"
    with pytest.raises(ValueError, match=f"at least {MIN_PASSWORD_LENGTH} characters"):
        add_user(path, "bob", "viewer", "short", iterations=1000)
    add_user(path, "bob", "viewer", "bob-password-1", iterations=1000)
    set_disabled(path, "bob", True)
    users = load_users(tmp_path, env={})
    assert users["bob"].disabled and not authenticate(users, "bob", "bob-password-1")
    with pytest.raises(PermissionDenied, match="disabled"):
        role_of(users, "bob")
    set_disabled(path, "bob", False)
    with pytest.raises(ValueError, match="at least"):
        reset_password(path, "bob", "tiny", iterations=1000)
    reset_password(path, "bob", "bob-password-2", iterations=1000)
    users = load_users(tmp_path, env={})
    assert authenticate(users, "bob", "bob-password-2") and not authenticate(users, "bob", "bob-password-1")
    assert "bob-password" not in path.read_text()
    with pytest.raises(ValueError, match="no user"):
        set_disabled(path, "nobody", True)


def test_sign_in_throttle_per_user_and_per_address(hash_kb: object) -> None:
    from kb.access import SignInThrottle, Throttled

    now = [1000.0]
    throttle = SignInThrottle(hash_kb.catalog, limit=5, address_limit=8, window=60, lock=30,  # type: ignore[attr-defined]
                              clock=lambda: now[0])
    for _ in range(4):
        throttle.check("bob", "10.0.0.1")
        throttle.failed("bob", "10.0.0.1")
    throttle.failed("bob", "10.0.0.1")  # the fifth
    with pytest.raises(Throttled, match="Try again in 30 seconds") as locked:
        throttle.check("bob", "10.0.0.9")  # per user: from any address
    assert locked.value.wait == 30
    now[0] += 12
    with pytest.raises(Throttled, match="18 seconds"):
        throttle.check("BOB ", None)
    now[0] += 19
    throttle.check("bob", "10.0.0.1")  # the lock is over
    for name in ("a", "b", "c", "d", "e", "f", "g"):  # per address: many names from one place
        throttle.failed(name, "10.0.0.2")
    throttle.check("h", "10.0.0.2")
    throttle.failed("h", "10.0.0.2")
    with pytest.raises(Throttled):
        throttle.check("someone-else", "10.0.0.2")
    throttle.check("someone-else", "10.0.0.3")
    rows = hash_kb.catalog.db.execute("SELECT key FROM sign_in_failures").fetchall()  # type: ignore[attr-defined]
    assert all(r[0].startswith(("user:", "addr:")) for r in rows)


def test_adding_a_user_who_exists_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    from kb.access import UserExists, check_new_user, set_role

    path = tmp_path / "users.json"
    add_user(path, "dana", "viewer", "dana-password-1", iterations=1000)
    stored = path.read_text()
    with pytest.raises(UserExists, match="already a user 'dana'") as refused:
        add_user(path, "dana", "coordinator", "dana-password-2", iterations=1000)
    assert refused.value.name == "dana" and isinstance(refused.value, ValueError)  # the accounts form shows it
    with pytest.raises(UserExists):
        check_new_user(path, "dana")  # what the command line asks before prompting for a password
    assert path.read_text() == stored
    users = load_users(tmp_path, env={})
    assert users["dana"].role == "viewer" and authenticate(users, "dana", "dana-password-1")
    set_role(path, "dana", "coordinator")  # a role changes by name, the password stays
    users = load_users(tmp_path, env={})
    assert users["dana"].role == "coordinator" and authenticate(users, "dana", "dana-password-1")
    with pytest.raises(ValueError, match="unknown role"):
        set_role(path, "dana", "admin")
    with pytest.raises(ValueError, match="no user"):
        set_role(path, "nobody", "viewer")


def test_adding_a_user_configured_in_kb_users_is_refused_and_says_to_change_it_there(tmp_path: Path) -> None:
    """KB_USERS wins over the users file: a second account under its name would never sign in."""
    from kb.access import UserExists, check_new_user

    path = tmp_path / "users.json"
    env = {"KB_USERS": f"carol:viewer:{hash_password('carol-password-1', iterations=1000)}"}
    for attempt in (lambda: add_user(path, "carol", "coordinator", "carol-password-2", iterations=1000, env=env),
                    lambda: check_new_user(path, "carol", env)):
        with pytest.raises(UserExists, match="already a user 'carol', configured in KB_USERS: change") as refused:
            attempt()
        assert refused.value.in_kb_users and refused.value.name == "carol"
    assert not path.exists()  # nothing written
    add_user(path, "dana", "viewer", "dana-password-1", iterations=1000, env=env)  # other names still go in
    with pytest.raises(UserExists) as in_file:
        add_user(path, "dana", "viewer", "dana-password-2", iterations=1000, env=env)
    assert not in_file.value.in_kb_users and "reset their password" in str(in_file.value)



def _panel_with_kb_users(home: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """A KB and the page's actions, with ana (coordinator) and carol (viewer) configured in KB_USERS."""
    from kb import KnowledgeBase
    from ui.actions import Actions

    pw = hash_password("some-password-1", iterations=1000)
    monkeypatch.delenv("KB_USERS_FILE", raising=False)
    monkeypatch.setenv("KB_USERS", f"ana:coordinator:{pw},carol:viewer:{pw}")
    kb = KnowledgeBase(home, embedder="hash")
    return kb, Actions(kb, load_users(home))

def test_the_accounts_panel_refuses_a_name_taken_in_kb_users(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The web page's Accounts panel adds through the same check, reading KB_USERS from the environment."""
    from ui.actions import UiError

    home = tmp_path / "home"
    kb, act = _panel_with_kb_users(home, monkeypatch)
    try:
        with pytest.raises(UiError, match="already a user 'carol', configured in KB_USERS"):
            act.account_action("ana", "add", "carol", "coordinator", "carol-password-2")
        assert not (home / "users.json").exists()
        assert kb.log(action="user.add") == []
        act.account_action("ana", "add", "dana", "viewer", "dana-password-1")
        assert list(load_users(None, {"KB_USERS_FILE": str(home / "users.json")})) == ["dana"]
        # the panel's refusals in the reader's language (QA: kb's English on a Spanish page)
        for args, said in ((("add", "dana", "viewer", "dana-password-2"), "Ya existe un usuario «dana»"),
                           (("add", "marta", "viewer", "short"), "al menos 10 caracteres"),
                           (("reset", "nadie", "viewer", "nadie-password-1"), "No existe ningún usuario «nadie»")):
            with pytest.raises(UiError) as refused:
                act.account_action("ana", *args, lang="es")
            assert said in refused.value.text("es"), refused.value.text("es")
    finally:
        kb.close()
        act.close()


def test_the_accounts_panel_refuses_to_change_an_account_configured_in_kb_users(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """KB_USERS wins over the users file, so a change written to the file would not take effect:
    a "disabled" account could still sign in. The page refuses and says where to change it."""
    from ui.actions import UiError

    home = tmp_path / "home"
    kb, act = _panel_with_kb_users(home, monkeypatch)
    try:
        for action, role, password in (("disable", None, None), ("reset", None, "new-password-22"),
                                       ("role", "coordinator", None)):
            with pytest.raises(UiError, match="carol.*KB_USERS"):
                act.account_action("ana", action, "carol", role, password)
        assert not load_users(home)["carol"].disabled and load_users(home)["carol"].role == "viewer"
        assert not (home / "users.json").exists() and kb.log(action="user.disable") == []
        act.account_action("ana", "add", "dana", "viewer", "dana-password-1")  # a file account: changed
        act.account_action("ana", "disable", "dana")
        assert load_users(home)["dana"].disabled
    finally:
        kb.close()
        act.close()
