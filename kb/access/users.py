"""Who the users are: accounts with a role, their password hashes, and the users file.

Users come from `$KB_HOME/users.json` (or the file in `KB_USERS_FILE`) and from `KB_USERS`
("alice:coordinator:<hash>,bob:viewer:<hash>"); passwords are stored only as PBKDF2-SHA256 hashes.
With no users configured the KB runs in local single-user mode (`kb.access.roles.LOCAL`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kb.access.roles import LOCAL, ROLES, PermissionDenied

__all__ = [
    "DEFAULT_ITERATIONS",
    "User",
    "UserExists",
    "hash_password",
    "verify_password",
    "users_file",
    "load_users",
    "authenticate",
    "role_of",
    "add_user",
    "remove_user",
    "set_disabled",
    "set_role",
    "put_user",
    "in_kb_users",
    "check_new_user",
    "reset_password",
    "check_password",
    "MIN_PASSWORD_LENGTH",
]

MIN_PASSWORD_LENGTH = 10

# OWASP's 2023 advice is 600k; 310k keeps a login under ~0.3 s on a small server.
DEFAULT_ITERATIONS = 310_000


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str
    disabled: bool = False  # kept (with its history) but cannot sign in or act


class UserExists(ValueError):
    """Adding a user under a name already taken: adding never replaces an account (its password or role).

    `in_kb_users` says the name is configured in `KB_USERS`: it wins over the users file, so that account
    is changed there, not in the file.
    """

    def __init__(self, name: str, *, in_kb_users: bool = False) -> None:
        how = (", configured in KB_USERS: change their password or role there" if in_kb_users
               else ": reset their password or change their role instead")
        super().__init__(f"There is already a user {name!r}{how}; nothing was changed.")
        self.name = name
        self.in_kb_users = in_kb_users


def check_password(password: str) -> None:
    """Raise ValueError unless the password is long enough (MIN_PASSWORD_LENGTH characters)."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValueError(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.")


def hash_password(password: str, *, iterations: int = DEFAULT_ITERATIONS, salt: str | None = None) -> str:
    """Hash a password as `pbkdf2_sha256$iterations$salt$hash` (hex salt and hash).

    Args:
        password: the plain password.
        iterations: PBKDF2 rounds (tests may pass fewer).
        salt: hex salt; random when None.

    Returns:
        The encoded hash, safe to store in users.json or KB_USERS (no ':' or ',').
    """
    if not password:
        raise ValueError("A password cannot be empty.")
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt), iterations)
    return f"pbkdf2_sha256${iterations}${salt}${digest.hex()}"


def verify_password(password: str, encoded: str) -> bool:
    """Check a password against an encoded hash in constant time; malformed hashes never match."""
    try:
        scheme, iterations, salt, expected = encoded.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), expected)


def users_file(home: str | Path | None, env: Mapping[str, str] | None = None) -> Path | None:
    """The users file: `KB_USERS_FILE` if set, else `<home>/users.json` (None without a home)."""
    env = os.environ if env is None else env
    if env.get("KB_USERS_FILE"):
        return Path(env["KB_USERS_FILE"]).expanduser()
    return Path(home) / "users.json" if home else None


def _check_role(name: str, role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"User {name!r}: unknown role {role!r}; use one of: {', '.join(ROLES)}.")


def load_users(home: str | Path | None = None, env: Mapping[str, str] | None = None) -> dict[str, User]:
    """Users from the users file and then `KB_USERS` (which wins on a repeated name).

    Returns:
        {name: User}; empty means local single-user mode. Raises ValueError on a malformed entry.
    """
    env = os.environ if env is None else env
    users: dict[str, User] = {}
    path = users_file(home, env)
    if path and path.exists():
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
        for name, entry in data.items():
            role, pw = str(entry.get("role", "")), str(entry.get("password", ""))
            _check_role(name, role)
            users[name] = User(name, role, pw, bool(entry.get("disabled", False)))
    users.update(_env_users(env))
    return users


def in_kb_users(name: str, env: Mapping[str, str] | None = None) -> bool:
    """Whether `name` is configured in `KB_USERS` (default: the process environment). Such an account
    wins over the users file, so it can only be changed where it is configured."""
    return name in _env_users(os.environ if env is None else env)


def _env_users(env: Mapping[str, str]) -> dict[str, User]:
    """Users configured in `KB_USERS` ("NAME:ROLE:HASH,..."); raises ValueError on a malformed entry."""
    users: dict[str, User] = {}
    for part in (env.get("KB_USERS") or "").split(","):
        if not part.strip():
            continue
        fields = part.strip().split(":", 2)
        if len(fields) != 3:
            raise ValueError("KB_USERS entries are NAME:ROLE:HASH separated by commas.")
        name, role, pw = fields
        _check_role(name, role)
        users[name] = User(name, role, pw)
    return users


def authenticate(users: Mapping[str, User], name: str, password: str) -> bool:
    """Whether `name` is an enabled user and `password` is theirs."""
    user = users.get(name)
    return user is not None and not user.disabled and verify_password(password, user.password_hash)


def role_of(users: Mapping[str, User], name: str | None) -> str:
    """The role of a signed-in user; LOCAL when no users are configured.

    Raises PermissionDenied for an unknown name while users are configured.
    """
    if not users:
        return LOCAL
    user = users.get(name or "")
    if user is None:
        raise PermissionDenied("Not signed in: sign in with a user name from the users file.")
    if user.disabled:
        raise PermissionDenied("This account is disabled; ask a coordinator.")
    return user.role


def _write_users(path: Path, users: Mapping[str, User]) -> None:
    data = {
        u.name: {"role": u.role, "password": u.password_hash, **({"disabled": True} if u.disabled else {})}
        for u in sorted(users.values(), key=lambda u: u.name)
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    # Created owner-only: the file holds password hashes.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def _file_users(path: Path) -> dict[str, User]:
    return load_users(None, {"KB_USERS_FILE": str(path)})


def check_new_user(path: str | Path, name: str, env: Mapping[str, str] | None = None) -> None:
    """Raise ValueError unless `name` is a valid user name not yet taken, so a caller can refuse before
    asking for a password.

    Taken means among the users the KB loads: the users file, and `KB_USERS` (from `env`, default the
    process environment). A second account under a KB_USERS name would be shadowed by it, its password
    never working; UserExists says which.
    """
    if not name or not all(c.isalnum() or c in "._-" for c in name):
        raise ValueError(f"User name {name!r}: use letters, digits, '.', '_' or '-'.")
    if in_kb_users(name, env):
        raise UserExists(name, in_kb_users=True)
    if name in _file_users(Path(path)):
        raise UserExists(name)


def add_user(
    path: str | Path, name: str, role: str, password: str, *, iterations: int = DEFAULT_ITERATIONS,
    env: Mapping[str, str] | None = None,
) -> User:
    """Add a new user to a users file (for `kb user add NAME --role R`, the accounts form).

    An existing name is refused (UserExists), never replaced: a typo or a second coordinator's form
    must not silently take over someone's account; `reset_password` and `set_role` change one.

    Args:
        path: the users file (see `users_file`).
        name: user name (letters, digits, `._-`), not yet in the file nor in `KB_USERS`.
        role: "viewer" or "coordinator".
        password: the plain password; only its hash is stored.
        env: where `KB_USERS` is read (default the process environment).

    Returns:
        The stored User.
    """
    path = Path(path)
    check_new_user(path, name, env)
    _check_role(name, role)
    check_password(password)
    users = _file_users(path)
    users[name] = User(name, role, hash_password(password, iterations=iterations))
    _write_users(path, users)
    return users[name]


def remove_user(path: str | Path, name: str) -> bool:
    """Remove a user from a users file. Returns whether it was there."""
    path = Path(path)
    users = _file_users(path)
    if users.pop(name, None) is None:
        return False
    _write_users(path, users)
    return True


def _replace(path: str | Path, name: str, **changes: object) -> User:
    from dataclasses import replace

    path = Path(path)
    users = _file_users(path)
    if name not in users:
        raise ValueError(f"There is no user {name!r} in the users file.")
    users[name] = replace(users[name], **changes)  # type: ignore[arg-type]
    _write_users(path, users)
    return users[name]


def put_user(path: str | Path, user: User) -> User:
    """Write a user as it is (its hash kept) into a users file: an account given to the app in code
    (a test's users) whose state is then changed from the page. Not for `KB_USERS` accounts, which
    win over the file (`in_kb_users`)."""
    path = Path(path)
    users = _file_users(path)
    users[user.name] = user
    _write_users(path, users)
    return user


def set_disabled(path: str | Path, name: str, disabled: bool) -> User:
    """Disable a user (they can no longer sign in or act; their history stays) or enable them again."""
    return _replace(path, name, disabled=disabled)


def set_role(path: str | Path, name: str, role: str) -> User:
    """Give a user another role ("viewer" or "coordinator"); their password and state stay."""
    _check_role(name, role)
    return _replace(path, name, role=role)


def reset_password(path: str | Path, name: str, password: str, *, iterations: int = DEFAULT_ITERATIONS) -> User:
    """Give a user a new password (checked for length; only its hash is stored)."""
    check_password(password)
    return _replace(path, name, password_hash=hash_password(password, iterations=iterations))
