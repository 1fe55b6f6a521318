"""Sign-in, sessions and sign-out through the real OIDC flow: HOSTILE cases 1-9 and 33 (logins),
plus an unreachable or hanging provider and a rotated secret key."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from participation.accounts.models import Identity, User
from participation.accounts.services import set_user_access
from participation.communities import services as communities
from tests.support import (
    BASE_URL,
    World,
    csrf_token,
    idp_authorize,
    login,
    make_committee,
    make_user,
    now,
    post_form,
    start_login,
)
from tests.web.helpers import (
    ENGLISH,
    client_for,
    path_and_query,
    query_of,
    read_session,
    session_cookie,
    set_session_cookie,
    sqlite_only,
    write_session,
)
from tests.web.rogue_idp import HANG_SECONDS, RogueIdP
from web.core.app import SESSION_COOKIE
from web.demo_idp import RunningIdP

AppFactory = Callable[..., AbstractAsyncContextManager[Starlette]]
LOGIN_EXPIRED = "Your sign-in took too long or was started in another window"
LOGIN_FAILED = "could not be verified"


async def assert_anonymous(client: httpx.AsyncClient) -> None:
    response = await client.get("/profile")
    assert response.status_code == 303, "a signed-in visitor would see the profile"
    assert response.headers["location"].startswith("/login")


async def assert_signed_in_as(client: httpx.AsyncClient, name: str) -> None:
    response = await client.get("/profile")
    assert response.status_code == 200
    assert f'value="{name}"' in response.text


# --- 1. state missing, unknown or reused ---------------------------------------------------------


@sqlite_only
@pytest.mark.parametrize(
    "query",
    ["", "?code=abc", "?code=abc&state=", "?code=abc&state=made-up-state"],
    ids=["nothing", "no-state", "empty-state", "unknown-state"],
)
async def test_callback_without_a_known_state_is_login_expired(
    client: httpx.AsyncClient, query: str
) -> None:
    await start_login(client)  # this browser has a state of its own: still not this one
    response = await client.get(f"/auth/demo/callback{query}", headers=ENGLISH)
    assert response.status_code == 400
    assert LOGIN_EXPIRED in response.text
    await assert_anonymous(client)
    assert await User.all().count() == 0


async def test_reused_state_is_login_expired(
    client: httpx.AsyncClient, browsers: Callable[[], httpx.AsyncClient]
) -> None:
    authorize_url = await start_login(client)
    before_callback = session_cookie(client)
    assert before_callback is not None
    callback = path_and_query(await idp_authorize(authorize_url, "reuse-me"))
    assert (await client.get(callback)).status_code == 303

    replay = await client.get(callback, headers=ENGLISH)
    assert replay.status_code == 400
    assert LOGIN_EXPIRED in replay.text

    # A copy of the browser as it was before the callback: the code is spent at the provider.
    copy = browsers()
    set_session_cookie(copy, before_callback)
    again = await copy.get(callback, headers=ENGLISH)
    assert again.status_code == 400
    await assert_anonymous(copy)


async def test_callback_with_a_valid_state_but_no_code_is_rejected(app: Starlette) -> None:
    async with client_for(app, raise_app_exceptions=False) as browser:
        state = query_of(await start_login(browser))["state"]
        response = await browser.get(f"/auth/demo/callback?state={state}", headers=ENGLISH)
        assert response.status_code == 400
        await assert_anonymous(browser)
        # The state is spent: the real answer arriving later is refused too.
        later = await browser.get(f"/auth/demo/callback?state={state}&code=x", headers=ENGLISH)
        assert later.status_code == 400
        assert LOGIN_EXPIRED in later.text


@sqlite_only
async def test_unknown_provider_is_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/login/nobody")).status_code == 404
    assert (await client.get("/auth/nobody/callback?code=x&state=y")).status_code == 404


# --- 2. an attacker's code and state in the victim's browser -------------------------------------


async def test_attackers_callback_replayed_in_victims_browser_is_rejected(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    attacker, victim = client, other_client
    attacker_callback = path_and_query(await idp_authorize(await start_login(attacker), "attacker"))
    await start_login(victim)  # the victim may even be signing in at the same time
    response = await victim.get(attacker_callback, headers=ENGLISH)
    assert response.status_code == 400
    assert LOGIN_EXPIRED in response.text
    await assert_anonymous(victim)
    assert not await Identity.exists(subject="attacker")


async def test_attackers_code_with_the_victims_state_is_rejected(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    """Even knowing the victim's state, the attacker's code is bound to the attacker's nonce."""
    attacker, victim = client, other_client
    attacker_code = query_of(await idp_authorize(await start_login(attacker), "attacker2"))["code"]
    victim_state = query_of(await start_login(victim))["state"]
    response = await victim.get(
        f"/auth/demo/callback?code={attacker_code}&state={victim_state}", headers=ENGLISH
    )
    assert response.status_code == 400
    await assert_anonymous(victim)
    assert not await Identity.exists(subject="attacker2")


# --- 3. the ID token must be bound to this browser and signed by the provider --------------------


def _state_key(session: dict[str, object]) -> str:
    [key] = [k for k in session if k.startswith("_state_demo_")]
    return key


async def test_wrong_nonce_in_the_session_is_rejected(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    authorize_url = await start_login(client)
    cookie = session_cookie(client)
    assert cookie is not None
    session = read_session(cookie)
    state = session[_state_key(session)]
    assert isinstance(state, dict)
    assert state["data"]["nonce"] == query_of(authorize_url)["nonce"]
    state["data"]["nonce"] = "a-nonce-this-provider-never-saw"
    set_session_cookie(client, write_session(session))

    callback = path_and_query(await idp_authorize(authorize_url, "nonce-victim"))
    response = await client.get(callback, headers=ENGLISH)
    assert response.status_code == 400
    assert LOGIN_FAILED in response.text
    await assert_anonymous(client)
    assert await User.all().count() == 0
    assert any(
        r.name == "huakai.auth" and r.levelno == logging.WARNING and "login failed" in r.message
        for r in caplog.records
    )


async def test_id_token_without_a_nonce_binding_is_rejected(client: httpx.AsyncClient) -> None:
    authorize_url = await start_login(client)
    cookie = session_cookie(client)
    assert cookie is not None
    session = read_session(cookie)
    del session[_state_key(session)]["data"]["nonce"]
    set_session_cookie(client, write_session(session))

    callback = path_and_query(await idp_authorize(authorize_url, "no-nonce"))
    response = await client.get(callback, headers=ENGLISH)
    assert response.status_code == 400
    await assert_anonymous(client)
    assert await User.all().count() == 0


async def test_cancelled_at_the_provider_is_400_cancelled(client: httpx.AsyncClient) -> None:
    callback = await idp_authorize(await start_login(client), "cancels", action="deny")
    assert query_of(callback)["error"] == "access_denied"
    response = await client.get(path_and_query(callback), headers=ENGLISH)
    assert response.status_code == 400
    assert "cancelled" in response.text
    await assert_anonymous(client)


@pytest.fixture
def rogue_app(
    make_app: AppFactory, rogue_idp: RogueIdP
) -> Callable[[str], AbstractAsyncContextManager[Starlette]]:
    def build(mode: str) -> AbstractAsyncContextManager[Starlette]:
        # A hang must time out within 1 s; any other answer gets time enough for a busy
        # machine (two test processes) to give it.
        timeout = 1 if mode == "hang" else 5
        return make_app(OIDC_PROVIDERS=rogue_idp.provider_json(mode), LOGIN_TIMEOUT_SECONDS=timeout)

    return build


async def _rogue_callback(browser: httpx.AsyncClient) -> str:
    """Start signing in at the rogue provider; returns the callback it sends the browser to."""
    start = await browser.get("/login/rogue", params={"next": "/profile"})
    assert start.status_code == 302
    async with httpx.AsyncClient() as outside:
        answer = await outside.get(start.headers["location"])
    assert answer.status_code == 302
    return path_and_query(answer.headers["location"])


async def _rogue_login(browser: httpx.AsyncClient) -> httpx.Response:
    return await browser.get(await _rogue_callback(browser), headers=ENGLISH)


@sqlite_only
async def test_an_answer_for_one_provider_is_refused_at_another(
    rogue_app: Callable[[str], AbstractAsyncContextManager[Starlette]],
) -> None:
    """Mix-up: a code and state issued for the demo provider, delivered to rogue's callback."""
    async with rogue_app("ok") as app, client_for(app) as browser:
        callback = await idp_authorize(await start_login(browser), "mixed-up")
        query = urlsplit(callback).query
        response = await browser.get(f"/auth/rogue/callback?{query}", headers=ENGLISH)
        assert response.status_code == 400
        assert LOGIN_EXPIRED in response.text
        await assert_anonymous(browser)


@sqlite_only
async def test_a_good_token_from_the_test_provider_signs_in(
    rogue_app: Callable[[str], AbstractAsyncContextManager[Starlette]],
) -> None:
    """The control for the rogue cases below: the harness can sign in."""
    async with rogue_app("ok") as app, client_for(app) as browser:
        response = await _rogue_login(browser)
        assert response.status_code == 303
        assert response.headers["location"] == "/profile"
        await assert_signed_in_as(browser, "Rogue ok")


@sqlite_only
@pytest.mark.parametrize(
    "mode",
    [
        "wrong_nonce",
        "wrong_audience",
        "wrong_issuer",
        "expired",
        "bad_signature",
        "alg_none",
        "alg_hs256",
        "no_subject",
        "no_id_token",
        "token_error",
        "not_json",
    ],
)
async def test_bad_answers_from_the_provider_are_rejected(
    rogue_app: Callable[[str], AbstractAsyncContextManager[Starlette]], mode: str
) -> None:
    async with rogue_app(mode) as app, client_for(app) as browser:
        response = await _rogue_login(browser)
        assert response.status_code == 400, response.text[:300]
        assert LOGIN_FAILED in response.text
        await assert_anonymous(browser)
        assert await User.all().count() == 0


@sqlite_only
async def test_provider_hanging_at_the_token_exchange_is_503_quickly(
    rogue_app: Callable[[str], AbstractAsyncContextManager[Starlette]],
) -> None:
    async with rogue_app("hang") as app, client_for(app) as browser:
        callback = await _rogue_callback(browser)
        started = time.monotonic()
        response = await browser.get(callback, headers=ENGLISH)
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert "Retry-After" in response.headers
        assert "unavailable" in response.text
        await assert_anonymous(browser)
        assert elapsed < HANG_SECONDS


# --- 4. PKCE S256 and a nonce; 5. the redirect URI comes from BASE_URL ---------------------------


@sqlite_only
async def test_authorize_request_carries_pkce_s256_state_and_nonce(
    client: httpx.AsyncClient, idp: RunningIdP
) -> None:
    location = await start_login(client)
    assert location.startswith(f"{idp.url}/")
    query = query_of(location)
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) >= 43
    assert len(query["nonce"]) >= 16
    assert len(query["state"]) >= 16
    assert query["response_type"] == "code"
    assert "openid" in query["scope"].split()
    assert query["redirect_uri"] == f"{BASE_URL}/auth/demo/callback"
    # The verifier stays in the (signed) session and never travels to the provider.
    cookie = session_cookie(client)
    assert cookie is not None
    session = read_session(cookie)
    verifier = session[_state_key(session)]["data"]["code_verifier"]
    assert verifier not in location


@sqlite_only
async def test_each_login_attempt_gets_fresh_state_nonce_and_challenge(
    client: httpx.AsyncClient,
) -> None:
    first, second = query_of(await start_login(client)), query_of(await start_login(client))
    for name in ("state", "nonce", "code_challenge"):
        assert first[name] != second[name]


@sqlite_only
@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost"])
async def test_spoofed_host_header_is_refused(client: httpx.AsyncClient, host: str) -> None:
    response = await client.get("/login/demo", headers={"Host": host})
    assert response.status_code == 400
    assert "location" not in response.headers


@sqlite_only
async def test_forwarded_host_does_not_change_the_redirect_uri(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(
        "/login/demo",
        headers={
            "X-Forwarded-Host": "evil.example",
            "X-Forwarded-Proto": "https",
            "Forwarded": "host=evil.example;proto=https",
        },
    )
    assert response.status_code == 302
    assert query_of(response.headers["location"])["redirect_uri"] == (
        f"{BASE_URL}/auth/demo/callback"
    )


# --- 6. only same-site paths after sign-in -------------------------------------------------------


@sqlite_only
@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "/\t/evil.example",
        "/\r\nSet-Cookie: x=1",
        "data:text/html,<script>alert(1)</script>",
        "",
    ],
)
async def test_next_off_site_lands_on_home(client: httpx.AsyncClient, target: str) -> None:
    authorize_url = await start_login(client, target)
    callback = path_and_query(await idp_authorize(authorize_url, "next-tester"))
    response = await client.get(callback)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


@sqlite_only
@pytest.mark.parametrize("target", ["/c/yulin/verify", "/c/yulin?tab=1", "/profile"])
async def test_next_on_site_is_kept(client: httpx.AsyncClient, world: World, target: str) -> None:
    authorize_url = await start_login(client, target)
    callback = path_and_query(await idp_authorize(authorize_url, "next-keeper"))
    response = await client.get(callback)
    assert response.status_code == 303
    assert response.headers["location"] == target


@sqlite_only
async def test_sign_in_page_passes_only_safe_next(client: httpx.AsyncClient) -> None:
    page = await client.get("/login", params={"next": "//evil.example"})
    assert "/login/demo?next=/" in page.text
    assert "evil.example" not in page.text


# --- 7. a new session at sign-in; sign-out voids the old cookie ----------------------------------


async def test_session_is_renewed_at_sign_in(client: httpx.AsyncClient) -> None:
    planted_token = "t" * 43
    planted = {"planted": "by an attacker", "csrf": planted_token, "next": "/profile"}
    set_session_cookie(client, write_session(planted))
    assert await csrf_token(client) == planted_token
    before = session_cookie(client)
    await login(client, "renewed")
    after = session_cookie(client)
    assert after is not None and after != before
    data = read_session(after)
    assert "planted" not in data
    assert data["csrf"] != planted_token, "the CSRF token is renewed with the session"
    assert not any(key.startswith("_state_") for key in data)
    assert await csrf_token(client) == data["csrf"]


async def test_old_cookie_is_anonymous_after_sign_out(
    client: httpx.AsyncClient, browsers: Callable[[], httpx.AsyncClient]
) -> None:
    await login(client, "leaver")
    old_cookie = session_cookie(client)
    assert old_cookie is not None
    response = await post_form(client, "/logout")
    assert response.status_code == 303
    await assert_anonymous(client)

    thief = browsers()
    set_session_cookie(thief, old_cookie)
    await assert_anonymous(thief)
    home = await thief.get("/")
    assert "leaver" not in home.text


async def test_sign_out_ends_every_session_of_the_user(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await login(client, "two-devices")
    await login(other_client, "two-devices")
    await post_form(client, "/logout")
    await assert_anonymous(other_client)


@sqlite_only
async def test_sign_out_keeps_the_language(client: httpx.AsyncClient) -> None:
    await login(client, "polyglot")
    await post_form(client, "/language", {"locale": "en", "next": "/"})
    await post_form(client, "/logout")
    assert '<html lang="en">' in (await client.get("/")).text


# --- 8. revoked roles and disabled accounts act on the very next request -------------------------


async def test_revoked_committee_role_is_denied_on_the_next_request(
    client: httpx.AsyncClient, world: World
) -> None:
    user = await login(client, "ex-committee")
    await make_committee(world.community, user)
    assert (await client.get("/c/yulin/committee/members")).status_code == 200
    await communities.set_role(None, world.community.id, user.id, "committee", False, now=now())
    assert (await client.get("/c/yulin/committee/members")).status_code == 403
    token = await csrf_token(client)
    response = await client.post(
        "/c/yulin/committee/codes", data={"csrf_token": token, "labels": "1栋1"}
    )
    assert response.status_code == 403


async def test_disabled_account_is_anonymous_on_the_next_request(
    client: httpx.AsyncClient,
) -> None:
    user = await login(client, "to-disable")
    await assert_signed_in_as(client, "to-disable")
    await set_user_access(None, user.id, disabled=True, now=now())
    await assert_anonymous(client)


async def test_disabled_account_cannot_sign_in_again(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    user = await make_user("disabled-before")
    await set_user_access(None, user.id, disabled=True, now=now())
    callback = path_and_query(await idp_authorize(await start_login(client), "disabled-before"))
    response = await client.get(callback)
    assert response.status_code == 403
    await assert_anonymous(client)
    assert any("disabled" in r.getMessage() for r in caplog.records if r.name == "huakai.auth")


async def test_withdrawn_admin_is_denied_on_the_next_request(
    client: httpx.AsyncClient, world: World
) -> None:
    user = await make_user("ex-admin")
    await set_user_access(None, user.id, admin=True, now=now())
    await login(client, "ex-admin")
    assert (await client.get("/c/yulin/committee/codes")).status_code == 200
    await set_user_access(None, user.id, admin=False, now=now())
    # Withdrawing access voids the session: the next request is anonymous, not an admin.
    response = await client.get("/c/yulin/committee/codes")
    assert response.status_code == 303


# --- 9. cookie flags -----------------------------------------------------------------------------


def _set_cookie(response: httpx.Response) -> str:
    [header] = [h for h in response.headers.get_list("set-cookie") if SESSION_COOKIE in h]
    return header.lower()


@sqlite_only
async def test_session_cookie_flags_over_http(client: httpx.AsyncClient) -> None:
    flags = [part.strip() for part in _set_cookie(await client.get("/")).split(";")]
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "secure" not in flags
    assert "path=/" in flags


@sqlite_only
async def test_session_cookie_is_secure_over_https(make_app: AppFactory) -> None:
    base = "https://127.0.0.1:8443"
    async with (
        make_app(BASE_URL=base) as app,
        client_for(app, base_url=base) as browser,
    ):
        response = await browser.get("/")
        flags = [part.strip() for part in _set_cookie(response).split(";")]
        assert {"httponly", "samesite=lax", "secure"} <= set(flags)
        assert "max-age=31536000" in response.headers["strict-transport-security"]

        authorize_url = await start_login(browser)
        assert query_of(authorize_url)["redirect_uri"] == f"{base}/auth/demo/callback"
        callback = path_and_query(await idp_authorize(authorize_url, "https-user"))
        signed_in = await browser.get(callback)
        assert signed_in.status_code == 303
        assert "secure" in [p.strip() for p in _set_cookie(signed_in).split(";")]
        assert (await browser.get("/profile")).status_code == 200
        # The CSRF origin check follows BASE_URL's scheme.
        token = await csrf_token(browser)
        plain = await browser.post(
            "/language", data={"csrf_token": token}, headers={"Origin": "http://127.0.0.1:8443"}
        )
        assert plain.status_code == 403
        same = await browser.post("/language", data={"csrf_token": token}, headers={"Origin": base})
        assert same.status_code == 303


# --- Faults: a provider down or hanging; a rotated secret key ------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def hanging_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])


def _provider(port: int) -> str:
    return json.dumps(
        [
            {
                "name": "citywide",
                "label": "City ID",
                "client_id": "huakai",
                "discovery_url": f"http://127.0.0.1:{port}/.well-known/openid-configuration",
            }
        ]
    )


async def _assert_unavailable_quickly(app: Starlette, seconds: float) -> None:
    async with client_for(app) as browser:
        await login(browser, "still-here")
        started = time.monotonic()
        response = await browser.get("/login/citywide", headers=ENGLISH)
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert response.headers["retry-after"].isdigit()
        assert "unavailable" in response.text
        assert elapsed < seconds
        # Sessions made with another provider keep working.
        await assert_signed_in_as(browser, "still-here")


@sqlite_only
async def test_unreachable_provider_is_503_unavailable(make_app: AppFactory) -> None:
    async with make_app(OIDC_PROVIDERS=_provider(_closed_port())) as app:
        await _assert_unavailable_quickly(app, seconds=3)


@sqlite_only
async def test_hanging_provider_is_503_within_the_login_timeout(
    make_app: AppFactory, hanging_port: int
) -> None:
    async with make_app(OIDC_PROVIDERS=_provider(hanging_port), LOGIN_TIMEOUT_SECONDS=1) as app:
        await _assert_unavailable_quickly(app, seconds=4)


@sqlite_only
async def test_rotated_secret_key_makes_old_cookies_anonymous(make_app: AppFactory) -> None:
    async with make_app() as app, client_for(app) as browser:
        await login(browser, "rotated")
        old_cookie = session_cookie(browser)
        assert old_cookie is not None
    async with (
        make_app(SECRET_KEY="a-brand-new-secret-key-0123456789-abcdefgh") as app,
        client_for(app) as browser,
    ):
        set_session_cookie(browser, old_cookie)
        home = await browser.get("/")
        assert home.status_code == 200
        assert "rotated" not in home.text
        await assert_anonymous(browser)
        # A stale token from the old session cannot post either.
        old_token = read_session(old_cookie)["csrf"]
        response = await browser.post("/language", data={"csrf_token": old_token})
        assert response.status_code == 403


@sqlite_only
@pytest.mark.parametrize(
    "cookie",
    ["garbage", "e30=.bad.signature", write_session({"uid": 1, "sv": 1}, secret="x" * 40)],
    ids=["garbage", "bad-signature", "other-key"],
)
async def test_tampered_cookie_is_anonymous(client: httpx.AsyncClient, cookie: str) -> None:
    await make_user("someone")
    set_session_cookie(client, cookie)
    assert (await client.get("/")).status_code == 200
    await assert_anonymous(client)


@sqlite_only
async def test_session_naming_a_missing_user_is_anonymous(client: httpx.AsyncClient) -> None:
    set_session_cookie(client, write_session({"uid": 424242, "sv": 1}))
    await assert_anonymous(client)


# --- 33. login bursts ----------------------------------------------------------------------------

LOGIN_LIMIT = 20


async def _burst_until_limited(
    client: httpx.AsyncClient, attempts: int, *, spoof: bool
) -> tuple[int, httpx.Response]:
    """GET /login/demo until the first 429; returns how many succeeded before it."""
    for index in range(attempts):
        headers = {"X-Forwarded-For": f"192.0.2.{index % 250}"} if spoof else {}
        response = await client.get("/login/demo", headers=headers)
        if response.status_code == 429:
            return index, response
        assert response.status_code == 302
    return attempts, response


@pytest.mark.parametrize("spoof", [False, True], ids=["plain", "spoofed-x-forwarded-for"])
async def test_login_burst_is_429_with_retry_after(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, spoof: bool
) -> None:
    # A fixed window may roll over once during the burst; 2 x limit + 1 attempts must hit it.
    succeeded, response = await _burst_until_limited(client, 2 * LOGIN_LIMIT + 1, spoof=spoof)
    assert LOGIN_LIMIT <= succeeded <= 2 * LOGIN_LIMIT, "the limit never applied"
    assert response.status_code == 429
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 300
    assert "<html" in response.text
    # Another address is not affected.
    assert (await other_client.get("/login/demo")).status_code == 302


@sqlite_only
async def test_forwarded_for_is_believed_only_from_a_trusted_proxy(make_app: AppFactory) -> None:
    async with (
        make_app(TRUSTED_PROXIES="203.0.113.7") as app,
        client_for(app, "203.0.113.7") as proxy,
    ):
        for index in range(LOGIN_LIMIT + 5):
            response = await proxy.get(
                "/login/demo", headers={"X-Forwarded-For": f"192.0.2.{index}"}
            )
            assert response.status_code == 302, "each forwarded client has its own budget"
        succeeded, limited = await _burst_until_limited(proxy, 2 * LOGIN_LIMIT + 1, spoof=False)
        assert limited.status_code == 429, "requests without a forwarded client count for the proxy"
        assert succeeded >= LOGIN_LIMIT
