from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    # Append-only record of a committee or admin action, written in the action's transaction.

    id = fields.BigIntField(primary_key=True)
    actor_id = fields.IntField(null=True)
    community_id = fields.IntField(null=True)
    action = fields.CharField(max_length=64)
    target = fields.CharField(max_length=120)
    before: dict[str, Any] | None = fields.JSONField(null=True)
    after: dict[str, Any] | None = fields.JSONField(null=True)
    at = fields.DatetimeField()

    class Meta:
        table = "audit_entry"
        ordering = ("-id",)
