"""The foundation every page stands on: health, error pages, headers, languages, body limits.

HOSTILE cases 12 (405), 14 (security headers), 16 (fragments), 31 (413) and 36 (no traceback),
plus the acceptance behaviours of the foundation.
"""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from urllib.parse import quote_from_bytes

import httpx
import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise import connections

from participation.accounts.models import User
from participation.communities.services import create_community
from tests.support import (
    BASE_URL,
    SECRET,
    csrf_token,
    hx_location,
    login,
    make_world,
    now,
    post_form,
)
from tests.web.helpers import (
    ENGLISH,
    HTMX_PARTIAL,
    assert_inert,
    client_for,
    is_fragment,
    sqlite_only,
)

# Parallel requests racing for one row, or SQL that differs per backend: on both.
pytestmark = pytest.mark.both_backends

AppFactory = Callable[..., AbstractAsyncContextManager[Starlette]]


async def test_healthz_reports_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("path", "media_type", "size"),
    [
        ("/favicon.ico", "image/x-icon", (48, 48)),
        ("/apple-touch-icon.png", "image/png", (180, 180)),
    ],
)
async def test_site_icons_answer_at_the_root_and_pages_link_them(
    client: httpx.AsyncClient, path: str, media_type: str, size: tuple[int, int]
) -> None:
    """Browsers ask for these at the root without reading the page: no 404 on every visit."""
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    cache = response.headers["cache-control"]
    assert "public" in cache and int(cache.split("max-age=")[1].split(",")[0]) >= 30 * 86400
    image = Image.open(io.BytesIO(response.content))
    assert image.format == {"image/x-icon": "ICO", "image/png": "PNG"}[media_type]
    assert image.size == size
    head = (await client.get("/")).text.split("</head>", 1)[0]
    rel = "icon" if path == "/favicon.ico" else "apple-touch-icon"
    assert re.search(rf'<link rel="{rel}" href="{re.escape(path)}"', head), head


async def test_unknown_path_is_a_404_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/page", headers=ENGLISH)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text
    assert "Page not found" in response.text
    assert "Error code: 404" in response.text


async def test_unknown_community_is_the_same_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/c/nowhere", headers=ENGLISH)
    assert response.status_code == 404
    assert "Page not found" in response.text


async def test_post_without_csrf_token_is_403(client: httpx.AsyncClient) -> None:
    response = await client.post("/language", data={"locale": "en"}, headers=ENGLISH)
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert '<html lang="zh-Hans">' in (await client.get("/")).text, "the language did not change"


async def test_get_on_a_post_only_route_is_405(client: httpx.AsyncClient) -> None:
    response = await client.get("/logout", headers=ENGLISH)
    assert response.status_code == 405
    assert "POST" in response.headers["allow"]
    assert "<html" in response.text
    assert "This action is not available here" in response.text


# --- Error pages: a fragment for partial htmx requests, a full page otherwise ------------------


@sqlite_only
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/no/such/page", 404),
        ("GET", "/logout", 405),
        ("POST", "/language", 403),
    ],
)
async def test_error_is_a_fragment_for_partial_htmx_and_a_page_otherwise(
    client: httpx.AsyncClient, method: str, path: str, status: int
) -> None:
    full = await client.request(method, path, headers=ENGLISH)
    partial = await client.request(method, path, headers={**ENGLISH, **HTMX_PARTIAL})
    boosted = await client.request(
        method, path, headers={**ENGLISH, **HTMX_PARTIAL, "HX-Boosted": "true"}
    )
    assert full.status_code == partial.status_code == boosted.status_code == status
    assert "<html" in full.text
    assert is_fragment(partial.text)
    assert 'class="error"' in partial.text
    assert f"{status}" in partial.text
    assert "<html" in boosted.text, "boosted navigation pushes the URL: it needs a whole page"
    for response in (full, partial):
        assert "hx-request" in response.headers["vary"].lower()


# --- Security headers (14) ----------------------------------------------------------------------


def _csp(response: httpx.Response) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    directives = {}
    for part in policy.split(";"):
        name, _sep, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def assert_security_headers(response: httpx.Response) -> None:
    csp = _csp(response)
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    script_src = csp.get("script-src", csp.get("default-src", ""))
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "data:" not in script_src
    assert "*" not in script_src
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] in {
        "same-origin",
        "no-referrer",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }


@sqlite_only
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/login", 200),
        ("GET", "/healthz", 200),
        ("GET", "/static/huakai.css", 200),
        ("GET", "/no/such/page", 404),
        ("GET", "/logout", 405),
        ("POST", "/language", 403),
    ],
)
async def test_every_response_carries_the_security_headers(
    client: httpx.AsyncClient, method: str, path: str, status: int
) -> None:
    response = await client.request(method, path)
    assert response.status_code == status
    assert_security_headers(response)


@sqlite_only
async def test_pages_load_htmx_only_from_our_origin(client: httpx.AsyncClient) -> None:
    page = (await client.get("/")).text
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts, "htmx is loaded"
    for tag in scripts:
        match = re.fullmatch(r'<script src="(/static/[\w.-]+\.js)" defer>', tag)
        assert match, f"only our own script files, no inline script: {tag}"
        static = await client.get(match.group(1))
        assert static.status_code == 200
        assert "javascript" in static.headers["content-type"]
    assert "<script>" not in page


# --- Languages -----------------------------------------------------------------------------------


@sqlite_only
async def test_chinese_is_the_default_language(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert '<html lang="zh-Hans">' in page.text
    assert "花开" in page.text


@sqlite_only
@pytest.mark.parametrize(
    ("accept", "lang"),
    [
        ("en", "en"),
        ("en-GB,en;q=0.8", "en"),
        ("fr-FR, en;q=0.5", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans"),
        ("zh-TW", "zh-Hans"),
        ("de, fr", "zh-Hans"),
        ("*", "zh-Hans"),
        ("en;q=garbage", "zh-Hans"),
    ],
)
async def test_accept_language_is_negotiated(
    client: httpx.AsyncClient, accept: str, lang: str
) -> None:
    page = await client.get("/", headers={"Accept-Language": accept})
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text


async def test_community_default_language_applies_when_the_browser_says_nothing(
    client: httpx.AsyncClient,
) -> None:
    await create_community(None, slug="expat", name="Expat Court", default_locale="en", now=now())
    assert '<html lang="en">' in (await client.get("/c/expat")).text
    assert (
        '<html lang="zh-Hans">'
        in (await client.get("/c/expat", headers={"Accept-Language": "zh"})).text
    )


async def test_language_button_switches_an_anonymous_visitor(client: httpx.AsyncClient) -> None:
    response = await post_form(client, "/language", {"locale": "en", "next": "/login"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    page = await client.get("/login")
    assert '<html lang="en">' in page.text
    assert "Sign in" in page.text
    # An unsupported choice is ignored.
    await post_form(client, "/language", {"locale": "xx", "next": "/"})
    assert '<html lang="en">' in (await client.get("/")).text


async def test_language_choice_persists_for_a_signed_in_user(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    user = await login(client, "lang-user")
    response = await post_form(client, "/language", {"locale": "en", "next": "/profile"})
    assert response.status_code == 303
    assert '<html lang="en">' in (await client.get("/profile")).text
    assert (await User.get(id=user.id)).locale == "en"
    # A new sign-in elsewhere (a fresh session) speaks the user's language too.
    await login(other_client, "lang-user")
    assert '<html lang="en">' in (await other_client.get("/")).text
    await post_form(other_client, "/language", {"locale": "zh_Hans", "next": "/"})
    assert (await User.get(id=user.id)).locale == "zh_Hans"


@sqlite_only
async def test_language_button_does_not_redirect_off_site(client: httpx.AsyncClient) -> None:
    response = await post_form(client, "/language", {"locale": "en", "next": "//evil.example/x"})
    assert response.status_code == 303
    assert response.headers["location"] == "/"


@sqlite_only
async def test_language_switch_from_htmx_navigates_with_hx_location(
    client: httpx.AsyncClient,
) -> None:
    token = await csrf_token(client)
    response = await client.post(
        "/language",
        data={"locale": "en", "next": "/login"},
        headers={**HTMX_PARTIAL, "X-CSRF-Token": token},
    )
    assert hx_location(response) == "/login"


# --- Crashes (36) --------------------------------------------------------------------------------


SECRET_SQL = f"SELECT password FROM vault WHERE key = '{SECRET}'"


async def _boom(request: Request) -> Response:
    raise RuntimeError(f"{SECRET_SQL} failed with {request.app.state.settings.database_url}")


async def _bad_sql(request: Request) -> Response:
    conn = connections.get(next(iter(connections.db_config)))
    await conn.execute_query("SELECT secret_column FROM no_such_table_for_huakai")
    return Response("unreachable")


@pytest.fixture
async def crashing_app(make_app: AppFactory) -> AsyncIterator[Starlette]:
    routes = [Route("/boom", _boom), Route("/bad-sql", _bad_sql)]
    async with make_app(extra_routes=routes) as application:
        yield application


@pytest.fixture
async def crashing_client(crashing_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(crashing_app, raise_app_exceptions=False) as browser:
        yield browser


def assert_reveals_nothing(response: httpx.Response, database_url: str) -> None:
    for leak in (
        "Traceback",
        "RuntimeError",
        "SELECT",
        "no_such_table",
        "secret_column",
        SECRET,
        database_url,
        'File "',
        ".py",
        "tortoise",
        "OperationalError",
    ):
        assert leak not in response.text, leak


@pytest.mark.parametrize("path", ["/boom", "/bad-sql"])
async def test_crash_is_a_generic_500_page(
    crashing_client: httpx.AsyncClient,
    database_url: str,
    path: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    response = await crashing_client.get(path)
    assert response.status_code == 500
    assert "<html" in response.text
    assert "500" in response.text
    assert_reveals_nothing(response, database_url)
    assert any(r.name == "huakai.web" and r.exc_info for r in caplog.records), (
        "the crash itself is logged for the operator"
    )


@sqlite_only
async def test_crash_is_a_fragment_for_partial_htmx(
    crashing_client: httpx.AsyncClient, database_url: str
) -> None:
    response = await crashing_client.get("/boom", headers=HTMX_PARTIAL)
    assert response.status_code == 500
    assert is_fragment(response.text)
    assert_reveals_nothing(response, database_url)


async def test_crash_for_a_signed_in_user_is_not_cached(
    crashing_client: httpx.AsyncClient, database_url: str
) -> None:
    await login(crashing_client, "crash-user")
    response = await crashing_client.get("/boom")
    assert response.status_code == 500
    assert response.headers.get("cache-control") == "no-store"
    assert_reveals_nothing(response, database_url)


@sqlite_only
async def test_crash_page_carries_the_security_headers(
    crashing_client: httpx.AsyncClient,
) -> None:
    response = await crashing_client.get("/boom")
    assert response.status_code == 500
    assert_security_headers(response)


@sqlite_only
async def test_crash_page_speaks_the_visitors_language(
    crashing_client: httpx.AsyncClient,
) -> None:
    response = await crashing_client.get("/boom", headers=ENGLISH)
    assert response.status_code == 500
    assert '<html lang="en">' in response.text


# --- Body limits (31) ----------------------------------------------------------------------------

LIMIT = 2048


@pytest.fixture
async def small_app(make_app: AppFactory) -> AsyncIterator[Starlette]:
    async with make_app(MAX_BODY_BYTES=LIMIT) as application:
        yield application


@pytest.fixture
async def small_client(small_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(small_app) as browser:
        yield browser


async def _chunks(token: str | None, size: int) -> AsyncIterator[bytes]:
    prefix = f"csrf_token={token}&" if token else ""
    yield f"{prefix}locale=en&display_name=".encode()
    sent = 0
    while sent < size:
        yield b"x" * 512
        sent += 512


async def test_declared_oversized_body_is_413(small_client: httpx.AsyncClient) -> None:
    token = await csrf_token(small_client)
    response = await small_client.post(
        "/language",
        data={"csrf_token": token, "locale": "en", "next": "/" + "x" * (LIMIT * 2)},
        headers=ENGLISH,
    )
    assert response.status_code == 413
    assert "<html" in response.text
    assert '<html lang="zh-Hans">' in (await small_client.get("/")).text, "nothing was applied"


@sqlite_only
async def test_413_page_speaks_the_visitors_language(small_client: httpx.AsyncClient) -> None:
    response = await small_client.post(
        "/language", content=b"x" * (LIMIT + 1), headers={**ENGLISH, "X-CSRF-Token": "t"}
    )
    assert response.status_code == 413
    assert "Too large" in response.text


@sqlite_only
async def test_body_just_under_the_limit_is_accepted(small_client: httpx.AsyncClient) -> None:
    token = await csrf_token(small_client)
    response = await small_client.post(
        "/language", data={"csrf_token": token, "locale": "en", "next": "/" + "x" * 1000}
    )
    assert response.status_code == 303


async def test_chunked_oversized_body_without_header_token_is_413(
    small_client: httpx.AsyncClient,
) -> None:
    token = await csrf_token(small_client)
    response = await small_client.post(
        "/language",
        content=_chunks(token, LIMIT * 4),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert response.status_code == 413


@sqlite_only
async def test_chunked_oversized_body_with_header_token_is_413(
    small_client: httpx.AsyncClient,
) -> None:
    user = await login(small_client, "chunky")
    token = await csrf_token(small_client)
    response = await small_client.post(
        "/profile",
        content=_chunks(None, LIMIT * 4),
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": token},
    )
    assert (await User.get(id=user.id)).display_name == "chunky"
    assert response.status_code == 413


async def test_chunked_oversized_body_read_by_an_endpoint_writes_nothing(
    small_client: httpx.AsyncClient,
) -> None:
    """Whatever the status, the oversized profile update is refused and changes nothing."""
    user = await login(small_client, "chunky2")
    token = await csrf_token(small_client)
    response = await small_client.post(
        "/profile",
        content=_chunks(None, LIMIT * 4),
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": token},
    )
    assert response.status_code in (400, 413)
    assert (await User.get(id=user.id)).display_name == "chunky2"


async def test_oversized_field_in_a_small_body_is_refused(client: httpx.AsyncClient) -> None:
    user = await login(client, "long-field")
    response = await post_form(
        client, "/profile", {"display_name": "x" * 10_001, "locale": "en"}, token_from="/profile"
    )
    assert response.status_code == 413
    assert (await User.get(id=user.id)).display_name == "long-field"


@sqlite_only
async def test_malformed_multipart_is_400_not_500(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    response = await client.post(
        "/language",
        content=b'--broken\r\nContent-Disposition: form-data; name="locale"\r\n\r\nen',
        headers={"Content-Type": "multipart/form-data; boundary=xyz", "X-CSRF-Token": token},
    )
    assert response.status_code == 400


@sqlite_only
async def test_hostile_path_renders_inert_on_the_404_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/c/%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E%7B%7B7*7%7D%7D")
    assert response.status_code == 404
    assert_inert(response.text)
    assert "<script>alert(1)" not in response.text


# --- Hostile addresses ---------------------------------------------------------------------------


@pytest.fixture
async def lenient_client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A browser that sees the 500 page instead of the exception."""
    async with client_for(app, raise_app_exceptions=False) as browser:
        yield browser


@sqlite_only
async def test_overlong_community_address_is_404(lenient_client: httpx.AsyncClient) -> None:
    slug = "x" * 65
    for path in (f"/c/{slug}", f"/c/{slug}/verify", f"/c/{slug}/committee/members"):
        response = await lenient_client.get(path)
        assert response.status_code in (303, 404), path


async def test_nul_in_a_community_address_is_404(lenient_client: httpx.AsyncClient) -> None:
    await login(lenient_client, "nul-visitor")
    for path in ("/c/a%00b", "/c/a%00b/verify", "/c/a%00b/committee/members"):
        response = await lenient_client.get(path)
        assert response.status_code == 404, path


# --- Methods no route takes: 405 with Allow, before the CSRF check ----------------------------


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "TRACE", "OPTIONS"])
async def test_a_method_no_route_takes_is_405_with_allow(
    client: httpx.AsyncClient, method: str
) -> None:
    await make_world()
    for path, allowed in (
        ("/c/yulin/proposals", "GET, HEAD, POST"),  # a GET route and a POST route
        ("/logout", "POST"),
        ("/c/yulin", "GET, HEAD"),
        ("/static/huakai.css", "GET, HEAD"),
    ):
        response = await client.request(method, path, headers=ENGLISH)
        assert response.status_code == 405, (method, path, response.status_code)
        assert response.headers["allow"] == allowed, (method, path)
        if method != "TRACE":
            assert "This action is not available here" in response.text
    missing = await client.request(method, "/no/such/page")
    assert missing.status_code == 404


# --- Form bodies that are not UTF-8: 400, nothing saved ----------------------------------------

LATIN1_NAME = "Zoë Müller".encode("latin-1")  # what a misconfigured client might send


@pytest.mark.parametrize("encoding", ["urlencoded-raw", "urlencoded-percent", "multipart"])
async def test_a_form_that_is_not_utf8_is_refused_and_saves_nothing(
    client: httpx.AsyncClient, encoding: str
) -> None:
    user = await login(client, "careful-typist")
    token = await csrf_token(client, "/profile")
    if encoding == "multipart":
        boundary = "huakai-boundary"
        parts = [
            (b"csrf_token", token.encode()),
            (b"display_name", LATIN1_NAME),
            (b"locale", b"en"),
        ]
        body = (
            b"".join(
                b"--"
                + boundary.encode()
                + b'\r\nContent-Disposition: form-data; name="'
                + name
                + b'"\r\n\r\n'
                + value
                + b"\r\n"
                for name, value in parts
            )
            + b"--"
            + boundary.encode()
            + b"--\r\n"
        )
        content_type = f"multipart/form-data; boundary={boundary}"
    else:
        name = (
            LATIN1_NAME if encoding == "urlencoded-raw" else quote_from_bytes(LATIN1_NAME).encode()
        )
        body = b"csrf_token=" + token.encode() + b"&locale=en&display_name=" + name
        content_type = "application/x-www-form-urlencoded"
    response = await client.post(
        "/profile", content=body, headers={"Content-Type": content_type, **ENGLISH}
    )
    assert response.status_code == 400
    assert "could not be read as text" in response.text
    stored = await User.get(id=user.id)
    assert (stored.display_name, stored.locale) == ("careful-typist", None)


async def test_the_same_name_sent_as_utf8_is_saved(client: httpx.AsyncClient) -> None:
    user = await login(client, "utf8-typist")
    response = await post_form(
        client,
        "/profile",
        {"display_name": "Zoë Müller 田秀芳", "locale": "en"},
        token_from="/profile",
    )
    assert response.status_code == 303
    assert (await User.get(id=user.id)).display_name == "Zoë Müller 田秀芳"


@sqlite_only
async def test_language_switch_comes_back_to_the_page_with_its_search(
    client: httpx.AsyncClient,
) -> None:
    """After an htmx filter change the header (and the form's ``next``) still names the list
    as it loaded; the browser's Referer names the page as the visitor sees it."""
    token = await csrf_token(client)
    searched = f"{BASE_URL}/c/yulin/proposals?q=%E8%8A%B1&status=submitted"
    for referer, back in (
        (searched, "/c/yulin/proposals?q=%E8%8A%B1&status=submitted"),
        ("https://evil.example/phish", "/c/yulin/proposals"),  # another site: the form's next
        (f"{BASE_URL}//evil.example/x", "/"),
    ):
        response = await client.post(
            "/language",
            data={"csrf_token": token, "locale": "en", "next": "/c/yulin/proposals"},
            headers={"Referer": referer},
        )
        assert response.status_code == 303
        assert response.headers["location"] == back, referer
