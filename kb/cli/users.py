"""`kb user`: web UI accounts (add, remove, list, disable, enable, reset a password, change a role), each
recorded in the audit trail (never the password)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kb.access.users import UserExists
from kb.settings import Settings

__all__ = ["run_user", "record_user_change"]


def run_user(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `kb user` action; returns the exit status."""
    from kb.access import users as roles

    path = roles.users_file(settings.home)
    assert path is not None
    if args.action == "list":
        return _list(settings)
    if not args.name:
        print("kb: give a user name", file=sys.stderr)
        return 2
    if args.action != "add" and roles.in_kb_users(args.name):  # it wins over the file this command writes
        print(f"kb: {args.name} is configured in the KB_USERS environment variable: change or remove them "
              "there; nothing was changed", file=sys.stderr)
        return 2
    try:
        detail = _change(args, path)
    except UserExists as err:
        print(f"kb: {_exists(err)}; nothing was changed", file=sys.stderr)
        return 2
    except ValueError as err:  # a short password, an unknown user or role
        print(f"kb: {err}", file=sys.stderr)
        return 2
    if detail is None:
        return 0
    record_user_change(settings, args.action, args.name, detail)
    print(f"{args.name}: {args.action} done ({path})")
    return 0


def _exists(err: UserExists) -> str:
    """How to change the account that is already there: a KB_USERS one only in KB_USERS, which wins
    over the users file that `kb user reset` and `kb user role` write."""
    name = err.name
    if err.in_kb_users:
        return (f"{name} already exists, configured in the KB_USERS environment variable: change their "
                "password or role there")
    return (f"{name} already exists; use `kb user reset {name}` (a new password) or "
            f"`kb user role {name} --role ROLE` (another role)")


def _list(settings: Settings) -> int:
    from kb.access.users import load_users

    users = load_users(settings.home).values()
    for user in users:
        print(f"{user.name}\t{user.role}" + ("\tdisabled" if user.disabled else ""))
    if not users:  # an empty list is a mode, not nothing: say which
        print("No users configured: the knowledge base runs in single-user mode (the web UI asks no one to "
              "sign in); `kb user add NAME --role coordinator` adds the first account")
    return 0


def _change(args: argparse.Namespace, path: Path) -> dict[str, Any] | None:
    """Make the change; returns what the audit trail records (None: nothing changed, already said why).
    Raises ValueError (UserExists, an unknown user, a short password)."""
    import getpass

    from kb.access import users as roles

    name = args.name
    if args.action == "remove":
        if not roles.remove_user(path, name):
            raise ValueError(f"There is no user {name!r} in the users file.")
        return {}
    if args.action in ("disable", "enable"):
        roles.set_disabled(path, name, args.action == "disable")
        return {"disabled": args.action == "disable"}
    if args.action == "role":
        return _set_role(path, name, args.role)
    if args.action == "add":
        roles.check_new_user(path, name)  # before asking for a password that would not be used
    password = args.password or getpass.getpass(f"Password for {name}: ")
    if args.action == "reset":
        roles.reset_password(path, name, password)
        return {"password": "reset"}
    role = args.role or "viewer"
    roles.add_user(path, name, role, password)
    return {"role": role}


def _set_role(path: Path, name: str, role: str | None) -> dict[str, Any] | None:
    from kb.access import users as roles

    if role is None:
        raise ValueError(f"Give the new role: kb user role {name} --role viewer|coordinator")
    before = roles.load_users(None, {"KB_USERS_FILE": str(path)}).get(name)
    if before is not None and before.role == role:
        print(f"{name} already is a {role}; nothing changed")
        return None
    roles.set_role(path, name, role)
    return {"before": before.role if before else None, "after": role}


def record_user_change(settings: Settings, action: str, name: str, detail: dict[str, Any]) -> None:
    """A user change in the audit trail (never a password: kb.audit hides that key)."""
    from kb.audit import AuditTrail, actor_of
    from kb.store.catalog import Catalog

    catalog = Catalog(settings.catalog_path)
    try:
        AuditTrail(catalog).record(actor_of(None), f"user.{action}", f"user {name}", detail)
    finally:
        catalog.close()
