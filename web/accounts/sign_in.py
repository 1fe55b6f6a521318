"""Sign-in with OpenID Connect (or plain OAuth2) providers, and sign-out.

Authorization code flow with PKCE S256, a nonce, and the state kept in this browser's session,
so a code or state from another browser is refused. Redirect URIs come from BASE_URL, never
from the Host header.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import MismatchingStateError
from authlib.integrations.starlette_client import OAuth
from joserfc.errors import JoseError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from participation.accounts import services as accounts
from participation.accounts.rules import display_name_from_claims
from participation.core.errors import N_
from participation.ratelimit.services import hit
from web.core.client_ip import client_ip
from web.core.clock import now
from web.core.csrf import session_token
from web.core.errors import error_response
from web.core.forms import safe_next
from web.core.settings import OIDCProvider, Settings
from web.core.templating import render

log = logging.getLogger("huakai.auth")

LOGIN_LIMIT = 20
LOGIN_WINDOW_SECONDS = 300
LOGIN_EXPIRED = N_("Your sign-in took too long or was started in another window. Please try again.")
LOGIN_FAILED = N_("The identity provider's answer could not be verified. Please try again.")
LOGIN_DENIED = N_("Sign-in was cancelled at the identity provider.")
LOGIN_UNAVAILABLE = N_(
    "Sign-in is unavailable right now: the identity provider does not answer. "
    "Please try again later."
)


def build_oauth(settings: Settings) -> OAuth:
    oauth = OAuth()
    for provider in settings.oidc_providers:
        client_kwargs: dict[str, Any] = {
            "scope": provider.scopes,
            "code_challenge_method": "S256",
            "timeout": settings.login_timeout_seconds,
        }
        if provider.is_oidc:
            oauth.register(
                name=provider.name,
                client_id=provider.client_id,
                client_secret=provider.client_secret,
                server_metadata_url=provider.discovery_url,
                client_kwargs=client_kwargs,
            )
        else:
            oauth.register(
                name=provider.name,
                client_id=provider.client_id,
                client_secret=provider.client_secret,
                authorize_url=provider.authorize_url,
                access_token_url=provider.token_url,
                userinfo_endpoint=provider.userinfo_url,
                client_kwargs=client_kwargs,
            )
    return oauth


async def sign_in_page(request: Request) -> Response:
    next_path = safe_next(request.query_params.get("next"))
    providers = request.app.state.settings.oidc_providers
    return render(request, "accounts/sign_in.html", {"providers": providers, "next": next_path})


async def start_login(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    provider = settings.provider(request.path_params["provider"])
    if provider is None:
        return error_response(request, 404)
    await hit(
        f"login:{client_ip(request, settings.trusted_proxies)}",
        limit=LOGIN_LIMIT,
        window_seconds=LOGIN_WINDOW_SECONDS,
        now=now(request),
    )
    request.session["next"] = safe_next(request.query_params.get("next"))
    client = request.app.state.oauth.create_client(provider.name)
    redirect_uri = f"{settings.base_url}/auth/{provider.name}/callback"
    try:
        response: Response = await client.authorize_redirect(request, redirect_uri)
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        log.warning("login unavailable at %s: %r", provider.name, exc)
        return error_response(request, 503, LOGIN_UNAVAILABLE, headers={"Retry-After": "30"})
    return response


async def callback(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    provider = settings.provider(request.path_params["provider"])
    if provider is None:
        return error_response(request, 404)
    client = request.app.state.oauth.create_client(provider.name)
    if request.query_params.get("error"):
        log.info("login denied at %s: %r", provider.name, request.query_params.get("error"))
        return error_response(request, 400, LOGIN_DENIED)
    try:
        token = await client.authorize_access_token(request)
        claims = await _claims(client, provider, token)
    except MismatchingStateError:
        log.warning("login failed at %s: state missing, unknown or reused", provider.name)
        return error_response(request, 400, LOGIN_EXPIRED)
    except (httpx.HTTPError, TimeoutError) as exc:
        log.warning("login unavailable at %s: %r", provider.name, exc)
        return error_response(request, 503, LOGIN_UNAVAILABLE, headers={"Retry-After": "30"})
    except (AuthlibBaseError, JoseError, ValueError, KeyError, TypeError) as exc:
        log.warning("login failed at %s: %r", provider.name, exc)
        return error_response(request, 400, LOGIN_FAILED)
    subject = claims.get(provider.subject_claim)
    if subject is None or str(subject).strip() == "":
        log.warning("login failed at %s: no subject claim", provider.name)
        return error_response(request, 400, LOGIN_FAILED)
    subject = str(subject)
    user = await accounts.sign_in(
        provider=provider.name,
        subject=subject,
        display_name=display_name_from_claims(claims, provider.name_claim, subject),
        now=now(request),
    )
    if user.disabled:
        log.warning("login refused for disabled user %s", user.id)
        return error_response(request, 403)
    next_path = safe_next(request.session.get("next"))
    locale = request.session.get("locale")
    # A fresh session at sign-in: nothing an attacker planted before survives it.
    request.session.clear()
    request.session.update({"uid": user.id, "sv": user.session_version})
    if locale:
        request.session["locale"] = locale
    session_token(request.session)
    log.info("login ok: user %s via %s", user.id, provider.name)
    return RedirectResponse(next_path, status_code=303)


async def _claims(client: Any, provider: OIDCProvider, token: dict[str, Any]) -> dict[str, Any]:
    if provider.is_oidc:
        userinfo = token.get("userinfo")
        if not userinfo:
            # No verified ID token (or no nonce bound to it): refuse rather than trust userinfo.
            raise ValueError("no verified ID token")
        return dict(userinfo)
    response = await client.get(provider.userinfo_url, token=token)
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError("userinfo is not an object")
    return data


async def logout(request: Request) -> Response:
    user = request.state.user
    if user is not None:
        await accounts.sign_out(user.id)
    # Keep the language and the CSRF token: htmx keeps sending the token set on <body>,
    # which a boosted sign-out does not replace. (Sign-in, not sign-out, must rotate it.)
    kept: dict[str, Any] = {
        key: request.session[key] for key in ("locale", "csrf") if key in request.session
    }
    request.session.clear()
    request.session.update(kept)
    return RedirectResponse("/", status_code=303)


routes = [
    Route("/login", sign_in_page, name="auth:sign_in"),
    Route("/login/{provider}", start_login, name="auth:start"),
    Route("/auth/{provider}/callback", callback, name="auth:callback"),
    Route("/logout", logout, methods=["POST"], name="auth:logout"),
]
