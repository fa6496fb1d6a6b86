"""What every group of the UI's operations shares: the roles, and a refusal to show.

Handlers run on Gradio's threads, many at once: the KB itself keeps reads consistent and writes one at a
time (`kb.serving`), so no lock is needed here.

`ui.actions.Actions` (search and drafting) and `ui.library_actions.LibraryActions` (the Library and
Add documents tabs) build on `BaseActions`; no gradio import here either.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from kb import METADATA_FIELDS
from kb.access import (
    LOCAL,
    ROLES,
    Caller,
    ExportShelf,
    PermissionDenied,
    SignInThrottle,
    Ticket,
    User,
    can,
    load_users,
    role_of,
    users_file,
)
from kb.directory import may_edit
from ui import render
from ui.i18n import Msg

if TYPE_CHECKING:
    from kb.knowledge_base import KnowledgeBase

__all__ = ["BaseActions", "UiError", "kb_thread", "clean_form", "META_FIELDS", "BATCH_FIELDS"]

T = TypeVar("T")


def kb_thread(method: Callable[..., T]) -> Callable[..., T]:
    """Marks an operation that calls the KB. It once ran every such call on one thread; now the KB
    itself lets reads run together and keeps writes one at a time (`kb.serving`), so it runs on the
    handler's own thread. Kept as a marker so the operations read as before."""
    return method

# Metadata form fields, in order: every field coordinators set (kb.METADATA_FIELDS, declared once in
# ingest.schema); values are strings from the form ("" = not set).
META_FIELDS = tuple(f.name for f in METADATA_FIELDS if f.editable)
# The Add documents form's fields: set for a whole batch of files; a title only for a batch of one
# (several files each keep their own: `LibraryActions.add` refuses one title for many).
BATCH_FIELDS = META_FIELDS


class UiError(Exception):
    """A refusal or a failure to show to the person, as a message key of `ui.i18n` and its values.

    `str(err)` is the English text (for logs and API callers); the page shows `err.text(lang)`.
    """

    def __init__(self, key: str, **params: Any) -> None:
        self.msgs = [Msg(key, **params)]
        super().__init__(str(self.msgs[0]))

    @classmethod
    def every(cls, msgs: Sequence[Msg]) -> UiError:
        """One refusal naming several problems at once (each field of a form that is wrong)."""
        err = cls(msgs[0].key, **msgs[0].params)
        err.msgs = list(msgs)
        err.args = (" ".join(str(m) for m in msgs),)
        return err

    @property
    def msg(self) -> Msg:
        return self.msgs[0]

    def text(self, lang: str | None) -> str:
        return " ".join(m.text(lang) for m in self.msgs)


# An empty number box arrives from the browser as 0, and no document is from the year 0.
_YEAR_KEYS = {key for f in METADATA_FIELDS if f.kind == "year" for key in (f.name, f"{f.name}_min", f"{f.name}_max")}


def clean_form(values: Mapping[str, Any]) -> dict[str, Any]:
    """Form values without the empty ones (so they do not override manifest or sidecar values)."""
    out = {}
    for key, value in values.items():
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "", []) or (key in _YEAR_KEYS and value == 0):
            continue
        out[key] = value
    return out


class BaseActions:
    """The role checks every operation goes through.

    Args:
        kb: the open KnowledgeBase.
        users: configured users ({} = local single-user mode).
        jobs: where uploads are prepared: "process" (a niced worker process: the web server),
            "inline" (a thread of this process), or "ray:ADDRESS".
        wait_for_jobs: `add` returns only when its job has ended (tests; the page never waits).
    """

    def __init__(self, kb: KnowledgeBase, users: Mapping[str, User], *, jobs: str = "inline",
                 wait_for_jobs: bool = False) -> None:
        self.kb = kb
        self._users = dict(users)
        self._users_seen = self._users_file_state()
        self.wait_for_jobs = wait_for_jobs
        # runs upload jobs in the background; started now, so jobs a stopped server left resume
        self.jobs_worker = kb.worker(jobs)
        self.jobs_worker.start()
        self.given_users = dict(users)  # as configured at start; accounts changed from the page go to the file

    @property
    def users(self) -> dict[str, User]:
        """The accounts, read again when the users file changed (`kb user disable` while the server
        runs: the account was still let in until an account was changed from the page). A server
        started without accounts stays in single-user mode until it is restarted."""
        state = self._users_file_state()
        if self._users and state != self._users_seen:
            try:
                self._users = {**self.given_users, **load_users(self.kb.settings.home)}
            except (OSError, ValueError):  # caught mid-write, or malformed: keep what was read before
                return self._users
            self._users_seen = state
        return self._users

    @users.setter
    def users(self, value: Mapping[str, User]) -> None:
        self._users = dict(value)
        self._users_seen = self._users_file_state()

    def _users_file_state(self) -> tuple[int, int] | None:
        """The users file's modification time and size, None when there is none."""
        path = users_file(self.kb.settings.home)
        try:
            stat = path.stat() if path is not None else None
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size) if stat is not None else None

    def on_kb(self, fn: Callable[[], T]) -> T:
        """Run `fn` (here: the KB is safe to call from any thread, see `kb_thread`)."""
        return fn()

    def close(self) -> None:
        """Stop the job worker (its job resumes at the next start, from the file it was on)."""
        self.jobs_worker.stop()

    def role(self, user: str | None) -> str:
        try:
            return role_of(self.users, user)
        except PermissionDenied as err:
            known = self.users.get(user or "")
            raise UiError("error.account_disabled" if known and known.disabled else "error.not_signed_in") from err

    def check(self, user: str | None, action: str) -> str:
        """The caller's role, or UiError when it does not allow `action` (the rule is `kb.access`)."""
        role = self.role(user)
        if not can(role, action):
            self.refused(user, role, "edit documents" if action == "edit" else action)
            who = Msg(f"role.a.{role}") if role in ROLES else Msg("role.a.unknown")
            raise UiError(f"error.denied.{action}", who=who)
        return role

    def coordinator(self, user: str | None, asked: str) -> str:
        """The acting user when a coordinator; otherwise the refusal is recorded with what was `asked`
        (trash, trash_change, audit, accounts, workspaces: the trail says which section was tried)."""
        role = self.role(user)
        if not can(role, "remove"):
            self.refused(user, role, asked)
            raise UiError("error.admin.coordinators_only")
        return user or LOCAL

    def refused(self, user: str | None, role: str, asked: str) -> None:
        """Record a request the caller's role does not allow (with accounts only), as a draft's refusals
        are (kb.access.policy): a viewer calling the coordinators' operations over the API left no trace."""
        if self.users:
            self.kb.audit.record(user or "anonymous", "refused", "", {"asked": asked, "role": role})

    @property
    def local(self) -> bool:
        return not self.users

    @kb_thread
    def banner(self, user: str | None, lang: str = "en") -> str:
        """Who is signed in and what they may do, down to the workspaces they draft in or only read."""
        if not self.users:
            return render.banner(LOCAL, user, lang)
        role = self.role(user)
        names = {ws.id: ws.name for ws in self.kb.workspaces().list()}
        held = self.kb.workspaces().memberships(user)
        drafts = sorted(names[w] for w, r in held.items() if r == "drafter" and w in names)
        reads = sorted(names[w] for w, r in held.items() if r != "drafter" and w in names)
        return render.banner(role, user, lang, drafts=drafts, reads=reads)

    @property
    def exports_dir(self) -> Path:
        """Where exports are written (drafts' and the manifest each in a private folder, see `shelf`)."""
        return self.kb.settings.home / "exports"

    @functools.cached_property
    def shelf(self) -> ExportShelf:
        """Exports made for one person each, fetched through `ui.gate` until they expire."""
        return ExportShelf(self.exports_dir)

    @functools.cached_property
    def throttle(self) -> SignInThrottle:
        """Failed sign-ins per user name and address (used on the KB thread)."""
        return SignInThrottle(self.kb.catalog)

    def owner(self, user: str | None) -> str:
        """Whom an export is for: the signed-in user, or "local" in single-user mode."""
        return user or LOCAL

    @staticmethod
    def export_url(ticket: Ticket) -> str:
        """The private address of an export (served by `ui.gate`)."""
        return f"/kb/export/{ticket.token}/{quote(ticket.name)}"

    # --- workspaces: who may see and change which draft (kb.access.policy) -----------------------

    def caller(self, user: str | None) -> Caller:
        return Caller(user, self.role(user))

    def require_draft(self, user: str | None, draft_id: Any, *, edit: bool, what: str) -> None:
        """UiError (and a recorded refusal) unless the caller's workspaces allow this on the draft."""
        if draft_id in (None, "") or not str(draft_id).isdigit():
            return  # no draft chosen: the action says so itself
        try:
            self.kb.draft_access.require(self.caller(user), int(draft_id), edit=edit, what=what)
        except PermissionDenied as err:
            if "read-only" not in str(err):
                gone = self._deleted_draft(user, int(draft_id))
                if gone is not None:  # a colleague deleted it while this page had it open (QA pass 13)
                    raise UiError("error.workspace.deleted", title=gone.title, by=gone.removed_by) from err
                raise UiError("error.workspace.not_yours", id=str(draft_id)) from err
            draft = self.kb.drafts.get(int(draft_id))
            raise UiError("error.workspace.read_only", title=draft.title if draft else str(draft_id)) from err

    def _deleted_draft(self, user: str | None, draft_id: int) -> Any:
        """The trash's record of draft `draft_id` when it was one of the caller's workspaces' (or the
        caller coordinates, or works alone); None otherwise, so that no one learns of others' drafts."""
        item = self.kb.trash.find("draft", draft_id)
        if item is None:
            return None
        if self.local or can(self.role(user), "remove"):
            return item
        return item if item.workspace_id in self.kb.workspaces().memberships(user or "") else None

    def may_change_draft(self, user: str | None, draft_id: Any) -> bool:
        """Whether this reader may change the working draft `draft_id` (none chosen: no): its note,
        rename, delete, share and city-profile controls are shown only then (a draft shared for
        reading showed them, and each only refused)."""
        if draft_id in (None, "") or not str(draft_id).isdigit() or not can(self.role(user), "draft"):
            return False
        return self.kb.draft_access.can_edit(self.caller(user), int(draft_id))

    def may_edit_directory(self, user: str | None, role: str, draft_id: int | None) -> bool:
        """The directory rule (kb.directory.access) narrowed to the draft's workspace (kb.access.policy)."""
        if not may_edit(role, draft_id):
            return False
        return draft_id is None or self.kb.draft_access.can_edit_directory(Caller(user, role), int(draft_id))
