"""Jinja environment and the one render helper: a page, or its fragment for htmx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date, format_datetime
from jinja2_fragments import render_block
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse

from web import htmx, i18n

# The request.state flag by which a page tells web.page_cache it may be reused.
SHAREABLE = "shareable"

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def build_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
        enable_async=False,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _plain_gettext, _plain_ngettext, newstyle=True
    )
    env.globals["_"] = env.globals["gettext"] = _markup_gettext
    env.globals["LANGUAGE_NAMES"] = i18n.LANGUAGE_NAMES
    env.filters["datetime"] = _format_datetime
    env.filters["day"] = _format_day
    env.globals["error_text"] = _error_text
    return env


def _plain_gettext(message: str) -> str:
    return i18n.translations(i18n.current_locale()).gettext(message)


def _markup_gettext(message: str, **variables: Any) -> Markup:
    """Exactly what jinja's newstyle gettext does with autoescape on (always %-format, escape
    the variables), without its three nested context calls: ``_()`` is the commonest call of
    every page, and those layers were a fifth of rendering one. Texts without variables are
    kept, ready to use, per language."""
    locale = i18n.current_locale()
    if not variables:
        ready = _READY.get((locale, message))
        if ready is not None:
            return ready
    catalogue_text = i18n.translations(locale).gettext(message)
    text = Markup(catalogue_text) % variables  # noqa: S704 - our own catalogue, as in jinja
    if not variables and len(_READY) < 20_000:  # bounded by the catalogue, in fact
        _READY[(locale, message)] = text
    return text


_READY: dict[tuple[str, str], Markup] = {}


def _plain_ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.translations(i18n.current_locale()).ngettext(singular, plural, n)


def _error_text(error: Any) -> str:
    """A domain error's message in the current language."""
    return i18n.gettext(error.message, **error.params)


def _format_datetime(value: Any, tz: str = "Asia/Shanghai") -> str:
    if value is None:
        return ""
    return format_datetime(
        value, "medium", tzinfo=_zone(tz), locale=i18n.babel_locale(i18n.current_locale())
    )


def _format_day(value: Any, tz: str = "Asia/Shanghai") -> str:
    """The day of a moment on the community's calendar, with its weekday: what a volunteer
    remembers a morning's watering by."""
    if value is None:
        return ""
    return format_date(
        value.astimezone(_zone(tz)), "full", locale=i18n.babel_locale(i18n.current_locale())
    )


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


class UrlPaths:
    """Route name + params -> path, memoised: routes are fixed once the app is built, and
    Starlette's lookup walks every route on each call."""

    def __init__(self, app: Starlette) -> None:
        self._app = app
        self._cache: dict[tuple[str, tuple[tuple[str, Any], ...]], str] = {}

    def __call__(self, name: str, **params: Any) -> str:
        key = (name, tuple(sorted(params.items())))
        path = self._cache.get(key)
        if path is None:
            path = str(self._app.url_path_for(name, **params))
            if len(self._cache) < 10_000:
                self._cache[key] = path
        return path


def _path_only(request: Request) -> str:
    path: str = request.scope["path"]
    return path.replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")


def pop_flash(request: Request) -> tuple[str, dict[str, str]] | None:
    """The notice web.forms.flash left for this page, removed from the session."""
    value = request.session.pop("flash", None)
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str):
        return value[0], value[1] if isinstance(value[1], dict) else {}
    return None


def _flash_text(request: Request) -> str | None:
    if "session" not in request.scope:
        return None
    popped = pop_flash(request)
    return i18n.gettext(popped[0], **popped[1]) if popped else None


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    fragment: str | None = None,
    private: bool = False,
    shared: bool = False,
    headers: dict[str, str] | None = None,
    lookup: bool = False,
) -> HTMLResponse:
    """Render ``template``; for a partial htmx request render only its ``fragment`` block.

    ``private`` pages (ballots, committee queues, profiles) are never stored by caches.
    ``shared`` pages look the same to every visitor who is not signed in, so web.page_cache
    may reuse them. A page answering a plain POST must be an error (the form again, with
    what to correct) or a ``lookup``, a form that only reads (it posts what must stay out of
    URLs); anything else is answered by a redirect, so that a refresh never repeats it.
    """
    env: jinja2.Environment = request.app.state.templates
    state = request.state
    ctx: dict[str, Any] = {
        "request": request,
        "user": getattr(state, "user", None),
        "csrf_token": getattr(state, "csrf_token", ""),
        "locale": i18n.current_locale(),
        "html_lang": i18n.HTML_LANG[i18n.current_locale()],
        "url_for": request.app.state.url_paths,
        "settings": request.app.state.settings,
        "flash": _flash_text(request),
        # The page's own path, for "come back here" links (as request.url.path gives it, without
        # building the whole URL: that showed up in profiles of every signed-in page).
        "current_path": _path_only(request),
        **(context or {}),
    }
    as_fragment = fragment is not None and htmx.wants_fragment(request)
    if request.method == "POST" and status_code < 300 and not (as_fragment or lookup):
        # Post/redirect/get: a page answering a form would be sent again by a refresh.
        raise RuntimeError(f"{request.url.path}: a form's page must come from a redirect")
    if as_fragment:
        assert fragment is not None
        html = render_block(env, template, fragment, ctx)
    else:
        html = env.get_template(template).render(ctx)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    if fragment is not None:
        htmx.vary_on_htmx(response)
    htmx.keep_address_after_post(request, response)
    if private or getattr(state, "user", None) is not None:
        response.headers["Cache-Control"] = "no-store"
    elif shared:
        share_with_anonymous(request)
    return response


def share_with_anonymous(request: Request) -> None:
    """Lets web.page_cache reuse this answer for the next visitors who are not signed in."""
    setattr(request.state, SHAREABLE, True)
