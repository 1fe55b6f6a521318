"""Entry point for uvicorn workers: settings come from the environment."""

from __future__ import annotations

import gc

from starlette.applications import Starlette

from web.core.app import create_app
from web.core.settings import load_settings


def app_factory() -> Starlette:
    app = create_app(load_settings())
    tune_garbage_collector()
    return app


def tune_garbage_collector() -> None:
    """A request allocates thousands of short-lived objects that reference counting frees
    anyway, and Python's default of a collection every 700 allocations spent about a tenth of
    a ballot submission looking for cycles. Objects alive after start-up (modules, templates,
    routes) live as long as the worker, so they are frozen out of collections altogether."""
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
