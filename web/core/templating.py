"""Jinja environment and the one render helper: a page, or its fragment for htmx."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from babel.dates import format_date, format_time, format_timedelta, get_datetime_format
from babel.lists import format_list
from jinja2_fragments import render_block
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse

from participation.core import permissions
from participation.core.permissions import NO_STANDING
from participation.moderation.personal_data import mask
from web.core import htmx, i18n
from web.core.clock import now
from web.core.memo import Memo
from web.core.paths import TEMPLATES_DIR


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
    env.globals["HTML_LANG"] = i18n.HTML_LANG
    env.filters["datetime"] = _format_datetime
    env.filters["relative_time"] = _relative_time
    env.filters["and_list"] = _and_list
    env.filters["day"] = _format_day
    # Personal information (phones, ID numbers, room numbers) as others see it: 138****5678.
    env.filters["masked"] = mask
    env.globals["error_text"] = _error_text
    env.globals["can"] = _can
    env.globals["english"] = _in_english
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
    if not variables:
        _READY.put((locale, message), text)
    return text


_READY: Memo[tuple[str, str], Markup] = Memo(max_items=20_000)  # bounded by the catalogue


def _plain_ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.translations(i18n.current_locale()).ngettext(singular, plural, n)


def _in_english(text: str) -> Markup:
    """Words that stay English in any language (another site's buttons): marked as such, so
    screen readers pronounce them as English."""
    return Markup('<span lang="en">%s</span>') % text


@jinja2.pass_context
def _can(context: jinja2.runtime.Context, rule: str, subject: Any = None) -> bool:
    """``can("proposals.track", subject)``: the rule the services enforce, asked for the page's
    visitor (request.state.actor) with the page's ``standing`` in its community."""
    standing = context.get("standing") or NO_STANDING
    return permissions.can(rule, context["request"].state.actor, standing, subject)


def _error_text(error: Any) -> str:
    """A domain error's message in the current language."""
    return i18n.gettext(error.message, **error.params)


# Relative dates ("3 days ago") up to a week back; older ones are given as a date.
RELATIVE_FOR = timedelta(days=7)
JUST_NOW = timedelta(minutes=1)


def _format_datetime(value: Any, tz: str = "Asia/Shanghai") -> str:
    """Date and time to the minute in the reader's language: seconds are noise to a reader."""
    if value is None:
        return ""
    locale = i18n.babel_locale(i18n.current_locale())
    local = _aware(value).astimezone(_zone(tz))
    # What babel's "medium" does, with the short (minutes) time: "2026年9月29日 14:39",
    # "Sep 29, 2026, 2:39 PM".
    pattern = str(get_datetime_format("medium", locale=locale))
    return pattern.replace("{1}", format_date(local, "medium", locale=locale)).replace(
        "{0}", format_time(local, "short", locale=locale)
    )


def _format_day(value: Any, tz: str = "Asia/Shanghai") -> str:
    """The day of a moment on the community's calendar, with its weekday: what a volunteer
    remembers a morning's watering by."""
    if value is None:
        return ""
    return format_date(
        value.astimezone(_zone(tz)), "full", locale=i18n.babel_locale(i18n.current_locale())
    )


@jinja2.pass_context
def _relative_time(context: jinja2.runtime.Context, value: Any, tz: str = "Asia/Shanghai") -> Any:
    """``<time>`` saying how long ago ``value`` was ("3天前", "3 days ago"; "刚刚" under a
    minute; a plain date beyond a week), with the exact time in its title for those who want it.

    For lists and feeds of activity (comments, notices, care logs, timelines), where "how
    recent" is what a reader looks for; facts and schedules keep the exact ``datetime``."""
    if value is None:
        return ""
    value = _aware(value)
    exact = _format_datetime(value, tz)
    now: datetime = context["now"]
    ago = now - value
    if abs(ago) < JUST_NOW:
        shown = i18n.gettext("just now")
    elif timedelta(0) < ago < RELATIVE_FOR:
        shown = format_timedelta(
            -ago,
            threshold=1,  # "6 days ago" stays six days, not "1 week ago"
            add_direction=True,
            locale=i18n.babel_locale(i18n.current_locale()),
        )
    elif ago >= RELATIVE_FOR:
        shown = format_date(
            value.astimezone(_zone(tz)),
            "medium",
            locale=i18n.babel_locale(i18n.current_locale()),
        )
    else:  # in the future (a clock apart): say exactly when
        shown = exact
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        value.isoformat(), exact, shown
    )


def _aware(value: datetime) -> datetime:
    """The database gives aware UTC times; a naive one is taken as UTC too (as babel does)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _and_list(items: Any) -> str:
    """Names or titles as the reader's language lists them: "A、B和C", "A, B, and C" (the
    Chinese 、 inside an English sentence read as a stray mark)."""
    return str(
        format_list([str(item) for item in items], locale=i18n.babel_locale(i18n.current_locale()))
    )


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


class UrlPaths:
    """Route name + params -> path, memoised: routes are fixed once the app is built, and
    Starlette's lookup walks every route on each call."""

    def __init__(self, app: Starlette) -> None:
        self._app = app
        self._paths: Memo[tuple[str, tuple[tuple[str, Any], ...]], str] = Memo(max_items=10_000)

    def __call__(self, name: str, **params: Any) -> str:
        key = (name, tuple(sorted(params.items())))
        path = self._paths.get(key)
        if path is None:
            path = self._paths.put(key, str(self._app.url_path_for(name, **params)))
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
    headers: dict[str, str] | None = None,
    lookup: bool = False,
) -> HTMLResponse:
    """Render ``template``; for a partial htmx request render only its ``fragment`` block.

    ``private`` pages (ballots, committee queues, profiles) are never stored by caches. A page
    answering a plain POST must be an error (the form again, with what to correct) or a
    ``lookup``, a form that only reads (it posts what must stay out of
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
        "now": now(request),
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
    return response
