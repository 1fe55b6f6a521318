"""Database configuration and the domain errors services raise."""

from __future__ import annotations

from participation.core.db import APP_LABEL, MODEL_MODULES, connection_label, tortoise_config
from participation.core.errors import Busy, Conflict, Invalid, NotAllowed, NotFound, RateLimited


def test_each_backend_gets_its_own_connection_label() -> None:
    assert connection_label("sqlite://var/huakai.sqlite3") == "sqlite"
    assert connection_label("postgres://u:p@db/huakai") == "postgres"
    assert connection_label("asyncpg://u:p@db/huakai") == "postgres"


def test_sqlite_connections_wait_for_locks_and_use_wal() -> None:
    url = tortoise_config("sqlite://var/huakai.sqlite3")["connections"]["sqlite"]
    assert "busy_timeout=" in url
    assert "journal_mode=WAL" in url


def test_explicit_sqlite_busy_timeout_is_kept() -> None:
    url = tortoise_config("sqlite://x.sqlite3?busy_timeout=50")["connections"]["sqlite"]
    assert url == "sqlite://x.sqlite3?busy_timeout=50"


def test_postgres_url_is_passed_through() -> None:
    config = tortoise_config("postgres://u:p@db:5432/huakai")
    assert config["connections"] == {"postgres": "postgres://u:p@db:5432/huakai"}
    assert config["apps"][APP_LABEL]["default_connection"] == "postgres"
    assert config["apps"][APP_LABEL]["models"] == MODEL_MODULES
    assert config["use_tz"] is True


def test_domain_error_fills_its_placeholders() -> None:
    error = Invalid("At most %(max)s codes at a time.", field="labels", max=500)
    assert str(error) == "At most 500 codes at a time."
    assert error.message == "At most %(max)s codes at a time."
    assert error.params == {"max": 500}
    assert error.field == "labels"


def test_domain_errors_have_default_messages() -> None:
    for error_class in (NotAllowed, NotFound, Invalid, Conflict, Busy):
        assert str(error_class()) == error_class.default_message


def test_message_with_percent_sign_but_no_params_is_kept_verbatim() -> None:
    assert str(Invalid("100% wrong")) == "100% wrong"


def test_rate_limited_carries_retry_after() -> None:
    error = RateLimited(retry_after=42)
    assert error.retry_after == 42
    assert str(error) == RateLimited.default_message
    assert Busy.retry_after > 0
