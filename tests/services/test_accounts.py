"""Sign-in, sign-out, profiles and platform access."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from participation.accounts import services
from participation.accounts.models import Identity, User
from participation.accounts.queries import actor_for, find_user_by_name, get_signed_in_user
from participation.core.errors import Invalid, NotAllowed, NotFound
from participation.core.permissions import ANONYMOUS, Actor
from tests.services.seed import audit
from tests.support import HOSTILE_SHORT, make_user, now


async def sign_in(subject: str, provider: str = "demo", name: str = "王阿姨") -> User:
    return await services.sign_in(provider=provider, subject=subject, display_name=name, now=now())


async def test_first_sign_in_creates_user_and_identity(database: str) -> None:
    at = now()
    user = await services.sign_in(provider="demo", subject="s-1", display_name="王阿姨", now=at)
    assert user.display_name == "王阿姨"
    assert not user.is_admin and not user.disabled
    assert user.session_version == 1
    identity = await Identity.get(provider="demo", subject="s-1")
    assert identity.user_id == user.id
    assert identity.last_login_at == at


async def test_second_sign_in_returns_the_same_user_per_provider(database: str) -> None:
    first = await sign_in("s-1")
    later = now() + timedelta(hours=1)
    again = await services.sign_in(
        provider="demo", subject="s-1", display_name="renamed at provider", now=later
    )
    assert again.id == first.id
    assert again.display_name == "王阿姨"  # the profile here is the user's, not the provider's
    assert await User.all().count() == 1
    assert await Identity.all().count() == 1
    assert (await Identity.get(subject="s-1")).last_login_at == later
    elsewhere = await sign_in("s-1", provider="keycloak")
    assert elsewhere.id != first.id


async def test_parallel_first_sign_ins_create_one_user(database: str) -> None:
    results = await asyncio.gather(*(sign_in("s-race") for _ in range(10)))
    assert len({user.id for user in results}) == 1
    assert await User.all().count() == 1
    assert await Identity.filter(subject="s-race").count() == 1


async def test_sign_out_voids_every_session_of_the_user(database: str) -> None:
    user = await sign_in("s-1")
    assert await get_signed_in_user(user.id, 1) is not None
    await services.sign_out(user.id)
    await services.sign_out(user.id)
    assert await get_signed_in_user(user.id, 1) is None
    assert await get_signed_in_user(user.id, 2) is None
    current = await get_signed_in_user(user.id, 3)
    assert current is not None and current.id == user.id
    assert await get_signed_in_user(999_999, 1) is None


async def test_disabled_user_is_signed_out_on_the_next_request(database: str) -> None:
    admin = await sign_in("admin")
    await services.set_user_access(None, admin.id, admin=True, now=now())
    user = await sign_in("s-1")
    updated = await services.set_user_access(
        actor_for(await User.get(id=admin.id)), user.id, disabled=True, now=now()
    )
    assert updated.disabled
    # Neither the old session nor one carrying the new version is let in.
    assert await get_signed_in_user(user.id, 1) is None
    assert await get_signed_in_user(user.id, updated.session_version) is None
    assert actor_for(updated).is_authenticated is False
    entry = (await audit("accounts.set_access"))[-1]
    assert entry.actor_id == admin.id
    assert entry.target == f"user:{user.id}"
    assert entry.community_id is None
    assert entry.before == {"disabled": False, "is_admin": False}
    assert entry.after == {"disabled": True, "is_admin": False}
    # Enabled again, the user signs in afresh: the disabled-era session stays void.
    enabled = await services.set_user_access(None, user.id, disabled=False, now=now())
    assert await get_signed_in_user(user.id, updated.session_version) is None
    assert await get_signed_in_user(user.id, enabled.session_version) is not None


async def test_operator_grants_and_withdraws_platform_admin(database: str) -> None:
    user = await sign_in("s-1")
    granted = await services.set_user_access(None, user.id, admin=True, now=now())
    assert granted.is_admin and actor_for(granted).is_admin
    assert (await User.get(id=user.id)).is_admin
    withdrawn = await services.set_user_access(None, user.id, admin=False, now=now())
    assert not (await User.get(id=user.id)).is_admin
    # The session that carried admin rights is void.
    assert await get_signed_in_user(user.id, granted.session_version) is None
    assert await get_signed_in_user(user.id, withdrawn.session_version) is not None
    entries = await audit("accounts.set_access")
    assert [(e.before, e.after) for e in entries] == [
        ({"disabled": False, "is_admin": False}, {"disabled": False, "is_admin": True}),
        ({"disabled": False, "is_admin": True}, {"disabled": False, "is_admin": False}),
    ]
    assert all(e.actor_id is None for e in entries)


async def test_only_admins_change_access_and_a_refusal_writes_nothing(database: str) -> None:
    user = await sign_in("s-1")
    victim = await sign_in("s-2")
    for actor in (actor_for(user), ANONYMOUS, Actor(user_id=user.id, is_admin=True, disabled=True)):
        with pytest.raises(NotAllowed):
            await services.set_user_access(actor, user.id, admin=True, now=now())
        with pytest.raises(NotAllowed):
            await services.set_user_access(actor, victim.id, disabled=True, now=now())
    with pytest.raises(NotFound):
        await services.set_user_access(None, 999_999, disabled=True, now=now())
    for stored in await User.all():
        assert (stored.is_admin, stored.disabled, stored.session_version) == (False, False, 1)
    assert await audit("accounts.set_access") == []


async def test_profile_update_stores_a_cleaned_name_and_locale(database: str) -> None:
    user = await sign_in("s-1")
    updated = await services.update_profile(
        actor_for(user), user.id, display_name="  Wang   Fang  ", locale="en"
    )
    assert (updated.display_name, updated.locale) == ("Wang Fang", "en")
    stored = await User.get(id=user.id)
    assert (stored.display_name, stored.locale) == ("Wang Fang", "en")
    await services.update_profile(
        actor_for(user), user.id, display_name=HOSTILE_SHORT, locale="zh_Hans"
    )
    assert (await User.get(id=user.id)).display_name == HOSTILE_SHORT
    # The language switcher stores supported locales only.
    await services.set_locale(user.id, "en")
    await services.set_locale(user.id, "fr")
    assert (await User.get(id=user.id)).locale == "en"


async def test_profile_update_refuses_bad_names_and_locales(database: str) -> None:
    user = await sign_in("s-1", name="王阿姨")
    for name, locale, field in [
        ("", "en", "display_name"),
        ("花" * 41, "en", "display_name"),
        ("\u202eevil", "en", "display_name"),
        ("Wang", "fr", "locale"),
        ("Wang", "", "locale"),
    ]:
        with pytest.raises(Invalid) as caught:
            await services.update_profile(
                actor_for(user), user.id, display_name=name, locale=locale
            )
        assert caught.value.field == field
    stored = await User.get(id=user.id)
    assert (stored.display_name, stored.locale) == ("王阿姨", None)
    # A profile is its user's own: nobody else changes it, not even a platform admin.
    admin = await make_user("admin", "管理员")
    await services.set_user_access(None, admin.id, admin=True, now=now())
    for actor in (
        ANONYMOUS,
        actor_for(await make_user("b", "邻居")),
        actor_for(await User.get(id=admin.id)),
    ):
        with pytest.raises(NotAllowed):
            await services.update_profile(actor, user.id, display_name="改名", locale="en")
    assert (await User.get(id=user.id)).display_name == "王阿姨"
    with pytest.raises(NotFound):
        await services.update_profile(actor_for(user), 999_999, display_name="x", locale="en")


async def test_find_user_by_name_returns_the_earliest(database: str) -> None:
    first = await make_user("a", "同名")
    await make_user("b", "同名")
    found = await find_user_by_name("同名")
    assert found is not None and found.id == first.id
    assert await find_user_by_name("nobody") is None


async def test_a_notice_of_a_kind_no_capability_registered_is_refused(database: str) -> None:
    """notifications knows no capability: a kind must be registered (with its sentence) by
    the capability that sends it, or nobody could ever read the notice."""
    import participation.capabilities  # noqa: F401 - what every capability registers
    from participation.core.db import transaction
    from participation.notifications.kinds import KINDS
    from participation.notifications.models import Notification
    from participation.notifications.services import notify

    user = await make_user("notified")
    assert "plots.adoption_approved" in KINDS  # registered by participation/plots/notices.py
    with pytest.raises(ValueError, match="not registered"):
        async with transaction() as conn:
            await notify(conn, user.id, "plots.made_up", now=now())
    assert not await Notification.exists(user_id=user.id)
