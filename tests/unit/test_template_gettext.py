"""The templates' ``_()`` is jinja's newstyle gettext without its layers: same output."""

from __future__ import annotations

import jinja2
import pytest

from web.core import i18n
from web.core.templating import build_environment

CASES = [
    '{{ _("Sign out") }}',
    '{{ _("Sign in") }} {{ _("Sign in") }}',
    '{{ _("%(name)s says hi", name=who) }}',
    '{{ _("100%% sure") }}',
    "{% trans %}Skip to content{% endtrans %}",
    "{% trans n=3 %}{{ n }} thing{% pluralize %}{{ n }} things{% endtrans %}",
]


def _reference() -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda s: i18n.translations(i18n.current_locale()).gettext(s),
        lambda s, p, n: i18n.translations(i18n.current_locale()).ngettext(s, p, n),
        newstyle=True,
    )
    return env


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
@pytest.mark.parametrize("source", CASES)
def test_same_text_as_jinjas_newstyle_gettext(source: str, locale: str) -> None:
    token = i18n.set_locale(locale)
    try:
        hostile = '<img src=x onerror="alert(1)">'
        ours = build_environment().from_string(source).render(who=hostile)
        theirs = _reference().from_string(source).render(who=hostile)
    finally:
        i18n.reset_locale(token)
    assert ours == theirs
    assert "<img" not in ours


def test_a_stray_percent_sign_fails_as_in_jinja() -> None:
    with pytest.raises(ValueError):
        build_environment().from_string('{{ _("at 100%") }}').render()
    with pytest.raises(ValueError):
        _reference().from_string('{{ _("at 100%") }}').render()


def test_each_language_keeps_its_own_ready_texts() -> None:
    env = build_environment()
    template = env.from_string('{{ _("Sign out") }}')
    rendered = {}
    for locale in ("zh_Hans", "en", "zh_Hans"):
        token = i18n.set_locale(locale)
        try:
            rendered.setdefault(locale, set()).add(template.render())
        finally:
            i18n.reset_locale(token)
    assert rendered["en"] == {"Sign out"}
    assert len(rendered["zh_Hans"]) == 1 and rendered["zh_Hans"] != rendered["en"]
