"""What every group of the UI's operations shares: the KB thread, the roles, and a refusal to show.

`ui.actions.Actions` (search and drafting) and `ui.library_actions.LibraryActions` (the Library and
Add documents tabs) build on `BaseActions`; no gradio import here either.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kb import METADATA_FIELDS
from kb.access import LOCAL, ROLES, PermissionDenied, User, can, role_of
from ui import render
from ui.i18n import Msg

if TYPE_CHECKING:
    from kb.knowledge_base import KnowledgeBase

__all__ = ["BaseActions", "UiError", "kb_thread", "clean_form", "META_FIELDS", "BATCH_FIELDS"]

T = TypeVar("T")

# Metadata form fields, in order: every field coordinators set (kb.METADATA_FIELDS, declared once in
# ingest.schema); values are strings from the form ("" = not set).
META_FIELDS = tuple(f.name for f in METADATA_FIELDS if f.editable)
# The Add documents form's fields: set for a whole batch of files, each of which keeps its own title.
BATCH_FIELDS = tuple(name for name in META_FIELDS if name != "title")


def kb_thread(method: Callable[..., T]) -> Callable[..., T]:
    """Run a method of the UI's operations on the KB thread (see `BaseActions.on_kb`)."""

    @functools.wraps(method)
    def run(self: BaseActions, *args: Any, **kwargs: Any) -> T:
        return self.on_kb(lambda: method(self, *args, **kwargs))

    return run


class UiError(Exception):
    """A refusal or a failure to show to the person, as a message key of `ui.i18n` and its values.

    `str(err)` is the English text (for logs and API callers); the page shows `err.text(lang)`.
    """

    def __init__(self, key: str, **params: Any) -> None:
        self.msg = Msg(key, **params)
        super().__init__(str(self.msg))

    def text(self, lang: str | None) -> str:
        return self.msg.text(lang)


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
    """The KB thread and the role checks every operation goes through.

    Args:
        kb: the open KnowledgeBase.
        users: configured users ({} = local single-user mode).
    """

    def __init__(self, kb: KnowledgeBase, users: Mapping[str, User]) -> None:
        self.kb = kb
        self.users = dict(users)
        # Gradio runs handlers on a pool of threads, but the KB's parts are not all thread-safe (FAISS,
        # BM25, SQLite connections bound to their creating thread): every KB call runs on this one thread.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb")
        self._kb_thread: threading.Thread | None = None

    def on_kb(self, fn: Callable[[], T]) -> T:
        """Run `fn` on the KB thread and return its result (directly when already there)."""
        if threading.current_thread() is self._kb_thread:
            return fn()

        def run() -> T:
            self._kb_thread = threading.current_thread()
            return fn()

        return self._pool.submit(run).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def role(self, user: str | None) -> str:
        try:
            return role_of(self.users, user)
        except PermissionDenied as err:
            raise UiError("error.not_signed_in") from err

    def check(self, user: str | None, action: str) -> str:
        """The caller's role, or UiError when it does not allow `action` (the rule is `kb.access`)."""
        role = self.role(user)
        if not can(role, action):
            who = Msg(f"role.a.{role}") if role in ROLES else Msg("role.a.unknown")
            raise UiError(f"error.denied.{action}", who=who)
        return role

    @property
    def local(self) -> bool:
        return not self.users

    def banner(self, user: str | None, lang: str = "en") -> str:
        role = self.role(user) if self.users else LOCAL
        return render.banner(role, user, lang)

    @property
    def exports_dir(self) -> Path:
        """Where exports and downloads are written (the web app serves files from it)."""
        return self.kb.settings.home / "exports"
