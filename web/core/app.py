"""The application factory: create_app(settings) -> Starlette. Nothing happens at import."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from participation import jobs
from participation.core import db
from participation.core.clock import Clock, utc_now
from participation.media.storage import LocalStorage
from web import pages
from web.accounts.sign_in import build_oauth
from web.core import links
from web.core.csrf import CSRF
from web.core.errors import EXCEPTION_HANDLERS
from web.core.forms import allow_long_file_names
from web.core.htmx import HtmxRedirects
from web.core.middleware import (
    AllowedMethods,
    BodyLimit,
    CatchAll,
    CurrentUser,
    Locale,
    SecurityHeaders,
)
from web.core.page_cache import PageCache
from web.core.paths import STATIC_DIR
from web.core.setting_values import tile_origin
from web.core.settings import Settings
from web.core.templating import UrlPaths, build_environment
from web.mail.sender import sending

SESSION_COOKIE = "huakai_session"

log = logging.getLogger("huakai")


def create_app(settings: Settings, *, clock: Clock = utc_now) -> Starlette:
    """The site for ``settings``; ``clock`` tells every page and form the time."""
    allow_long_file_names()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await db.connect(settings.database_url)
        try:
            await db.require_migrated(settings.database_url)
            async with jobs.scheduled(settings.follow_up_minutes, clock), sending(settings, clock):
                yield
        finally:
            await db.disconnect()

    routes = [
        *(route for capability in pages.CAPABILITIES for route in capability.routes),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.hosts)),
        Middleware(
            SecurityHeaders, https=settings.https, tile_origin=tile_origin(settings.map_tile_url)
        ),
        Middleware(HtmxRedirects, base_url=settings.base_url),
        Middleware(
            BodyLimit, max_bytes=settings.max_body_bytes, default_locale=settings.default_locale
        ),
        Middleware(
            SessionMiddleware,
            secret_key=settings.secret_key,
            session_cookie=SESSION_COOKIE,
            max_age=int(timedelta(days=settings.session_max_age_days).total_seconds()),
            same_site="lax",
            https_only=settings.https,
        ),
        Middleware(CurrentUser),
        Middleware(Locale, default_locale=settings.default_locale),
        Middleware(AllowedMethods, routes=routes),
        Middleware(CSRF, base_url=settings.base_url),
        Middleware(PageCache, seconds=settings.page_cache_seconds, shareable=pages.SHAREABLE),
        Middleware(CatchAll),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.templates = build_environment()
    app.state.url_paths = UrlPaths(app)
    app.state.proposal_url = links.proposal_url(settings.base_url, app.state.url_paths)
    app.state.storage = LocalStorage(Path(settings.media_root))
    app.state.oauth = build_oauth(settings)
    return app
