"""A user's email address: set or change it on the profile page, confirm it from the link
mailed to it (a page with a button: a mail program or a scanner that opens links must not
confirm an address for its owner)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from participation.core.errors import N_, Invalid, NotFound
from participation.mail import services
from web.communities.committee import community_where
from web.core import i18n
from web.core.clock import now
from web.core.forms import flash, form_fields, see_other
from web.core.templating import render
from web.core.users import require_user


async def set_address(request: Request) -> Response:
    require_user(request)
    fields = await form_fields(request)
    try:
        await services.set_address(
            request.state.actor,
            fields.get("email", ""),
            locale=i18n.current_locale(),
            now=now(request),
        )
    except Invalid as exc:
        flash(request, exc.message, **exc.params)
        return see_other(request.app.url_path_for("profile") + "#email")
    flash(request, N_("We sent a link to that address: open it to confirm the address."))
    return see_other(request.app.url_path_for("profile") + "#email")


async def confirm_page(request: Request) -> Response:
    return render(
        request,
        "mail/confirm.html",
        {"token": request.path_params["token"], "error": None},
        private=True,
    )


async def confirm(request: Request) -> Response:
    await form_fields(request)
    token = request.path_params["token"]
    try:
        await services.confirm_address(token, now=now(request))
    except Invalid as exc:
        return render(
            request,
            "mail/confirm.html",
            {"token": token, "error": exc},
            status_code=422,
            private=True,
        )
    flash(request, N_("Your email address is confirmed."))
    return see_other(request.app.url_path_for("home"))


async def demo_mail(request: Request) -> Response:
    """In the demo only: what the demo's mail sink received (web/demo_mail.py), for the
    committee, so that a new user sees the mail Huakai sends."""
    community = await community_where(request, "moderation.see_queue")
    sink = getattr(request.app.state, "demo_mail", None)
    if sink is None:
        raise NotFound()
    return render(
        request,
        "mail/demo_mail.html",
        {"community": community, "mails": sink.newest_first()},
        private=True,
    )


routes = [
    Route("/c/{slug}/committee/demo-mail", demo_mail, name="mail:demo"),
    Route("/profile/email", set_address, methods=["POST"], name="mail:set_address"),
    Route("/mail/confirm/{token}", confirm_page, name="mail:confirm_page"),
    Route("/mail/confirm/{token}", confirm, methods=["POST"], name="mail:confirm"),
]
