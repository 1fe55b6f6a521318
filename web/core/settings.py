"""Huakai's settings, declared once: name, type, default and help.

Values come from environment variables ``HUAKAI_<NAME>`` and, optionally, a TOML file
named by ``HUAKAI_CONFIG`` (environment wins). An unknown or invalid setting stops start-up
with a message that names it.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from participation.core.errors import N_
from web.core.setting_values import (
    OIDCProvider,
    SettingsError,
    parse_bool,
    parse_database_url,
    parse_int,
    parse_list,
    parse_locale,
    parse_providers,
    parse_str,
    parse_tile_url,
    parse_url,
)

ENV_PREFIX = "HUAKAI_"
CONFIG_ENV = "HUAKAI_CONFIG"


@dataclass(frozen=True)
class SettingSpec:
    name: str
    parse: Callable[[Any], Any]
    default: Any
    help: str
    secret: bool = False


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "DATABASE_URL",
        parse_database_url,
        "sqlite://var/huakai.sqlite3",
        "Database: sqlite://PATH (WAL mode) or postgres://USER:PASS@HOST:PORT/NAME.",
    ),
    SettingSpec(
        "SECRET_KEY",
        parse_str,
        "",
        "Signs sessions and CSRF tokens. Required outside demo mode; at least 32 "
        "characters. Changing it signs everybody out.",
        secret=True,
    ),
    SettingSpec(
        "BASE_URL",
        parse_url,
        "http://127.0.0.1:8000",
        "Public URL of the site (scheme://host[:port]). Used for OIDC redirect URIs, "
        "the allowed Host header, Secure cookies when https, and the proposal pages that "
        "a vote's open data links to. In demo mode it defaults to http://127.0.0.1:PORT.",
    ),
    SettingSpec(
        "ALLOWED_HOSTS",
        parse_list,
        (),
        "Extra Host header values accepted besides BASE_URL's host (comma-separated).",
    ),
    SettingSpec("MEDIA_ROOT", parse_str, "var/media", "Directory where uploaded photos are kept."),
    SettingSpec(
        "OIDC_PROVIDERS",
        parse_providers,
        (),
        "JSON list (or TOML array of tables) of identity providers: name, label, "
        "client_id, client_secret, discovery_url or authorize_url+token_url+"
        "userinfo_url, scopes, subject_claim, name_claim.",
    ),
    SettingSpec(
        "DEFAULT_LOCALE",
        parse_locale,
        "zh_Hans",
        "Language used when neither the user nor the browser says otherwise.",
    ),
    SettingSpec(
        "TRUSTED_PROXIES",
        parse_list,
        (),
        "IP addresses of reverse proxies whose X-Forwarded-For is believed "
        "(comma-separated). Empty: the peer address is the client.",
    ),
    SettingSpec(
        "DEMO",
        parse_bool,
        False,
        "Demo mode: generates a secret key under ./var and allows the local demo "
        "identity provider. Never enable in production.",
    ),
    SettingSpec(
        "DEMO_IDP_PORT",
        parse_int,
        9400,
        "Port of the local demo identity provider (demo mode only).",
    ),
    SettingSpec("HOST", parse_str, "127.0.0.1", "Address `huakai serve` listens on."),
    SettingSpec("PORT", parse_int, 8000, "Port `huakai serve` listens on."),
    SettingSpec(
        "WORKERS",
        parse_int,
        1,
        "Worker processes for `huakai serve`; more than 1 needs PostgreSQL.",
    ),
    SettingSpec(
        "MAX_BODY_BYTES",
        parse_int,
        12 * 1024 * 1024,
        "Largest request body accepted; larger requests get 413 while streaming.",
    ),
    SettingSpec(
        "LOGIN_TIMEOUT_SECONDS",
        parse_int,
        10,
        "How long to wait for an identity provider before showing 'login unavailable'.",
    ),
    SettingSpec("SESSION_MAX_AGE_DAYS", parse_int, 14, "Days a sign-in lasts."),
    SettingSpec(
        "MAP_TILE_URL",
        parse_tile_url,
        "",
        "Map tiles for the plot map, as a URL template with {z}, {x} and {y} ({s} for "
        "subdomains). Empty: the map shows plots on a plain background. The list and plot "
        "pages never need it.",
    ),
    SettingSpec(
        "MAP_ATTRIBUTION",
        parse_str,
        "",
        "The credit the tile provider asks for, shown on the map.",
    ),
    SettingSpec(
        "SMTP_URL",
        parse_str,
        "",
        "Where mail is sent: smtp://user:password@host:587 (STARTTLS when offered) or "
        "smtps://host:465 (TLS). Empty: no mail is sent; it waits in the outbox.",
    ),
    SettingSpec(
        "MAIL_FROM",
        parse_str,
        "Huakai 花开 <huakai@localhost>",
        "The From of every mail.",
    ),
    SettingSpec(
        "OPEN_DATA_LICENCE",
        parse_str,
        "CC-BY-4.0",
        "The licence the open data files are published under (an SPDX identifier), shown "
        "on each community's data page and in every JSON file.",
    ),
    SettingSpec(
        "FOLLOW_UP_MINUTES",
        parse_int,
        60,
        "How often each worker warns teams whose adopted plot has gone without care, and "
        "asks the committee about plots quiet for longer (never releasing anything). 0: "
        "never; run `huakai follow-up` from cron instead.",
    ),
    SettingSpec(
        "PAGE_CACHE_SECONDS",
        parse_int,
        5,
        "How long a public page rendered for visitors who are not signed in is reused by "
        "this worker (any change made through this worker discards it at once). 0 turns "
        "the cache off.",
    ),
)

SPEC_BY_NAME = {spec.name: spec for spec in SPECS}


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    base_url: str
    allowed_hosts: tuple[str, ...]
    media_root: str
    oidc_providers: tuple[OIDCProvider, ...]
    default_locale: str
    trusted_proxies: tuple[str, ...]
    demo: bool
    demo_idp_port: int
    host: str
    port: int
    workers: int
    max_body_bytes: int
    login_timeout_seconds: int
    session_max_age_days: int
    page_cache_seconds: int
    follow_up_minutes: int
    map_tile_url: str
    map_attribution: str
    open_data_licence: str
    smtp_url: str
    mail_from: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def hosts(self) -> tuple[str, ...]:
        own = urlsplit(self.base_url).hostname or ""
        return (own, *self.allowed_hosts)

    def provider(self, name: str) -> OIDCProvider | None:
        return next((p for p in self.oidc_providers if p.name == name), None)

    def replace(self, **changes: Any) -> Settings:
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values.update(changes)
        return Settings(**values)


def _read_toml(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise SettingsError(f"{CONFIG_ENV}: file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{CONFIG_ENV}: {path} is not valid TOML: {exc}") from exc
    section = data.get("huakai", data)
    return {str(k).upper(): v for k, v in section.items()}


def load_settings(
    environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """Build Settings from a TOML file, the environment and explicit overrides, in that order."""
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    config_path = environ.get(CONFIG_ENV)
    if config_path:
        for name, value in _read_toml(config_path).items():
            if name not in SPEC_BY_NAME:
                raise SettingsError(f"{config_path}: unknown setting {name!r}")
            raw[name] = value
    for key, value in environ.items():
        if not key.startswith(ENV_PREFIX) or key == CONFIG_ENV:
            continue
        name = key.removeprefix(ENV_PREFIX)
        if name not in SPEC_BY_NAME:
            raise SettingsError(f"unknown setting {key}; see README for the list")
        raw[name] = value
    for name, value in (overrides or {}).items():
        if name not in SPEC_BY_NAME:
            raise SettingsError(f"unknown setting {name}")
        raw[name] = value

    values: dict[str, Any] = {}
    for spec in SPECS:
        if spec.name in raw:
            try:
                values[spec.name.lower()] = spec.parse(raw[spec.name])
            except (ValueError, TypeError) as exc:
                raise SettingsError(f"{ENV_PREFIX}{spec.name}: {exc}") from exc
        else:
            values[spec.name.lower()] = spec.default
    if values["demo"] and "BASE_URL" not in raw:
        # The demo runs where it listens: sign-in must come back to that port.
        values["base_url"] = f"http://127.0.0.1:{values['port']}"
    settings = Settings(**values)
    return _finish(settings)


def _finish(settings: Settings) -> Settings:
    if settings.demo and not settings.secret_key:
        settings = settings.replace(secret_key=_demo_secret_key())
    if not settings.secret_key:
        raise SettingsError(
            f"{ENV_PREFIX}SECRET_KEY is required (e.g. `python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'`); only demo mode makes one up"
        )
    if len(settings.secret_key) < 32:
        raise SettingsError(f"{ENV_PREFIX}SECRET_KEY must be at least 32 characters long")
    if not settings.demo and any(p.name == DEMO_PROVIDER_NAME for p in settings.oidc_providers):
        raise SettingsError(
            f"{ENV_PREFIX}OIDC_PROVIDERS: provider name {DEMO_PROVIDER_NAME!r} is reserved for "
            "the demo identity provider"
        )
    if settings.workers < 1:
        raise SettingsError(f"{ENV_PREFIX}WORKERS must be at least 1")
    if settings.workers > 1 and settings.database_url.startswith("sqlite"):
        raise SettingsError(
            f"{ENV_PREFIX}WORKERS > 1 needs PostgreSQL: SQLite allows a single writer"
        )
    return settings


DEMO_PROVIDER_NAME = "demo"
# Translated where shown (templates/accounts/sign_in.html); other providers' labels are the
# operator's own words.
DEMO_PROVIDER_LABEL = N_("Demo identity provider")


def _demo_secret_key() -> str:
    path = Path("var") / "demo-secret-key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created private: never readable by others, not even for a moment.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def demo_provider(idp_url: str) -> OIDCProvider:
    """The local identity provider registered in demo and test settings only."""
    return OIDCProvider(
        name=DEMO_PROVIDER_NAME,
        label=DEMO_PROVIDER_LABEL,
        client_id="huakai-demo",
        client_secret="huakai-demo-secret",  # noqa: S106 - the mock provider accepts any
        discovery_url=f"{idp_url}/.well-known/openid-configuration",
    )
