"""Drafting a city's local prevention framework: drafts whose sections hold pinned, cited excerpts
and notes (records apart from the store that changes them), the framework they follow, and export
to DOCX, Markdown and CSL-JSON references."""

from __future__ import annotations

from kb.drafting.drafts import Drafts
from kb.drafting.export import FORMATS, export
from kb.drafting.framework import DEFAULT_FRAMEWORK, DraftError, Framework, ItemGone, Section, load_framework
from kb.drafting.records import Draft, DraftInfo, DraftItem, DraftSection

__all__ = [
    "Drafts",
    "Draft",
    "DraftInfo",
    "DraftItem",
    "DraftSection",
    "DraftError",
    "ItemGone",
    "Framework",
    "Section",
    "DEFAULT_FRAMEWORK",
    "load_framework",
    "FORMATS",
    "export",
]
