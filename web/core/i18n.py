"""Translations and locale negotiation: user choice → Accept-Language → community default.

The current locale lives in a context variable set once per request, so templates, error pages
and Python code all translate through the same ``gettext``.
"""

from __future__ import annotations

import contextvars
from functools import cache

from babel import Locale
from babel.support import NullTranslations, Translations

from web.core.paths import LOCALES_DIR

SUPPORTED = ("zh_Hans", "en")
LANGUAGE_NAMES = {"zh_Hans": "中文", "en": "English"}
HTML_LANG = {"zh_Hans": "zh-Hans", "en": "en"}

_current: contextvars.ContextVar[str] = contextvars.ContextVar("huakai_locale", default="zh_Hans")


@cache
def translations(locale: str) -> NullTranslations:
    return Translations.load(str(LOCALES_DIR), [locale], domain="messages")


def set_locale(locale: str) -> contextvars.Token[str]:
    return _current.set(locale if locale in SUPPORTED else SUPPORTED[0])


def reset_locale(token: contextvars.Token[str]) -> None:
    _current.reset(token)


def current_locale() -> str:
    return _current.get()


def gettext(message: str, **params: object) -> str:
    text = translations(_current.get()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    text = translations(_current.get()).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


_ = gettext


def match_accept_language(header: str) -> str | None:
    """The best supported locale for an Accept-Language header, honouring q-values."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        param = params.strip().lower()
        if param.startswith("q="):
            try:
                quality = float(param[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            choices.append((-quality, position, tag.strip()))
    for _q, _pos, tag in sorted(choices):
        locale = _supported_for_tag(tag)
        if locale:
            return locale
    return None


def _supported_for_tag(tag: str) -> str | None:
    lowered = tag.lower().replace("_", "-")
    if lowered == "*":
        return None
    primary = lowered.split("-")[0]
    if primary == "zh":
        # Traditional-script tags still read Simplified better than English for most users.
        return "zh_Hans"
    if primary == "en":
        return "en"
    return None


def negotiate(
    *,
    user_choice: str | None,
    accept_language: str,
    community_default: str | None,
    site_default: str,
) -> str:
    if user_choice in SUPPORTED:
        return user_choice
    matched = match_accept_language(accept_language) if accept_language else None
    if matched:
        return matched
    if community_default in SUPPORTED:
        return community_default
    return site_default


def babel_locale(locale: str) -> Locale:
    return Locale.parse("zh_Hans_CN" if locale == "zh_Hans" else locale)
