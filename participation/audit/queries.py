from __future__ import annotations

from participation.audit.models import AuditEntry


async def list_audit(community_id: int, limit: int = 100) -> list[AuditEntry]:
    return await AuditEntry.filter(community_id=community_id).order_by("-id").limit(limit)
