"""Opening and closing the ORM, and the connection every query uses."""

from __future__ import annotations

from pathlib import Path

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.context import TortoiseContext, get_current_context, set_global_context

from participation.core.db import fast
from participation.core.db.config import sqlite_file, tortoise_config


async def connect(database_url: str, *, global_fallback: bool = True) -> TortoiseContext:
    """Open the ORM. Requests run in other tasks than the lifespan, hence the global context
    (a second, isolated connection in the same process passes ``global_fallback=False``)."""
    _ensure_sqlite_dir(database_url)
    context = await Tortoise.init(config=tortoise_config(database_url))
    if global_fallback:
        global _global
        set_global_context(context)
        _global = context
        fast.use_file(sqlite_file(database_url))
    return context


_global: TortoiseContext | None = None


async def disconnect() -> None:
    """Close connections and release the global context, so the next connect() starts clean."""
    global _global
    fast.close_loop_connections()
    if _global is not None and get_current_context() is _global:
        fast.use_file(None)
        _global = None
    await Tortoise.close_connections()


def client() -> BaseDBAsyncClient:
    """The connection (pool) of the database the ORM was opened on."""
    return connections.get(next(iter(connections.db_config)))


def is_postgres() -> bool:
    return next(iter(connections.db_config)) == "postgres"


def _ensure_sqlite_dir(database_url: str) -> None:
    path = sqlite_file(database_url)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
