"""Access: who the users are (accounts, password hashes, the users file), what each role may do, and
the workspaces (members, shared drafts) that decide who sees and changes which draft."""

from __future__ import annotations

from kb.access.policy import Caller, DraftAccess
from kb.access.roles import ACTIONS, LOCAL, ROLES, PermissionDenied, can, require
from kb.access.shelf import ExportShelf, Ticket
from kb.access.throttle import SignInThrottle, Throttled
from kb.access.users import (
    DEFAULT_ITERATIONS,
    MIN_PASSWORD_LENGTH,
    User,
    UserExists,
    add_user,
    authenticate,
    check_new_user,
    check_password,
    hash_password,
    load_users,
    remove_user,
    reset_password,
    role_of,
    set_disabled,
    set_role,
    users_file,
    verify_password,
)
from kb.access.workspaces import MEMBER_ROLES, NETWORK, Workspace, WorkspaceError, Workspaces

__all__ = [
    "Caller",
    "DraftAccess",
    "Workspace",
    "Workspaces",
    "WorkspaceError",
    "MEMBER_ROLES",
    "NETWORK",
    "ROLES",
    "ACTIONS",
    "LOCAL",
    "PermissionDenied",
    "can",
    "require",
    "DEFAULT_ITERATIONS",
    "MIN_PASSWORD_LENGTH",
    "check_password",
    "reset_password",
    "set_disabled",
    "set_role",
    "check_new_user",
    "UserExists",
    "ExportShelf",
    "Ticket",
    "SignInThrottle",
    "Throttled",
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
