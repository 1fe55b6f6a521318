"""Entry point for uvicorn workers: settings come from the environment."""

from __future__ import annotations

from starlette.applications import Starlette

from web.app import create_app
from web.settings import load_settings


def app_factory() -> Starlette:
    return create_app(load_settings())
