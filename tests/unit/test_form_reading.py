"""Urlencoded forms are read with the standard library, as starlette reads them, except that
what is not UTF-8 is refused rather than read as latin-1 (which saved mojibake)."""

from __future__ import annotations

import pytest
from starlette.exceptions import HTTPException
from starlette.requests import Request

from web.core.forms import FIELD_MAX, form_with_lists

BODIES = [
    b"csrf_token=abc&projects=1&projects=2&projects=3",
    b"title=%E8%8A%B1%E5%9B%AD+%E5%B0%8F%E8%B7%AF&body=a%2Bb%3Dc%26d",
    b"empty=&flag&=nameless&x=1",
    b"note=line1%0D%0Aline2&nul=a%00b",
    b"pct=%zz&plus=a+b",
    b"a=1;b=2&c=3",
    b"",
]


def _request(body: bytes) -> Request:
    sent = False

    async def receive() -> dict[str, object]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "headers": [(b"content-type", b"application/x-www-form-urlencoded")],
        "query_string": b"",
    }
    return Request(scope, receive)


@pytest.mark.parametrize("body", BODIES)
async def test_same_fields_as_starlettes_parser(body: bytes) -> None:
    fields, lists = await form_with_lists(_request(body))
    form = await _request(body).form()
    expected: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        assert isinstance(value, str)
        expected.setdefault(key, []).append(value.replace("\x00", ""))
    assert lists == expected
    assert fields == {key: values[0] for key, values in expected.items()}


async def test_more_than_200_fields_is_a_400() -> None:
    body = "&".join(f"f{i}=x" for i in range(201)).encode()
    with pytest.raises(HTTPException) as raised:
        await form_with_lists(_request(body))
    assert raised.value.status_code == 400


async def test_an_oversized_value_is_a_413() -> None:
    with pytest.raises(HTTPException) as raised:
        await form_with_lists(_request(b"body=" + b"x" * (FIELD_MAX + 1)))
    assert raised.value.status_code == 413


async def test_raw_utf8_is_read_as_utf8() -> None:
    # Browsers percent-encode; a raw UTF-8 body is still text, not latin-1 mojibake.
    fields, _lists = await form_with_lists(_request("raw=花&pct=%E5%9B%AD".encode()))
    assert fields == {"raw": "花", "pct": "园"}


@pytest.mark.parametrize("body", [b"bad=%E8%8A", b"raw=\xe8\x8a", b"name=Zo\xeb", b"ok=1&bad=%FF"])
async def test_what_is_not_utf8_is_a_400(body: bytes) -> None:
    with pytest.raises(HTTPException) as raised:
        await form_with_lists(_request(body))
    assert raised.value.status_code == 400
