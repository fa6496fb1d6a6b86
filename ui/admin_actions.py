"""The coordinator's housekeeping: the trash (restore, purge), the audit trail, the workspaces and the
accounts (add, disable, enable, reset a password); and a drafter's sharing of a draft. Each checked
against the caller's role and workspaces (no gradio import); words from the message catalogue.
"""

from __future__ import annotations

from typing import Any

from kb.access import (
    LOCAL,
    NETWORK,
    ROLES,
    PermissionDenied,
    WorkspaceError,
    add_user,
    load_users,
    reset_password,
    set_disabled,
    set_role,
    users_file,
)
from kb.access.users import MIN_PASSWORD_LENGTH, UserExists, in_kb_users, put_user
from kb.trash import TrashConflict, TrashError
from ui import render
from ui.actions_base import BaseActions, UiError, kb_thread
from ui.audit_render import audit_action, audit_detail, audit_target
from ui.i18n import Msg, t
from ui.i18n.locale import date_time

__all__ = ["AdminActions", "WorkspaceActions", "TRASH_COLUMNS", "AUDIT_COLUMNS", "ACCOUNT_COLUMNS",
           "WORKSPACE_COLUMNS", "headers"]

TRASH_COLUMNS = ("kind", "id", "title", "source", "removed_by", "removed_at", "purge_after")
AUDIT_COLUMNS = ("at", "actor", "action", "target", "detail")
ACCOUNT_COLUMNS = ("user", "role", "workspaces", "state")
WORKSPACE_COLUMNS = ("name", "members")
EXPORT_MINUTES = 15


def headers(section: str, columns: tuple[str, ...], lang: str) -> list[str]:
    """A table's column headers in the page language (`<section>.col.<column>`)."""
    return [t(lang, f"{section}.col.{c}") for c in columns]


class AdminActions(BaseActions):
    """What the Library's trash, audit trail and accounts sections do (coordinators)."""

    # --- trash -------------------------------------------------------------------------------

    @kb_thread
    def trash_rows(self, user: str | None, lang: str = "en") -> tuple[list[list[Any]], list[tuple[str, str]]]:
        """(table rows, choices "kind:id") of what waits in the trash."""
        self.coordinator(user, "trash")
        items = self.kb.trash.items()
        # a document's file; a draft has none, and the trash keeps its city there
        rows = [[t(lang, f"trash.kind.{i.kind}"), i.item_id, i.title,
                 i.source if i.kind == "document" else (t(lang, "trash.city", city=i.source) if i.source else ""),
                 i.removed_by, date_time(i.removed_at, lang), date_time(i.purge_after, lang, with_time=False)]
                for i in items]
        return rows, [(f"{t(lang, f'trash.kind.{i.kind}')} {i.item_id}: {i.title}", f"{i.kind}:{i.item_id}")
                      for i in items]

    @staticmethod
    def _item(choice: str | None) -> tuple[str, int]:
        kind, _, item_id = (choice or "").partition(":")
        if kind not in ("document", "draft") or not item_id.isdigit():
            raise UiError("error.admin.choose_item")
        return kind, int(item_id)

    @kb_thread
    def restore(self, user: str | None, choice: str | None, as_copy: bool = False, lang: str = "en") -> str:
        """Restore a trashed document (exactly: same ids, same rows) or draft; a clear message when the
        document's file was added again meanwhile (the newer copy stays)."""
        actor = self.coordinator(user, "trash_change")
        kind, item_id = self._item(choice)
        item = self.kb.trash.find(kind, item_id)
        if item is None:
            raise UiError("error.admin.choose_item")
        try:
            if kind == "document":
                doc = self.kb.restore(item_id, as_copy=as_copy, by=actor)
                return render.say(lang, "trash.restored_document", title=doc.title, id=str(doc.id), kind="ok")
            self.kb.trash.restore_draft(item_id, actor)
            return render.say(lang, "trash.restored_draft", title=item.title, kind="ok")
        except TrashConflict as err:
            return render.say(lang, "trash.conflict", source=item.source, newer=str(err.newer_id), kind="error")
        except TrashError as err:
            raise UiError("error.admin.detail", detail=str(err)) from err

    @kb_thread
    def purge(self, user: str | None, choice: str | None, confirmed: bool = False, lang: str = "en") -> str:
        """Delete a trash item for good: only with "I am sure" ticked, as removing a document needs."""
        actor = self.coordinator(user, "trash_change")
        item = self.kb.trash.find(*self._item(choice))
        if item is None:
            raise UiError("error.admin.choose_item")
        if not confirmed:
            raise UiError("error.confirm_purge")
        self.kb.purge_trash([item], by=actor)
        return render.say(lang, "trash.purged", title=item.title, kind="ok")

    # --- audit trail -------------------------------------------------------------------------

    @kb_thread
    def audit_rows(self, user: str | None, who: str | None = None, since: str | None = None,
                   limit: int = 500, lang: str = "en") -> list[list[Any]]:
        """The newest entries of the audit trail (newest first), optionally one user's, since a date."""
        self.coordinator(user, "audit")
        try:
            entries = self.kb.log(user=(who or "").strip() or None, since=(since or "").strip() or None, limit=limit)
        except ValueError as err:  # a "since" that is no date
            raise UiError("error.admin.detail", detail=str(err)) from err
        names = {w.id: w.name for w in self.kb.workspaces().list()}  # "Lyon", not the id the trail records
        return [[date_time(e.at, lang), e.actor, audit_action(e.action, lang),
                 audit_target(e.target, lang), audit_detail(e.detail, lang, e.action, names)]
                for e in reversed(entries)]

    # --- accounts ----------------------------------------------------------------------------

    def _accounts_file(self, user: str | None) -> tuple[str, Any]:
        actor = self.coordinator(user, "accounts")
        path = users_file(self.kb.settings.home)
        if self.local or path is None:
            raise UiError("error.admin.no_accounts", command="kb user add NAME --role coordinator")
        return actor, path

    @kb_thread
    def account_rows(self, user: str | None, lang: str = "en") -> list[list[Any]]:
        """Each account: its name, its role on the network, the workspaces it drafts or reads in (a
        viewer who drafts for their city read as a viewer only), whether it may sign in."""
        self._accounts_file(user)
        ws = self.kb.workspaces()
        names = {w.id: w.name for w in ws.list()}
        semicolon = t(lang, "common.semicolon")

        def places(name: str) -> str:
            return semicolon.join(f"{names[i]} ({t(lang, f'workspaces.{r}')})"
                                  for i, r in sorted(ws.memberships(name).items()) if i in names)

        return [[u.name, t(lang, f"role.{u.role}"), places(u.name),
                 t(lang, "accounts.inactive" if u.disabled else "accounts.active")]
                for u in sorted(self.users.values(), key=lambda u: u.name)]

    @kb_thread
    def account_action(self, user: str | None, act: str, name: str, role: str | None = None,
                       password: str | None = None, lang: str = "en") -> str:
        """add / disable / enable / reset / role (another role) one account, recorded in the audit trail
        (never the password)."""
        actor, path = self._accounts_file(user)
        name = (name or "").strip()
        if not name:
            raise UiError("error.admin.name_needed")
        if act == "disable" and name == user:
            raise UiError("error.admin.not_yourself")
        if act != "add" and in_kb_users(name):  # it wins over the file: a change there would not hold
            raise UiError("error.admin.in_kb_users", name=name)
        detail: dict[str, Any]
        try:
            if act != "add" and name not in load_users(None, {"KB_USERS_FILE": str(path)}) and name in self.users:
                put_user(path, self.users[name])  # configured elsewhere: the file now holds its state
            if act == "add":
                role = role if role in ROLES else "viewer"
                add_user(path, name, role, password or "")
                detail = {"role": role}
            elif act in ("disable", "enable"):
                set_disabled(path, name, act == "disable")
                detail = {"disabled": act == "disable"}
            elif act == "reset":
                reset_password(path, name, password or "")
                detail = {"password": "reset"}
            elif act == "role":
                before = self.users[name].role if name in self.users else None
                role = role if role in ROLES else "viewer"
                if before == role:
                    return render.say(lang, "accounts.role_same", name=name, role=Msg(f"role.{role}"), kind="info")
                set_role(path, name, role)
                detail = {"before": before, "after": role}
            else:
                raise UiError("error.unknown_action", action=str(act))
        except ValueError as err:  # a short password, a bad name, an unknown user (kb.access.users)
            raise _account_refusal(err, name) from err
        self.users = {**self.given_users, **load_users(self.kb.settings.home)}
        self.kb.audit.record(actor, f"user.{act}", f"user {name}", detail)
        key = {"add": "accounts.added", "disable": "accounts.disabled", "enable": "accounts.enabled",
               "reset": "accounts.reset_done", "role": "accounts.role_done"}[act]
        return render.say(lang, key, name=name, role=Msg(f"role.{role}"), kind="ok")


class WorkspaceActions(BaseActions):
    """Workspaces from the page: coordinators create them and add members; drafters share their drafts."""

    @kb_thread
    def workspace_rows(self, user: str | None, lang: str = "en") -> tuple[list[list[Any]], list[str]]:
        """(rows: name, members with their role; workspace names)."""
        self.coordinator(user, "workspaces")
        ws = self.kb.workspaces()
        places = ws.list()
        rows = [[w.name, ", ".join(f"{u} ({t(lang, f'workspaces.{r}')})" for u, r in ws.members(w.id).items())]
                for w in places]
        return rows, [w.name for w in places]

    @kb_thread
    def workspace_action(self, user: str | None, act: str, name: str, member: str = "", role: str = "drafter",
                         lang: str = "en") -> str:
        """create NAME / member NAME USER ROLE / unmember NAME USER, each recorded in the audit trail."""
        self.coordinator(user, "workspaces")
        ws = self.kb.workspaces(user or LOCAL, users=lambda: self.users)  # only accounts can be members
        member = (member or "").strip()
        try:
            if act == "create":
                return render.say(lang, "workspaces.created", name=ws.create(name).name, kind="ok")
            if act == "member":
                ws.set_member(name, member, role)
                return render.say(lang, "workspaces.member_set", user=member, name=name,
                                        role=Msg(f"workspaces.{role}"), kind="ok")
            if act == "unmember":
                ws.remove_member(name, member)
                return render.say(lang, "workspaces.member_removed", user=member, name=name, kind="ok")
        except WorkspaceError as err:
            raise UiError("error.admin.detail", detail=str(err)) from err
        raise UiError("error.unknown_action", action=str(act))

    @kb_thread
    def share_choices(self, lang: str = "en", draft_id: Any = None) -> list[tuple[str, str]]:
        """Where a draft can be shared read-only: the whole network, or another workspace (not its own,
        which it was offered), each it is shared with already marked so."""
        ws = self.kb.workspaces()
        draft = int(draft_id) if draft_id not in (None, "") and str(draft_id).isdigit() else None
        own = ws.workspace_of(draft) if draft is not None else None
        now = set(ws.shares(draft)) if draft is not None else set()

        def said(where: str, target: int) -> str:
            return t(lang, "share.now", where=where) if target in now else where

        return [(said(t(lang, "share.network"), NETWORK), "network"),
                *((said(w.name, w.id), str(w.id)) for w in ws.list() if w.id != own)]

    @kb_thread
    def share(self, user: str | None, draft_id: Any, target: str | None, on: bool, lang: str = "en") -> str:
        """Share a draft read-only with a workspace or the network, or stop: its drafters only."""
        self.check(user, "draft")
        if draft_id in (None, "") or not target or (target != "network" and not str(target).isdigit()):
            raise UiError("error.admin.share_choose")
        self.require_draft(user, draft_id, edit=True, what="share" if on else "unshare")
        ws = self.kb.workspaces(user or LOCAL)
        where = None if target == "network" else int(target)
        try:
            (ws.share if on else ws.unshare)(int(draft_id), where)
            label = t(lang, "share.network") if where is None else ws.get(where).name
        except (WorkspaceError, PermissionDenied) as err:
            raise UiError("error.admin.detail", detail=str(err)) from err
        return render.say(lang, "share.shared" if on else "share.unshared", where=label, kind="ok")


def _account_refusal(err: ValueError, name: str) -> UiError:
    """Why kb.access refused an account change, in the reader's language (it showed kb's English)."""
    text = str(err)
    if isinstance(err, UserExists) and not err.in_kb_users:
        return UiError("error.admin.user_exists", name=name)
    if text.startswith("Use a password of at least"):
        return UiError("error.admin.password_short", n=MIN_PASSWORD_LENGTH)
    if text.startswith("There is no user"):
        return UiError("error.admin.no_user", name=name)
    if text.startswith("User name") and "use letters, digits" in text:
        return UiError("error.admin.bad_name", name=name)
    return UiError("error.admin.detail", detail=text)
