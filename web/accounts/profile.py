from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from participation.accounts import services as accounts
from participation.accounts.models import User
from participation.core.errors import N_, Invalid
from participation.mail import queries as mail
from participation.plots import queries as plots
from web.core.forms import flash, form_fields, see_other
from web.core.templating import render
from web.core.users import require_user


async def _profile_page(
    request: Request, user: User, error: Invalid | None = None, status_code: int = 200
) -> Response:
    return render(
        request,
        "accounts/profile.html",
        {
            "profile": user,
            "error": error,
            "email": await mail.address_of(user.id),
            # Where the user has volunteer hours to look at: their teams' communities.
            "hours_in": await plots.volunteer_communities(user.id),
        },
        status_code=status_code,
        private=True,
    )


async def profile(request: Request) -> Response:
    return await _profile_page(request, require_user(request))


async def update_profile(request: Request) -> Response:
    user = require_user(request)
    fields = await form_fields(request)
    try:
        await accounts.update_profile(
            request.state.actor,
            user.id,
            display_name=fields.get("display_name", ""),
            locale=fields.get("locale", ""),
        )
    except Invalid as exc:
        return await _profile_page(request, user, exc, status_code=422)
    request.session["locale"] = fields.get("locale")
    flash(request, N_("Your profile was saved."))
    return see_other(request.app.url_path_for("profile"))


routes = [
    Route("/profile", profile, name="profile"),
    Route("/profile", update_profile, methods=["POST"], name="profile:update"),
]
