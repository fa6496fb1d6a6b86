"""Keeping a knowledge base whole: the check that every index agrees with the catalog (and its
repair, run on every open), pinned excerpts and directory sources kept pointing at passages that
exist (relink), and consistent backups taken while the KB is in use."""

from __future__ import annotations

from kb.upkeep.backup import BackupError, BackupReport, backup
from kb.upkeep.consistency import CheckReport, check
from kb.upkeep.relink import Relinked, relink_document, relink_stale, stale_links

__all__ = ["CheckReport", "check", "BackupError", "BackupReport", "backup", "Relinked", "relink_document",
           "relink_stale", "stale_links"]
