"""Settings: declared once, read from HUAKAI_* variables and an optional TOML file.

Every test passes its own environ mapping; os.environ is never read.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from web.core.settings import (
    SPECS,
    OIDCProvider,
    Settings,
    SettingsError,
    demo_provider,
    load_settings,
)

SECRET = "s" * 32
ENV = {"HUAKAI_SECRET_KEY": SECRET}

DISCOVERY = {
    "name": "keycloak",
    "label": "街道统一登录",
    "client_id": "huakai",
    "client_secret": "shh",
    "discovery_url": "https://id.example.org/realms/x/.well-known/openid-configuration",
}
EXPLICIT = {
    "name": "github",
    "label": "GitHub",
    "client_id": "abc",
    "authorize_url": "https://github.com/login/oauth/authorize",
    "token_url": "https://github.com/login/oauth/access_token",
    "userinfo_url": "https://api.github.com/user",
    "subject_claim": "id",
    "name_claim": "login",
}


def load(**env: str) -> Settings:
    return load_settings({**ENV, **{f"HUAKAI_{k}": v for k, v in env.items()}})


def providers_env(*providers: dict[str, Any]) -> dict[str, str]:
    return {**ENV, "HUAKAI_OIDC_PROVIDERS": json.dumps(list(providers))}


def write_toml(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "huakai.toml"
    path.write_text(text, encoding="utf-8")
    return {"HUAKAI_CONFIG": str(path)}


# Defaults


def test_every_setting_but_the_secret_has_its_declared_default() -> None:
    settings = load_settings(ENV)
    for spec in SPECS:
        if spec.name != "SECRET_KEY":
            assert getattr(settings, spec.name.lower()) == spec.default, spec.name


def test_defaults_are_a_safe_single_process_sqlite_site() -> None:
    settings = load_settings(ENV)
    assert settings.database_url.startswith("sqlite://")
    assert settings.demo is False
    assert settings.workers == 1
    assert settings.trusted_proxies == ()
    assert settings.oidc_providers == ()
    assert settings.default_locale == "zh_Hans"
    assert settings.https is False


def test_specs_and_settings_fields_are_the_same_set() -> None:
    names = [spec.name for spec in SPECS]
    assert len(names) == len(set(names))
    fields = set(Settings.__dataclass_fields__) - {"extra"}
    assert {name.lower() for name in names} == fields


def test_every_setting_has_help_text() -> None:
    assert all(spec.help.strip() for spec in SPECS)


def test_only_the_secret_key_is_marked_secret() -> None:
    assert [spec.name for spec in SPECS if spec.secret] == ["SECRET_KEY"]


# Environment parsing


def test_environment_values_are_parsed_to_their_types() -> None:
    settings = load(
        PORT="8080",
        WORKERS="1",
        DEMO_IDP_PORT="9500",
        MAX_BODY_BYTES="1024",
        BASE_URL="https://huakai.example.org/",
        ALLOWED_HOSTS=" www.huakai.example.org, ,huakai.internal ",
        TRUSTED_PROXIES="10.0.0.1,10.0.0.2",
        DEFAULT_LOCALE="en",
        DATABASE_URL="postgres://u:p@db:5432/huakai",
        MEDIA_ROOT="/srv/media",
    )
    assert settings.port == 8080
    assert settings.demo_idp_port == 9500
    assert settings.max_body_bytes == 1024
    assert settings.base_url == "https://huakai.example.org"
    assert settings.https is True
    assert settings.allowed_hosts == ("www.huakai.example.org", "huakai.internal")
    assert settings.hosts == ("huakai.example.org", "www.huakai.example.org", "huakai.internal")
    assert settings.trusted_proxies == ("10.0.0.1", "10.0.0.2")
    assert settings.default_locale == "en"
    assert settings.database_url == "postgres://u:p@db:5432/huakai"
    assert settings.media_root == "/srv/media"


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " On "])
def test_true_spellings(raw: str) -> None:
    assert load(DEMO=raw).demo is True


@pytest.mark.parametrize("raw", ["0", "false", "no", "off", ""])
def test_false_spellings(raw: str) -> None:
    assert load(DEMO=raw).demo is False


def test_variables_without_the_prefix_are_ignored() -> None:
    settings = load_settings({**ENV, "PORT": "1", "PATH": "/bin", "huakai_port": "2"})
    assert settings.port == 8000


def test_unknown_huakai_variable_stops_start_up_naming_it() -> None:
    with pytest.raises(SettingsError, match="HUAKAI_FOO"):
        load_settings({**ENV, "HUAKAI_FOO": "1"})


def test_unknown_override_is_refused() -> None:
    with pytest.raises(SettingsError, match="FOO"):
        load_settings(ENV, {"FOO": 1})


def test_overrides_win_over_the_environment() -> None:
    assert load_settings({**ENV, "HUAKAI_PORT": "8080"}, {"PORT": 9090}).port == 9090


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "eighty"),
        ("PORT", "-1"),
        ("PORT", "8.5"),
        ("PORT", ""),
        ("WORKERS", "many"),
        ("MAX_BODY_BYTES", "12MB"),
        ("SESSION_MAX_AGE_DAYS", "-14"),
        ("LOGIN_TIMEOUT_SECONDS", "ten"),
        ("DEMO", "maybe"),
        ("DEMO", "2"),
        ("BASE_URL", "huakai.example.org"),
        ("BASE_URL", "ftp://huakai.example.org"),
        ("BASE_URL", "https://huakai.example.org/app"),
        ("BASE_URL", "https://huakai.example.org/?x=1"),
        ("BASE_URL", "https://"),
        ("DEFAULT_LOCALE", "fr"),
        ("DEFAULT_LOCALE", "zh"),
        ("DEFAULT_LOCALE", "zh-Hans"),
        ("DATABASE_URL", "mysql://u:p@db/huakai"),
        ("DATABASE_URL", "huakai.sqlite3"),
        ("OIDC_PROVIDERS", "not json"),
        ("OIDC_PROVIDERS", '{"name": "x"}'),
    ],
)
def test_invalid_value_stops_start_up_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"HUAKAI_{name}"):
        load(**{name: value})


def test_boolean_override_is_not_taken_for_a_number() -> None:
    with pytest.raises(SettingsError, match="HUAKAI_PORT"):
        load_settings(ENV, {"PORT": True})


# TOML file


def test_toml_file_named_by_huakai_config_is_read(tmp_path: Path) -> None:
    env = write_toml(
        tmp_path,
        """
        [huakai]
        port = 8123
        demo = false
        base_url = "https://huakai.example.org"
        allowed_hosts = ["a.example.org", "b.example.org"]
        """,
    )
    settings = load_settings({**ENV, **env})
    assert settings.port == 8123
    assert settings.base_url == "https://huakai.example.org"
    assert settings.allowed_hosts == ("a.example.org", "b.example.org")


def test_toml_keys_may_stand_at_top_level_in_either_case(tmp_path: Path) -> None:
    env = write_toml(tmp_path, 'PORT = 8124\nmedia_root = "/srv/m"\n')
    settings = load_settings({**ENV, **env})
    assert (settings.port, settings.media_root) == (8124, "/srv/m")


def test_unknown_toml_key_stops_start_up_naming_key_and_file(tmp_path: Path) -> None:
    env = write_toml(tmp_path, "[huakai]\nprot = 8000\n")
    with pytest.raises(SettingsError, match="PROT") as caught:
        load_settings({**ENV, **env})
    assert "huakai.toml" in str(caught.value)


def test_invalid_toml_value_names_the_setting(tmp_path: Path) -> None:
    env = write_toml(tmp_path, '[huakai]\nport = "eighty"\n')
    with pytest.raises(SettingsError, match="HUAKAI_PORT"):
        load_settings({**ENV, **env})


def test_environment_wins_over_the_toml_file(tmp_path: Path) -> None:
    env = write_toml(tmp_path, "[huakai]\nport = 8123\nworkers = 1\n")
    settings = load_settings({**ENV, **env, "HUAKAI_PORT": "9000"})
    assert settings.port == 9000
    assert settings.workers == 1


def test_secret_key_may_come_from_the_toml_file(tmp_path: Path) -> None:
    env = write_toml(tmp_path, f'[huakai]\nsecret_key = "{"k" * 40}"\n')
    assert load_settings(env).secret_key == "k" * 40


def test_missing_toml_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings({**ENV, "HUAKAI_CONFIG": str(tmp_path / "nope.toml")})


def test_malformed_toml_file_is_a_clear_error(tmp_path: Path) -> None:
    env = write_toml(tmp_path, "[huakai\nport = \n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings({**ENV, **env})


def test_providers_as_a_toml_array_of_tables(tmp_path: Path) -> None:
    env = write_toml(
        tmp_path,
        """
        [[huakai.oidc_providers]]
        name = "keycloak"
        label = "街道统一登录"
        client_id = "huakai"
        discovery_url = "https://id.example.org/.well-known/openid-configuration"
        """,
    )
    [provider] = load_settings({**ENV, **env}).oidc_providers
    assert provider.name == "keycloak"
    assert provider.is_oidc


# Identity providers


def test_provider_with_discovery_url_is_openid_connect() -> None:
    settings = load_settings(providers_env(DISCOVERY))
    provider = settings.provider("keycloak")
    assert provider == OIDCProvider(**DISCOVERY)
    assert provider.is_oidc
    assert provider.scopes == "openid profile email"
    assert provider.subject_claim == "sub"


def test_provider_with_explicit_endpoints_is_plain_oauth2() -> None:
    settings = load_settings(providers_env(DISCOVERY, EXPLICIT))
    github = settings.provider("github")
    assert github is not None
    assert not github.is_oidc
    assert (github.subject_claim, github.name_claim) == ("id", "login")
    assert [p.name for p in settings.oidc_providers] == ["keycloak", "github"]
    assert settings.provider("nope") is None


@pytest.mark.parametrize(
    ("provider", "message"),
    [
        ({k: v for k, v in DISCOVERY.items() if k != "client_id"}, "name, label and client_id"),
        ({k: v for k, v in DISCOVERY.items() if k != "label"}, "name, label and client_id"),
        ({k: v for k, v in DISCOVERY.items() if k != "discovery_url"}, "needs discovery_url"),
        ({k: v for k, v in EXPLICIT.items() if k != "userinfo_url"}, "needs discovery_url"),
        ({**DISCOVERY, "client_sekret": "x"}, "unknown provider keys: client_sekret"),
        ({**DISCOVERY, "name": "my provider"}, "simple identifier"),
        ({**DISCOVERY, "name": "../x"}, "simple identifier"),
    ],
)
def test_incomplete_or_malformed_provider_is_refused(
    provider: dict[str, Any], message: str
) -> None:
    with pytest.raises(SettingsError, match="HUAKAI_OIDC_PROVIDERS") as caught:
        load_settings(providers_env(provider))
    assert message in str(caught.value)


def test_provider_list_items_must_be_tables() -> None:
    with pytest.raises(SettingsError, match="HUAKAI_OIDC_PROVIDERS"):
        load_settings({**ENV, "HUAKAI_OIDC_PROVIDERS": '["keycloak"]'})


def test_duplicate_provider_names_are_refused() -> None:
    with pytest.raises(SettingsError, match="unique"):
        load_settings(providers_env(DISCOVERY, {**EXPLICIT, "name": "keycloak"}))


def test_provider_name_demo_is_reserved_outside_demo_mode() -> None:
    with pytest.raises(SettingsError, match="reserved"):
        load_settings(providers_env({**DISCOVERY, "name": "demo"}))


def test_provider_name_demo_is_allowed_in_demo_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # demo mode keeps its secret key in ./var
    env = {**providers_env({**DISCOVERY, "name": "demo"}), "HUAKAI_DEMO": "1"}
    assert load_settings(env).provider("demo") is not None


def test_demo_base_url_follows_the_port_unless_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # demo mode keeps its secret key in ./var
    demo = {"HUAKAI_DEMO": "1", "HUAKAI_PORT": "8811"}
    assert load_settings(demo).base_url == "http://127.0.0.1:8811"
    given = {**demo, "HUAKAI_BASE_URL": "http://127.0.0.1:9000"}
    assert load_settings(given).base_url == "http://127.0.0.1:9000"
    assert load_settings({"HUAKAI_DEMO": "1"}).base_url == "http://127.0.0.1:8000"
    outside = {"HUAKAI_PORT": "8811", "HUAKAI_SECRET_KEY": "k" * 40}
    assert load_settings(outside).base_url == "http://127.0.0.1:8000"


def test_demo_provider_points_at_the_local_discovery_document() -> None:
    provider = demo_provider("http://127.0.0.1:9400")
    assert provider.name == "demo"
    assert provider.discovery_url == "http://127.0.0.1:9400/.well-known/openid-configuration"


# Secret key


def test_secret_key_is_required_outside_demo_mode() -> None:
    with pytest.raises(SettingsError, match="HUAKAI_SECRET_KEY is required"):
        load_settings({})


def test_secret_key_of_31_characters_is_refused() -> None:
    with pytest.raises(SettingsError, match="HUAKAI_SECRET_KEY must be at least 32"):
        load_settings({"HUAKAI_SECRET_KEY": "k" * 31})


def test_secret_key_of_32_characters_is_accepted() -> None:
    assert load_settings({"HUAKAI_SECRET_KEY": "k" * 32}).secret_key == "k" * 32


def test_short_secret_key_is_refused_in_demo_mode_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError, match="at least 32"):
        load_settings({"HUAKAI_DEMO": "1", "HUAKAI_SECRET_KEY": "short"})


def test_demo_mode_makes_up_a_private_secret_key_and_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first = load_settings({"HUAKAI_DEMO": "1"})
    key_file = tmp_path / "var" / "demo-secret-key"
    assert len(first.secret_key) >= 32
    assert key_file.read_text() == first.secret_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_settings({"HUAKAI_DEMO": "1"}).secret_key == first.secret_key


def test_explicit_secret_key_wins_in_demo_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings({"HUAKAI_DEMO": "1", **ENV}).secret_key == SECRET
    assert not (tmp_path / "var").exists()


# Workers


def test_workers_above_one_with_sqlite_are_refused() -> None:
    with pytest.raises(SettingsError, match="HUAKAI_WORKERS"):
        load(WORKERS="2")


def test_workers_above_one_with_postgres_are_accepted() -> None:
    settings = load(WORKERS="4", DATABASE_URL="postgres://u:p@db:5432/huakai")
    assert settings.workers == 4


def test_zero_workers_are_refused() -> None:
    with pytest.raises(SettingsError, match="HUAKAI_WORKERS must be at least 1"):
        load(WORKERS="0")


def test_replace_returns_changed_copy() -> None:
    settings = load_settings(ENV)
    changed = settings.replace(port=1234)
    assert (changed.port, settings.port) == (1234, 8000)
    assert changed.secret_key == settings.secret_key
