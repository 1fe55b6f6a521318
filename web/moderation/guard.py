"""The personal-data guard: before a resident's text is posted, phone numbers, ID numbers and
room numbers in it are pointed out, with the choice to take them out or to post anyway (then
others see them masked). One page for every form: it posts the same fields back to the same
address, with the resident's choice."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response

from participation.moderation.personal_data import (
    KIND_LABELS,
    find_personal_data,
    masked_form,
    remove,
)
from web.core import htmx
from web.core.templating import render

CHOICE = "personal_data"  # "remove" | "keep"; absent: not asked yet


def personal_data_guard(
    request: Request,
    fields: dict[str, str],
    texts: Mapping[str, str],
    *,
    file_field: str | None = None,
) -> Response | None:
    """None when ``fields`` may be posted (nothing found, or the resident has chosen; with
    "remove" the findings are taken out of ``fields`` here); otherwise the page that asks.
    ``texts``: the form's text fields and their (untranslated) labels. ``file_field``: the
    form's photo input, which the page offers again (a browser cannot re-send a file)."""
    found = {name: find_personal_data(fields.get(name, "")) for name in texts}
    if not any(found.values()):
        return None
    choice = fields.get(CHOICE)
    if choice == "keep":
        return None
    if choice == "remove":
        for name, findings in found.items():
            if findings:
                fields[name] = remove(fields[name], findings)
        return None
    response = render(
        request,
        "moderation/personal_data.html",
        {
            "action": request.url.path,
            "texts": [(name, label, fields.get(name, "")) for name, label in texts.items()],
            "findings": [
                (KIND_LABELS[f.kind], f.text, masked_form(f))
                for findings in found.values()
                for f in findings
            ],
            "kept": {
                key: value
                for key, value in fields.items()
                if key not in texts and key not in (CHOICE, "csrf_token")
            },
            "file_field": file_field,
        },
        private=True,
        lookup=True,
    )
    return htmx.as_whole_page(request, response)
