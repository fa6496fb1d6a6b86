"""The trash: removed documents and drafts kept for a period, restorable exactly, then purged."""

from __future__ import annotations

from kb.trash.bin import Trash
from kb.trash.store import TrashConflict, TrashError, TrashItem

__all__ = ["Trash", "TrashItem", "TrashError", "TrashConflict"]
