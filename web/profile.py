from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from participation.accounts import services as accounts
from participation.errors import N_, Invalid
from web.forms import flash, form_fields, see_other
from web.templating import render
from web.users import require_user


async def profile(request: Request) -> Response:
    user = require_user(request)
    return render(request, "accounts/profile.html", {"profile": user, "error": None}, private=True)


async def update_profile(request: Request) -> Response:
    user = require_user(request)
    fields = await form_fields(request)
    try:
        await accounts.update_profile(
            request.state.actor,
            display_name=fields.get("display_name", ""),
            locale=fields.get("locale", ""),
        )
    except Invalid as exc:
        return render(
            request,
            "accounts/profile.html",
            {"profile": user, "error": exc},
            status_code=422,
            private=True,
        )
    request.session["locale"] = fields.get("locale")
    flash(request, N_("Your profile was saved."))
    return see_other(request.app.url_path_for("profile"))


routes = [
    Route("/profile", profile, name="profile"),
    Route("/profile", update_profile, methods=["POST"], name="profile:update"),
]
