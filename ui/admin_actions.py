"""The coordinator's housekeeping: the trash (restore, purge), the audit trail, and the accounts
(add, disable, enable, reset a password), each checked against the caller's role (no gradio import).

Strings shown to people are collected in TEXT, one place to move into the message catalogue.
"""

from __future__ import annotations

from typing import Any

from kb.access import (
    LOCAL,
    ROLES,
    Caller,
    PermissionDenied,
    WorkspaceError,
    add_user,
    can,
    load_users,
    reset_password,
    set_disabled,
    users_file,
)
from kb.access.users import put_user
from kb.trash import TrashConflict, TrashError
from ui import render
from ui.actions_base import BaseActions, UiError, kb_thread

__all__ = ["AdminActions", "WorkspaceActions", "TEXT", "TRASH_HEADERS", "AUDIT_HEADERS", "ACCOUNT_HEADERS",
           "WORKSPACE_HEADERS"]

TEXT = {
    "coordinators_only": "Only coordinators see the trash, the audit trail and the accounts.",
    "choose_item": "Choose an item of the trash first.",
    "restored_document": "Restored “{title}” (document {id}), exactly as it was.",
    "restored_draft": "Restored the draft “{title}”.",
    "purged": "Purged “{title}” for good.",
    "no_accounts": "Accounts are off (single-user mode): add the first one with `kb user add NAME --role coordinator`.",
    "name_needed": "Give the user's name.",
    "added": "Added {name} ({role}).",
    "disabled": "Disabled {name}: they can no longer sign in; their history stays.",
    "enabled": "Enabled {name} again.",
    "reset": "Set a new password for {name}.",
    "not_yourself": "You cannot disable your own account.",
    "ws_created": "Created the workspace {name}.",
    "ws_member": "{user} is now a {role} of {name}.",
    "ws_unmember": "{user} is no longer a member of {name}.",
    "network": "The whole network (read-only)",
    "share_choose": "Choose a draft and where to share it.",
    "shared": "Shared read-only with: {where}.",
    "unshared": "No longer shared with: {where}.",
}
TRASH_HEADERS = ["kind", "id", "title", "source", "removed by", "removed at", "purged after"]
AUDIT_HEADERS = ["when (UTC)", "who", "what", "which", "detail"]
ACCOUNT_HEADERS = ["user", "role", "state"]
WORKSPACE_HEADERS = ["workspace", "members"]


class AdminActions(BaseActions):
    """What the Library's trash, audit trail and accounts sections do."""

    def _coordinator(self, user: str | None) -> str:
        role = self.role(user)
        if not can(role, "remove"):
            raise UiError(TEXT["coordinators_only"])
        return user or LOCAL

    # --- trash -------------------------------------------------------------------------------

    @kb_thread
    def trash_rows(self, user: str | None) -> tuple[list[list[Any]], list[tuple[str, str]]]:
        """(table rows, choices "kind:id") of what waits in the trash."""
        self._coordinator(user)
        items = self.kb.trash.items()
        rows = [[i.kind, i.item_id, i.title, i.source, i.removed_by, i.removed_at, i.purge_after] for i in items]
        return rows, [(f"{i.kind} {i.item_id}: {i.title}", f"{i.kind}:{i.item_id}") for i in items]

    def _item(self, choice: str | None) -> tuple[str, int]:
        kind, _, item_id = (choice or "").partition(":")
        if kind not in ("document", "draft") or not item_id.isdigit():
            raise UiError(TEXT["choose_item"])
        return kind, int(item_id)

    @kb_thread
    def restore(self, user: str | None, choice: str | None, as_copy: bool = False) -> str:
        """Restore a trashed document (exactly: same ids, same rows) or draft; a clear message when the
        document's file was added again meanwhile."""
        actor = self._coordinator(user)
        kind, item_id = self._item(choice)
        try:
            if kind == "document":
                doc = self.kb.restore(item_id, as_copy=as_copy, by=actor)
                return render.message(TEXT["restored_document"].format(title=doc.title, id=doc.id), "ok")
            item = self.kb.trash.find("draft", item_id)
            self.kb.trash.restore_draft(item_id, actor)
            return render.message(TEXT["restored_draft"].format(title=item.title if item else item_id), "ok")
        except TrashConflict as err:
            return render.message(str(err), "error")
        except TrashError as err:
            raise UiError(str(err)) from err

    @kb_thread
    def purge(self, user: str | None, choice: str | None) -> str:
        actor = self._coordinator(user)
        kind, item_id = self._item(choice)
        item = self.kb.trash.find(kind, item_id)
        if item is None:
            raise UiError(TEXT["choose_item"])
        self.kb.purge_trash([item], by=actor)
        return render.message(TEXT["purged"].format(title=item.title), "ok")

    # --- audit trail -------------------------------------------------------------------------

    @kb_thread
    def audit_rows(self, user: str | None, who: str | None = None, since: str | None = None,
                   limit: int = 500) -> list[list[Any]]:
        """The newest entries of the audit trail (newest first), optionally one user's, since a date."""
        self._coordinator(user)
        entries = self.kb.log(user=(who or "").strip() or None, since=(since or "").strip() or None, limit=limit)
        return [[e.at, e.actor, e.action, e.target,
                 "; ".join(f"{k}: {v}" for k, v in e.detail.items())] for e in reversed(entries)]

    # --- accounts ----------------------------------------------------------------------------

    def _accounts_file(self, user: str | None) -> Any:
        actor = self._coordinator(user)
        path = users_file(self.kb.settings.home)
        if self.local or path is None:
            raise UiError(TEXT["no_accounts"])
        return actor, path

    def _reload(self) -> None:
        self.users = {**self.given_users, **load_users(self.kb.settings.home)}

    @kb_thread
    def account_rows(self, user: str | None) -> list[list[Any]]:
        self._accounts_file(user)
        return [[u.name, u.role, "disabled" if u.disabled else "active"]
                for u in sorted(self.users.values(), key=lambda u: u.name)]

    @kb_thread
    def account_action(self, user: str | None, act: str, name: str, role: str | None = None,
                       password: str | None = None) -> str:
        """add / disable / enable / reset one account, recorded in the audit trail (never the password)."""
        actor, path = self._accounts_file(user)
        name = (name or "").strip()
        if not name:
            raise UiError(TEXT["name_needed"])
        if act == "disable" and name == user:
            raise UiError(TEXT["not_yourself"])
        try:
            if act != "add" and name not in load_users(None, {"KB_USERS_FILE": str(path)}) and name in self.users:
                put_user(path, self.users[name])  # configured elsewhere: the file now holds its state
            if act == "add":
                role = role if role in ROLES else "viewer"
                add_user(path, name, role, password or "")
                detail: dict[str, Any] = {"role": role}
            elif act in ("disable", "enable"):
                set_disabled(path, name, act == "disable")
                detail = {"disabled": act == "disable"}
            elif act == "reset":
                reset_password(path, name, password or "")
                detail = {"password": "reset"}
            else:
                raise UiError(f"Unknown action {act!r}.")
        except ValueError as err:  # a short password, a bad name, an unknown user
            raise UiError(str(err)) from err
        self._reload()
        self.kb.audit.record(actor, f"user.{act}", f"user {name}", detail)
        return render.message(TEXT["disabled" if act == "disable" else "enabled" if act == "enable"
                                   else "reset" if act == "reset" else "added"].format(name=name, role=role), "ok")


class WorkspaceActions(BaseActions):
    """Workspaces from the page: coordinators create them and add members; drafters share their drafts."""

    @kb_thread
    def workspace_rows(self, user: str | None) -> tuple[list[list[Any]], list[str]]:
        """(rows: name, members with roles; workspace names)."""
        self._coordinator_only(user)
        ws = self.kb.workspaces()
        places = ws.list()
        rows = [[w.name, ", ".join(f"{u} ({r})" for u, r in ws.members(w.id).items())] for w in places]
        return rows, [w.name for w in places]

    def _coordinator_only(self, user: str | None) -> str:
        if not can(self.role(user), "remove"):
            raise UiError(TEXT["coordinators_only"])
        return user or LOCAL

    @kb_thread
    def workspace_action(self, user: str | None, act: str, name: str, member: str = "", role: str = "drafter") -> str:
        """create NAME / member NAME USER ROLE / unmember NAME USER, recorded in the audit trail."""
        actor = self._coordinator_only(user)
        ws = self.kb.workspaces(actor)
        try:
            if act == "create":
                made = ws.create(name)
                return render.message(TEXT["ws_created"].format(name=made.name), "ok")
            if act == "member":
                ws.set_member(name, (member or "").strip(), role)
                return render.message(TEXT["ws_member"].format(user=member, name=name, role=role), "ok")
            if act == "unmember":
                ws.remove_member(name, (member or "").strip())
                return render.message(TEXT["ws_unmember"].format(user=member, name=name), "ok")
        except WorkspaceError as err:
            raise UiError(str(err)) from err
        raise UiError(f"Unknown action {act!r}.")

    @kb_thread
    def share_choices(self) -> list[tuple[str, str]]:
        """Where a draft can be shared read-only: the whole network, or a workspace."""
        return [(TEXT["network"], "network"), *((w.name, str(w.id)) for w in self.kb.workspaces().list())]

    @kb_thread
    def share(self, user: str | None, draft_id: int | None, target: str | None, on: bool) -> str:
        """Share a draft read-only with a workspace or the network (or stop): its drafters only."""
        self.check(user, "draft")
        if draft_id in (None, "") or not target or (target != "network" and not str(target).isdigit()):
            raise UiError(TEXT["share_choose"])
        try:
            self.kb.draft_access.require(Caller(user, self.role(user)), int(draft_id), edit=True,  # type: ignore[arg-type]
                                         what="share" if on else "unshare")
        except PermissionDenied as err:
            raise UiError(str(err)) from err
        ws = self.kb.workspaces(user or LOCAL)
        where = None if target == "network" else int(target)
        try:
            (ws.share if on else ws.unshare)(int(draft_id), where)  # type: ignore[arg-type]
        except WorkspaceError as err:
            raise UiError(str(err)) from err
        label = TEXT["network"] if where is None else ws.get(where).name
        return render.message(TEXT["shared" if on else "unshared"].format(where=label), "ok")
