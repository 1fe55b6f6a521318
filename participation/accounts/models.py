from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class User(Model):
    id = fields.IntField(primary_key=True)
    display_name = fields.CharField(max_length=80)
    locale = fields.CharField(max_length=16, null=True)
    is_admin = fields.BooleanField(default=False)
    disabled = fields.BooleanField(default=False)
    # Bumped at logout and when access is withdrawn: sessions carrying an older value are void.
    session_version = fields.IntField(default=1)
    # Kept by notifications with each notice and when they are read (same transaction; see
    # participation/notifications/services.py): the header shows it without a query.
    unread_notices = fields.IntField(default=0, db_default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "user"


class Identity(Model):
    # Who the user is at an identity provider: (provider, subject) is the login key.

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="identities", on_delete=fields.CASCADE
    )
    user_id: int
    provider = fields.CharField(max_length=64)
    subject = fields.CharField(max_length=255)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)

    class Meta:
        table = "identity"
        unique_together = (("provider", "subject"),)


class KeptResult(Model):
    """What a form's answer showed once (a ballot receipt, a sheet of household codes), kept
    for its owner for a short while so that the answer can be a redirect to a page that a
    refresh shows again instead of repeating the form. ``sealed`` is encrypted by the web
    layer; the row is deleted once it expires."""

    token = fields.CharField(max_length=43, primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="kept_results", on_delete=fields.CASCADE
    )
    user_id: int
    kind = fields.CharField(max_length=32)
    sealed = fields.TextField()
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "kept_result"
