"""Helpers for the web tier: the session cookie, inert-HTML checks and database snapshots."""

from __future__ import annotations

import html
import json
from base64 import b64decode, b64encode
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from itsdangerous import TimestampSigner
from starlette.applications import Starlette

from participation.accounts.models import User
from participation.audit.models import AuditEntry
from participation.communities.models import (
    Community,
    Household,
    HouseholdCode,
    Membership,
    VerificationRequest,
)
from tests.support import BASE_URL, SECRET, World
from web.app import SESSION_COOKIE

HTMX_PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}
ENGLISH = {"Accept-Language": "en"}


def client_for(
    app: Starlette,
    ip: str = "203.0.113.50",
    *,
    base_url: str = BASE_URL,
    raise_app_exceptions: bool = True,
) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(
        app=app, client=(ip, 50000), raise_app_exceptions=raise_app_exceptions
    )
    return httpx.AsyncClient(transport=transport, base_url=base_url)


# --- The signed session cookie (Starlette SessionMiddleware: signed base64 JSON) -------------


def read_session(cookie: str, secret: str = SECRET) -> dict[str, Any]:
    payload = TimestampSigner(secret).unsign(cookie.encode())
    data: dict[str, Any] = json.loads(b64decode(payload))
    return data


def write_session(data: dict[str, Any], secret: str = SECRET) -> str:
    payload = b64encode(json.dumps(data).encode())
    return TimestampSigner(secret).sign(payload).decode()


def session_cookie(client: httpx.AsyncClient) -> str | None:
    return client.cookies.get(SESSION_COOKIE)


def set_session_cookie(client: httpx.AsyncClient, value: str) -> None:
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, value, domain="127.0.0.1", path="/")


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


# --- Is this HTML inert? ------------------------------------------------------------------------


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.has_html = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.has_html = True
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.problems.append(f"live <script> {attrs}")
        if tag in {"img", "svg", "iframe", "object", "embed", "math", "base"}:
            self.problems.append(f"injected <{tag}> {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name.startswith(("hx-on", "data-hx-on")):
                self.problems.append(f"htmx handler {name}={value!r} on <{tag}>")
            if name in {"hx-get", "hx-trigger", "data-hx-get", "data-hx-trigger"}:
                self.problems.append(f"injected {name}={value!r} on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in {name} on <{tag}>")


def assert_inert(page: str, *shown: str) -> None:
    """No injected tag, handler or htmx attribute; each ``shown`` text is visible, literally."""
    scanner = _Scanner()
    scanner.feed(page)
    scanner.close()
    assert not scanner.problems, scanner.problems
    text = html.unescape(page)
    for value in shown:
        assert value in text, f"{value!r} is not shown on the page"
        if "{{7*7}}" in value:
            # The template syntax is shown as typed, never evaluated.
            assert "{{7*7}}" in page


def is_fragment(page: str) -> bool:
    return "<html" not in page.lower() and "<body" not in page.lower()


# --- Database snapshots: a forbidden write must change nothing ----------------------------------


async def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        "user": sorted(
            await User.all().values_list(
                "id", "display_name", "locale", "is_admin", "disabled", "session_version"
            )
        ),
        "community": sorted(
            await Community.all().values_list(
                "id",
                "slug",
                "name",
                "verify_by_code",
                "verify_by_request",
                "household_member_cap",
                "default_locale",
            )
        ),
        "membership": sorted(
            await Membership.all().values_list(
                "id",
                "user_id",
                "community_id",
                "household_id",
                "verified_at",
                "is_volunteer",
                "is_committee",
            )
        ),
        "household": sorted(
            await Household.all().values_list("id", "community_id", "label", "verified_count")
        ),
        "household_code": sorted(
            await HouseholdCode.all().values_list(
                "id", "household_id", "redeemed_by_id", "redeemed_at", "revoked_at"
            )
        ),
        "verification_request": sorted(
            await VerificationRequest.all().values_list(
                "id", "membership_id", "household_label", "note", "status", "reason"
            )
        ),
        "audit_entry": sorted(await AuditEntry.all().values_list("id", "action", "target")),
    }


async def csrf_of(client: httpx.AsyncClient, path: str = "/") -> str:
    from tests.support import csrf_from

    return csrf_from((await client.get(path)).text)


# Checks where the database backend cannot matter run once, on SQLite, to keep the tier fast.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@dataclass
class Scene:
    """Two communities with things to act on: codes, a pending request and a member each."""

    world: World
    target: User  # an unverified member of the community, with a pending request
    request_id: int
    code_id: int  # an unused code (household 3栋301)
    code: str  # the plain text of another unused code (household 3栋302), as on its slip
    other_request_id: int  # the same kinds of things in the other community
    other_code_id: int


async def build_scene(world: World) -> Scene:
    from participation.communities import services
    from participation.permissions import Actor
    from tests.support import make_user, now

    community, other = world.community, world.other
    target = await make_user("scene-target", "邻居小王")
    request = await services.request_verification(
        Actor(user_id=target.id), community.id, household_label="2栋201", note="", now=now()
    )
    revocable, redeemable = await services.issue_household_codes(
        None, community.id, ["3栋301", "3栋302"], now=now()
    )
    code = await HouseholdCode.get(household__label=revocable.household)

    outsider = await make_user("scene-outsider", "别处的人")
    other_request = await services.request_verification(
        Actor(user_id=outsider.id), other.id, household_label="9栋901", note="", now=now()
    )
    await services.issue_household_codes(None, other.id, ["9栋902"], now=now())
    other_code = await HouseholdCode.get(household__community_id=other.id)
    return Scene(
        world=world,
        target=target,
        request_id=request.id,
        code_id=code.id,
        code=redeemable.code,
        other_request_id=other_request.id,
        other_code_id=other_code.id,
    )
