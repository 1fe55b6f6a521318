"""Sign-in, sign-out and profile use cases; results kept for their user (see kept.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

# Other capabilities keep a result inside their own transactions written as steps.
from participation.accounts.kept import keep_result_step as keep_result_step
from participation.accounts.models import Identity, KeptResult, User
from participation.accounts.rules import SUPPORTED_LOCALES, ProfileSubject, clean_display_name
from participation.audit.services import record
from participation.core.db import transaction
from participation.core.errors import N_, Invalid, NotFound
from participation.core.permissions import NO_STANDING, Actor, require


async def sign_in(*, provider: str, subject: str, display_name: str, now: datetime) -> User:
    """The user behind (provider, subject), created on first sign-in."""
    identity = await Identity.get_or_none(provider=provider, subject=subject).prefetch_related(
        "user"
    )
    if identity is None:
        try:
            async with transaction() as conn:
                user = await User.create(display_name=display_name, using_db=conn)
                identity = await Identity.create(
                    user=user, provider=provider, subject=subject, last_login_at=now, using_db=conn
                )
            return user
        except IntegrityError:
            # Two first sign-ins raced; the other one created the identity.
            identity = await Identity.get(provider=provider, subject=subject).prefetch_related(
                "user"
            )
    await Identity.filter(id=identity.id).update(last_login_at=now)
    return identity.user


async def create_offline_users(names: Sequence[str], *, now: datetime) -> list[int]:
    """Accounts, written in bulk, for people who never sign in here themselves: the operator's
    seeding of neighbours for the demo, benchmarks and tests. The names are unique; the ids
    come back in their order."""
    async with transaction() as conn:
        await User.bulk_create(
            [User(display_name=name, created_at=now) for name in names], 500, using_db=conn
        )
        rows = (
            await User.filter(display_name__in=list(names))
            .using_db(conn)
            .values_list("display_name", "id")
        )
    by_name = {str(name): int(user_id) for name, user_id in rows}
    return [by_name[name] for name in names]


async def sign_out(user_id: int) -> None:
    """Void every session of this user: they carry the old session version. What forms
    showed them once (receipts, code sheets) goes too: Back on a shared phone shows nothing."""
    await User.filter(id=user_id).update(session_version=F("session_version") + 1)
    await KeptResult.filter(user_id=user_id).delete()


async def update_profile(actor: Actor, user_id: int, *, display_name: str, locale: str) -> User:
    """The name and language of the user ``user_id``: their own to change."""
    if not await User.exists(id=user_id):
        raise NotFound()
    require("accounts.edit_profile", actor, NO_STANDING, ProfileSubject(user_id))
    name = clean_display_name(display_name)
    if name is None:
        raise Invalid(N_("Please enter a name of 1 to 40 characters."), field="display_name")
    if locale not in SUPPORTED_LOCALES:
        raise Invalid(N_("Please choose a language from the list."), field="locale")
    await User.filter(id=user_id).update(display_name=name, locale=locale)
    return await User.get(id=user_id)


async def set_locale(user_id: int, locale: str) -> None:
    if locale in SUPPORTED_LOCALES:
        await User.filter(id=user_id).update(locale=locale)


async def set_user_access(
    actor: Actor | None,
    user_id: int,
    *,
    disabled: bool | None = None,
    admin: bool | None = None,
    now: datetime,
) -> User:
    """Disable/enable an account or grant/withdraw platform admin. ``actor`` None: the CLI."""
    if actor is not None:
        require("accounts.manage_users", actor)
    async with transaction() as conn:
        user = await User.filter(id=user_id).using_db(conn).first()
        if user is None:
            raise NotFound()
        before = {"disabled": user.disabled, "is_admin": user.is_admin}
        if disabled is not None:
            user.disabled = disabled
        if admin is not None:
            user.is_admin = admin
        # Withdrawn access takes effect on the very next request.
        user.session_version += 1
        await user.save(using_db=conn)
        await record(
            conn,
            actor_id=actor.user_id if actor else None,
            community_id=None,
            action="accounts.set_access",
            target=f"user:{user_id}",
            at=now,
            before=before,
            after={"disabled": user.disabled, "is_admin": user.is_admin},
        )
    return user
