"""Applying the migrations in migrations/, and refusing to serve a database that lacks some."""

from __future__ import annotations

from tortoise import connections
from tortoise.migrations.executor import MigrationExecutor

from participation.core.db.config import connection_label, tortoise_config


class NotMigrated(RuntimeError):
    """The database lacks migrations this code needs."""


def _executor(database_url: str) -> MigrationExecutor:
    config = tortoise_config(database_url)
    return MigrationExecutor(connections.get(connection_label(database_url)), config["apps"])


async def pending_migrations(database_url: str) -> list[str]:
    """Names of migrations not yet applied (needs an open connection)."""
    steps = await _executor(database_url).plan(None)
    return [f"{step.migration.app_label}.{step.migration.name}" for step in steps]


async def migrate(database_url: str) -> list[str]:
    """Apply every pending migration; returns the names applied."""
    executor = _executor(database_url)
    applied = [f"{s.migration.app_label}.{s.migration.name}" for s in await executor.plan(None)]
    await executor.migrate(None)
    return applied


async def require_migrated(database_url: str) -> None:
    missing = await pending_migrations(database_url)
    if missing:
        raise NotMigrated(
            "The database is not migrated (pending: "
            + ", ".join(missing)
            + "). Run `huakai migrate` first."
        )
