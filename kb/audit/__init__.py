"""The audit trail: who changed what, and when (append-only, in the catalog)."""

from __future__ import annotations

from kb.audit.trail import AuditEntry, AuditTrail, BadDate, actor_of, record, utc_time

__all__ = ["AuditEntry", "AuditTrail", "BadDate", "record", "actor_of", "utc_time"]
