"""The signed-in user's notices: what changed that concerns them, newest first."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from participation.notifications import queries, services
from web.core.clock import now
from web.core.forms import see_other
from web.core.templating import render
from web.core.users import require_user


async def notices(request: Request) -> Response:
    user = require_user(request)
    return render(
        request,
        "accounts/notices.html",
        {"notices": await queries.latest_notices(user.id)},
        private=True,
    )


async def mark_read(request: Request) -> Response:
    user = require_user(request)
    await services.mark_all_read(user.id, now=now(request))
    return see_other(request.app.url_path_for("notices"))


routes = [
    Route("/notices", notices, name="notices"),
    Route("/notices/read", mark_read, methods=["POST"], name="notices:read"),
]
