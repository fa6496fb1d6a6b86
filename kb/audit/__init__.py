"""The audit trail: who changed what, and when (append-only, in the catalog)."""

from __future__ import annotations

from kb.audit.trail import AuditEntry, AuditTrail, actor_of, record

__all__ = ["AuditEntry", "AuditTrail", "record", "actor_of"]
