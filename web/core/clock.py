"""The app's one clock: ``now(request)`` in every endpoint and template. The app owns it
(``create_app(settings, clock=...)``), so a test can set the time a page is rendered at."""

from __future__ import annotations

from datetime import datetime

from starlette.requests import HTTPConnection


def now(request: HTTPConnection) -> datetime:
    clock = request.app.state.clock
    moment: datetime = clock()
    return moment
