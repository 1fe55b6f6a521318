"""A community's proposal categories: the defaults it keeps offering, plus its own.

The eight defaults are translated; a committee may stop offering any of them except "other"
(so there is always one to choose) and add up to 12 of its own, shown as typed. A proposal
stores a default's key, or ``x:`` followed by a custom category's name, so its category still
reads right after the committee changes the list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from participation.core.errors import N_, Invalid
from participation.core.text import clean_line, parse_whole_number
from participation.proposals.rules import DEFAULT_CATEGORIES

CUSTOM_PREFIX = "x:"
CUSTOM_MAX = 12
CUSTOM_NAME_MAX = 20
ALWAYS_OFFERED = "other"  # also what an unknown key reads as


@dataclass(frozen=True)
class Category:
    key: str
    name: str  # a msgid for defaults, the committee's own words for custom ones
    custom: bool


def offered(hidden: Iterable[str], custom: Iterable[str]) -> list[Category]:
    """The categories residents choose from: defaults, the community's own, then "other"."""
    hidden_keys = set(hidden) | {ALWAYS_OFFERED}
    defaults = [
        Category(key, name, custom=False)
        for key, name in DEFAULT_CATEGORIES.items()
        if key not in hidden_keys
    ]
    own = [Category(CUSTOM_PREFIX + name, name, custom=True) for name in custom]
    last = Category(ALWAYS_OFFERED, DEFAULT_CATEGORIES[ALWAYS_OFFERED], custom=False)
    return [*defaults, *own, last]


def display_name(key: str, translate: Callable[[str], str]) -> str:
    """What a stored category key reads as, whether or not it is still offered."""
    if key in DEFAULT_CATEGORIES:
        return translate(DEFAULT_CATEGORIES[key])
    if key.startswith(CUSTOM_PREFIX) and len(key) > len(CUSTOM_PREFIX):
        return key.removeprefix(CUSTOM_PREFIX)
    return translate(DEFAULT_CATEGORIES[ALWAYS_OFFERED])


def clean_hidden(keys: Iterable[str]) -> list[str]:
    """Default categories not offered, in the defaults' order; unknown keys are refused."""
    chosen = set(keys)
    if chosen - set(DEFAULT_CATEGORIES):
        raise Invalid(N_("Please choose categories from the list."), field="hidden_categories")
    return [key for key in DEFAULT_CATEGORIES if key in chosen and key != ALWAYS_OFFERED]


def clean_custom(text: str) -> list[str]:
    """One category per line; blank lines and repeats dropped."""
    names: list[str] = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        name = clean_line(raw, max_length=CUSTOM_NAME_MAX)
        if name is None:
            raise Invalid(
                N_("Each category name can be at most %(max)s characters, on its own line."),
                field="custom_categories",
                max=str(CUSTOM_NAME_MAX),
            )
        if name not in names:
            names.append(name)
    if len(names) > CUSTOM_MAX:
        raise Invalid(
            N_("A community can add at most %(max)s categories of its own."),
            field="custom_categories",
            max=str(CUSTOM_MAX),
        )
    return names


SUPPORT_THRESHOLD_MAX = 1000


def clean_support_threshold(text: str) -> int:
    value = parse_whole_number(text, max_digits=4)
    if value is None or value > SUPPORT_THRESHOLD_MAX:
        raise Invalid(
            N_("The number of supports must be a whole number from 0 to %(max)s."),
            field="support_threshold",
            max=str(SUPPORT_THRESHOLD_MAX),
        )
    return value
