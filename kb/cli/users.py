"""`kb user`: web UI accounts (add, remove, list, disable, enable, reset a password), each recorded in
the audit trail (never the password)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kb.settings import Settings

__all__ = ["run_user", "record_user_change"]


def run_user(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `kb user` action; returns the exit status."""
    import getpass

    from kb.access import users as roles

    path = roles.users_file(settings.home)
    assert path is not None
    if args.action == "list":
        for user in roles.load_users(settings.home).values():
            print(f"{user.name}\t{user.role}" + ("\tdisabled" if user.disabled else ""))
        return 0
    if not args.name:
        print("kb: give a user name", file=sys.stderr)
        return 2
    try:
        if args.action == "remove":
            if not roles.remove_user(path, args.name):
                return 1
            detail: dict[str, Any] = {}
        elif args.action in ("disable", "enable"):
            roles.set_disabled(path, args.name, args.action == "disable")
            detail = {"disabled": args.action == "disable"}
        else:
            password = args.password or getpass.getpass(f"Password for {args.name}: ")
            if args.action == "reset":
                roles.reset_password(path, args.name, password)
                detail = {"password": "reset"}
            else:
                roles.add_user(path, args.name, args.role, password)
                detail = {"role": args.role}
    except ValueError as err:  # a short password, an unknown user or role
        print(f"kb: {err}", file=sys.stderr)
        return 2
    record_user_change(settings, args.action, args.name, detail)
    print(f"{args.name}: {args.action} done ({path})")
    return 0


def record_user_change(settings: Settings, action: str, name: str, detail: dict[str, Any]) -> None:
    """A user change in the audit trail (never a password: kb.audit hides that key)."""
    from kb.audit import AuditTrail, actor_of
    from kb.store.catalog import Catalog

    catalog = Catalog(settings.catalog_path)
    try:
        AuditTrail(catalog).record(actor_of(None), f"user.{action}", f"user {name}", detail)
    finally:
        catalog.close()
