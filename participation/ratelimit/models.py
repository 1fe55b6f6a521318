from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class RateLimitWindow(Model):
    # Hits for one key in one fixed time window; shared by every worker through the database.

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=160)
    window_start = fields.BigIntField()
    hits = fields.IntField(default=0)

    class Meta:
        table = "rate_limit_window"
        unique_together = (("key", "window_start"),)
