"""The kinds of value a setting takes, each read from an environment variable or TOML: flags,
numbers, URLs, the database, locales and identity providers. web/core/settings.py declares
which setting takes which."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError


class SettingsError(ValueError):
    """A configuration problem, worded for the person starting Huakai."""


@dataclass(frozen=True)
class OIDCProvider:
    """One identity provider users may sign in with.

    Either ``discovery_url`` (OpenID Connect) or the three explicit endpoints (plain OAuth2,
    e.g. GitHub) must be given.
    """

    name: str
    label: str
    client_id: str
    client_secret: str = ""
    discovery_url: str = ""
    authorize_url: str = ""
    token_url: str = ""
    userinfo_url: str = ""
    scopes: str = "openid profile email"
    subject_claim: str = "sub"
    name_claim: str = "name"

    @property
    def is_oidc(self) -> bool:
        return bool(self.discovery_url)


def parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected true or false")


def parse_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError("expected a whole number")
    value = int(raw)
    if value < 0:
        raise ValueError("must not be negative")
    return value


def parse_str(raw: Any) -> str:
    if not isinstance(raw, str | int | float):
        raise ValueError("expected text")
    return str(raw)


def parse_list(raw: Any) -> tuple[str, ...]:
    if isinstance(raw, list | tuple):
        return tuple(str(item).strip() for item in raw if str(item).strip())
    return tuple(part.strip() for part in str(raw).split(",") if part.strip())


def parse_url(raw: Any) -> str:
    text = parse_str(raw).rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("expected an absolute http(s) URL")
    if parts.path not in {"", "/"} or parts.query or parts.fragment:
        raise ValueError("must be scheme://host[:port] without a path")
    return text


def parse_tile_url(raw: Any) -> str:
    """A map tile URL template such as https://tile.example/{z}/{x}/{y}.png; empty: no tiles."""
    text = parse_str(raw)
    if not text:
        return ""
    parts = urlsplit(text.replace("{s}", "a"))
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("expected an absolute http(s) URL template")
    if not all(part in text for part in ("{z}", "{x}", "{y}")):
        raise ValueError("must contain {z}, {x} and {y}")
    if any(ch in text for ch in "'\" ;\n"):
        raise ValueError("must not contain quotes, spaces or semicolons")
    return text


def tile_origin(tile_url: str) -> str:
    """The origin the map loads tiles from, for the Content-Security-Policy ({s} subdomains
    become a wildcard)."""
    if not tile_url:
        return ""
    parts = urlsplit(tile_url)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def parse_database_url(raw: Any) -> str:
    text = parse_str(raw)
    scheme = text.split("://", 1)[0]
    if scheme not in {"sqlite", "postgres", "asyncpg"}:
        raise ValueError("expected sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/NAME")
    return text


def parse_locale(raw: Any) -> str:
    text = parse_str(raw)
    if text not in SUPPORTED_LOCALES:
        raise ValueError(f"expected one of {', '.join(SUPPORTED_LOCALES)}")
    try:
        Locale.parse(text)
    except (UnknownLocaleError, ValueError) as exc:  # pragma: no cover - guarded above
        raise ValueError(str(exc)) from exc
    return text


PROVIDER_FIELDS = set(OIDCProvider.__dataclass_fields__)


def parse_providers(raw: Any) -> tuple[OIDCProvider, ...]:
    items = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(items, list):
        raise ValueError("expected a list of providers")
    providers = []
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("each provider is a table with name, label, client_id, ...")
        unknown = set(item) - PROVIDER_FIELDS
        if unknown:
            raise ValueError(f"unknown provider keys: {', '.join(sorted(unknown))}")
        try:
            provider = OIDCProvider(**{k: str(v) for k, v in item.items()})
        except TypeError as exc:
            raise ValueError("each provider needs name, label and client_id") from exc
        if not provider.name.isidentifier():
            raise ValueError(f"provider name {provider.name!r} must be a simple identifier")
        explicit = provider.authorize_url and provider.token_url and provider.userinfo_url
        if not provider.discovery_url and not explicit:
            raise ValueError(
                f"provider {provider.name!r} needs discovery_url, or authorize_url, "
                "token_url and userinfo_url"
            )
        providers.append(provider)
    names = [p.name for p in providers]
    if len(set(names)) != len(names):
        raise ValueError("provider names must be unique")
    return tuple(providers)


SUPPORTED_LOCALES = ("zh_Hans", "en")
