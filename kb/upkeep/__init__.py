"""Keeping a knowledge base whole: the check that every index agrees with the catalog (and its
repair, run on every open), and consistent backups taken while the KB is in use."""

from __future__ import annotations

from kb.upkeep.backup import BackupError, BackupReport, backup
from kb.upkeep.consistency import CheckReport, check

__all__ = ["CheckReport", "check", "BackupError", "BackupReport", "backup"]
