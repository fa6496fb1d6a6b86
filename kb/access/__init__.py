"""Access: who the users are (accounts, password hashes, the users file) and what each role may do."""

from __future__ import annotations

from kb.access.roles import ACTIONS, LOCAL, ROLES, PermissionDenied, can, require
from kb.access.users import (
    DEFAULT_ITERATIONS,
    User,
    add_user,
    authenticate,
    hash_password,
    load_users,
    remove_user,
    role_of,
    users_file,
    verify_password,
)

__all__ = [
    "ROLES",
    "ACTIONS",
    "LOCAL",
    "PermissionDenied",
    "can",
    "require",
    "DEFAULT_ITERATIONS",
    "User",
    "hash_password",
    "verify_password",
    "users_file",
    "load_users",
    "authenticate",
    "role_of",
    "add_user",
    "remove_user",
]
