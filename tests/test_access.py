"""Role rules, password hashing and the users file/env, without a browser."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

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
    add_user(path, "alice", "coordinator", "pw-a", iterations=1000)
    add_user(path, "bob", "viewer", "pw-b", iterations=1000)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    stored = json.loads(path.read_text())
    assert stored["alice"]["role"] == "coordinator" and "pw-a" not in path.read_text()
    carol = hash_password("pw-c", iterations=1000)
    users = load_users(tmp_path, env={"KB_USERS": f"carol:viewer:{carol}, bob:coordinator:{carol}"})
    assert {u: users[u].role for u in users} == {
        "alice": "coordinator",
        "bob": "coordinator",
        "carol": "viewer",
    }
    assert authenticate(users, "alice", "pw-a") and not authenticate(users, "alice", "pw-b")
    assert not authenticate(users, "mallory", "pw-a")
    assert role_of(users, "carol") == "viewer"
    with pytest.raises(PermissionDenied):
        role_of(users, "mallory")
    assert remove_user(path, "bob") and not remove_user(path, "bob")
    other = tmp_path / "elsewhere.json"
    add_user(other, "dora", "viewer", "pw", iterations=1000)
    assert list(load_users(tmp_path, env={"KB_USERS_FILE": str(other)})) == ["dora"]


def test_bad_entries_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown role"):
        add_user(tmp_path / "u.json", "eve", "admin", "pw", iterations=1000)
    with pytest.raises(ValueError, match="User name"):
        add_user(tmp_path / "u.json", "../eve", "viewer", "pw", iterations=1000)
    with pytest.raises(ValueError, match="NAME:ROLE:HASH"):
        load_users(None, env={"KB_USERS": "eve-without-role"})
