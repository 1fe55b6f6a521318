from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from participation.accounts.services import set_locale
from participation.communities.queries import list_communities, list_my_communities
from participation.core import db
from web.core.forms import form_fields, safe_next, see_other
from web.core.i18n import SUPPORTED
from web.core.templating import render


async def home(request: Request) -> Response:
    user = request.state.user
    mine = await list_my_communities(user.id) if user else []
    return render(
        request,
        "home.html",
        {"communities": await list_communities(), "mine": mine},
    )


async def choose_language(request: Request) -> Response:
    fields = await form_fields(request)
    locale = fields.get("locale", "")
    if locale in SUPPORTED:
        request.session["locale"] = locale
        if request.state.user is not None:
            await set_locale(request.state.user.id, locale)
    return see_other(_back_to(request, fields.get("next")))


def _back_to(request: Request, page: str | None) -> str:
    """The page the visitor was on, with its search and filters: the browser's Referer when it
    is this site (after an htmx filter change the form's own ``next`` still names the page as
    it loaded), else the form's ``next``."""
    referer = urlsplit(request.headers.get("referer", ""))
    if f"{referer.scheme}://{referer.netloc}" == request.app.state.settings.base_url:
        return safe_next(referer.path + (f"?{referer.query}" if referer.query else ""))
    return safe_next(page)


async def healthz(request: Request) -> Response:
    ok = await db.ping()
    return JSONResponse(
        {"status": "ok" if ok else "unavailable", "database": "ok" if ok else "down"},
        status_code=200 if ok else 503,
        headers={"Cache-Control": "no-store"},
    )


routes = [
    Route("/", home, name="home"),
    Route("/language", choose_language, methods=["POST"], name="language"),
    Route("/healthz", healthz, name="healthz"),
]
