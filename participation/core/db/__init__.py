"""The database: the one package that reaches it (connections, transactions, migrations,
health, plain SQL and transactions written as steps). Built on tortoise's public API and the
standard library's sqlite3."""

from participation.core.db.config import (
    APP_LABEL,
    MODEL_MODULES,
    SQLITE_BUSY_TIMEOUT_MS,
    TORTOISE_ORM,
    connection_label,
    tortoise_config,
)
from participation.core.db.connection import client, connect, disconnect, is_postgres
from participation.core.db.health import ping
from participation.core.db.migrations import (
    NotMigrated,
    migrate,
    pending_migrations,
    require_migrated,
)
from participation.core.db.sql import (
    as_datetime,
    as_json,
    contains_pattern,
    execute,
    fetch_all,
    fetch_row,
    json_value,
    placeholders,
    timestamp,
)
from participation.core.db.steps import Done, Sql, Steps, run_steps
from participation.core.db.transactions import claim_once, is_busy, transaction

__all__ = [
    "APP_LABEL",
    "MODEL_MODULES",
    "SQLITE_BUSY_TIMEOUT_MS",
    "TORTOISE_ORM",
    "Done",
    "NotMigrated",
    "Sql",
    "Steps",
    "as_datetime",
    "as_json",
    "claim_once",
    "client",
    "connect",
    "connection_label",
    "contains_pattern",
    "disconnect",
    "execute",
    "fetch_all",
    "fetch_row",
    "is_busy",
    "is_postgres",
    "json_value",
    "migrate",
    "pending_migrations",
    "ping",
    "placeholders",
    "require_migrated",
    "run_steps",
    "timestamp",
    "tortoise_config",
    "transaction",
]
