from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from participation.accounts.models import User


class EmailAddress(Model):
    # A user's one address. Nothing is sent to it but its confirmation until it is confirmed;
    # it is never shown to other users. The confirmation link's token is kept as its hash.
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="email_addresses", on_delete=fields.CASCADE, unique=True
    )
    user_id: int
    address = fields.CharField(max_length=254)
    confirmed_at = fields.DatetimeField(null=True)
    token_hash = fields.CharField(max_length=64, default="", db_default="")
    token_expires_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "email_address"


class OutboxMessage(Model):
    # A mail to send, written in the transaction of what it is about (so a crash loses none
    # and sends none that did not happen); the sender claims, renders and sends it.
    id = fields.BigIntField(primary_key=True)
    user_id = fields.IntField(null=True)
    to_address = fields.CharField(max_length=254)
    kind = fields.CharField(max_length=48)
    params: dict[str, object] = fields.JSONField(default=dict)
    locale = fields.CharField(max_length=8)
    message_id = fields.CharField(max_length=64, unique=True)  # a resent copy keeps it
    status = fields.CharField(max_length=12, default="queued")  # queued|sending|sent|failed
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "outbox_message"
        indexes = (("status", "next_attempt_at"),)
