"""Tortoise's configuration: one app, one connection per backend."""

from __future__ import annotations

from typing import Any

APP_LABEL = "huakai"
# Every capability's models (as module names: the kernel imports no capability).
MODEL_MODULES = [
    "participation.accounts.models",
    "participation.communities.models",
    "participation.audit.models",
    "participation.ratelimit.models",
    "participation.notifications.models",
    "participation.comments.models",
    "participation.proposals.models",
    "participation.media.models",
    "participation.voting.models",
    "participation.plots.models",
    "participation.conventions.models",
    "participation.moderation.models",
    "participation.mail.models",
]
SQLITE_BUSY_TIMEOUT_MS = 5000
# Every SQLite connection's settings, tortoise's and the loop's own (core/db/fast.py).
SQLITE_PRAGMAS = {
    "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
    "journal_mode": "WAL",
    "synchronous": "NORMAL",
    "foreign_keys": "ON",
}
# A lookup on the event loop's thread waits at most this long for a lock (WAL readers almost
# never wait); it blocks the whole worker while it waits.
SQLITE_READ_TIMEOUT_MS = 200


def connection_label(database_url: str) -> str:
    """One label per backend: tortoise caches SQL per label, and the dialects differ."""
    return "sqlite" if database_url.startswith("sqlite") else "postgres"


def _normalise_url(database_url: str) -> str:
    if database_url.startswith("sqlite://") and "busy_timeout" not in database_url:
        sep = "&" if "?" in database_url else "?"
        # WAL with synchronous=NORMAL: a commit survives the app crashing (it is in the WAL);
        # only an OS crash or power cut may lose the last moments of writes, never corrupt the
        # file. FULL fsyncs every commit and halved ballot throughput. PostgreSQL is the
        # choice where even that matters.
        pragmas = "&".join(f"{name}={value}" for name, value in SQLITE_PRAGMAS.items())
        return f"{database_url}{sep}{pragmas}"
    return database_url


def sqlite_file(database_url: str) -> str | None:
    """The database file of a ``sqlite://`` URL (None for PostgreSQL or in memory)."""
    if not database_url.startswith("sqlite://"):
        return None
    path = database_url.removeprefix("sqlite://").split("?", 1)[0]
    return path if path and path != ":memory:" else None


def tortoise_config(database_url: str) -> dict[str, Any]:
    label = connection_label(database_url)
    return {
        "connections": {label: _normalise_url(database_url)},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": label,
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# Read by `tortoise makemigrations` (see [tool.tortoise] in pyproject.toml).
TORTOISE_ORM = tortoise_config("sqlite://var/makemigrations.sqlite3")
