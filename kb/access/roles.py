"""Who may do what: the role rules every entry point checks (the CLI, the web UI's actions).

A viewer searches and drafts; a coordinator also adds, edits and removes documents. With no users
configured the KB runs in local single-user mode, where everything is allowed (the UI says so).
"""

from __future__ import annotations

__all__ = ["ROLES", "ACTIONS", "LOCAL", "PermissionDenied", "can", "require"]

ROLES = ("viewer", "coordinator")
ACTIONS = ("search", "draft", "add", "edit", "remove")
LOCAL = "local"  # the role in single-user mode (no users configured)

_RULES: dict[str, frozenset[str]] = {
    "viewer": frozenset({"search", "draft"}),
    "coordinator": frozenset(ACTIONS),
    LOCAL: frozenset(ACTIONS),
}


class PermissionDenied(PermissionError):
    """An action the user's role does not allow; the message names both."""


def can(role: str | None, action: str) -> bool:
    """Whether `role` may do `action` (unknown roles and actions may do nothing)."""
    return action in _RULES.get(role or "", frozenset())


def require(role: str | None, action: str) -> None:
    """Raise PermissionDenied unless `role` may do `action`."""
    if not can(role, action):
        who = f"a {role}" if role in ROLES else "an unknown user"
        raise PermissionDenied(f"Not allowed: {who} cannot {action} documents; ask a coordinator.")
