"""Reading submitted forms, and answering a successful POST."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartParser
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from participation.core.errors import N_, Invalid, NotFound
from participation.core.text import parse_whole_number
from web.core.middleware import BodyTooLarge

FIELD_MAX = 10_000
# A part's header line (its Content-Disposition, with the file's own name) may be this long.
PART_HEADER_MAX = 16 * 1024


def allow_long_file_names() -> None:
    """python-multipart refuses a part header over 4 KB, and starlette gives no way to change
    that per request, so a file named with 5 KB (hostile, or a phone's generated name) made the
    whole form unreadable: CSRF then saw no token and answered "form expired". We never use
    the name (files are stored under random ids), so the header may be longer; still bounded."""
    import python_multipart.multipart as multipart

    defaults = multipart.MultipartParser.__init__.__kwdefaults__
    if defaults is not None and defaults.get("max_header_size", 0) < PART_HEADER_MAX:
        defaults["max_header_size"] = PART_HEADER_MAX


async def form_fields(request: Request) -> dict[str, str]:
    """Text fields of a form (the first value of each); a malformed body is a 400, oversized
    text a 413."""
    fields, _lists, _photo = await _read_form(request, max_files=0)
    return fields


async def form_with_lists(request: Request) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Text fields, and every value of each field (ticked checkboxes sharing one name)."""
    fields, lists, _photo = await _read_form(request, max_files=0)
    return fields, lists


async def upload_form(
    request: Request, *, field: str = "photo"
) -> tuple[dict[str, str], bytes | None]:
    """Text fields and the bytes of the one file ``field`` of a multipart form."""
    fields, _lists, data = await _read_form(request, max_files=1, file_field=field)
    return fields, data


async def _read_form(
    request: Request, *, max_files: int, file_field: str = "photo"
) -> tuple[dict[str, str], dict[str, list[str]], bytes | None]:
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return _fields(await _urlencoded_items(request))
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return {}, {}, None  # no body, or not a form: no fields (as starlette reads it)
    parser = _StrictMultiPartParser(
        request.headers,
        request.stream(),
        max_files=max_files,
        max_fields=200,
        max_part_size=request.app.state.settings.max_body_bytes,
    )
    try:
        form = await parser.parse()
    except (HTTPException, BodyTooLarge):
        raise
    except _NotText as exc:
        raise HTTPException(400, NOT_TEXT) from exc
    except Exception as exc:
        raise HTTPException(400, UNREADABLE) from exc
    try:
        photo: bytes | None = None
        texts: list[tuple[str, str]] = []
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                if key == file_field and photo is None:
                    photo = await value.read()
            else:
                texts.append((key, value))
        fields, lists, _none = _fields(texts)
        return fields, lists, photo or None
    finally:
        await form.close()


UNREADABLE = N_("The form could not be read. Please try again.")
NOT_TEXT = N_(
    "The form contained characters that could not be read as text, so nothing was saved. "
    "Please type it again."
)


class _NotText(Exception):
    """A text field whose bytes are not UTF-8."""


class _StrictMultiPartParser(MultiPartParser):
    """Starlette's parser reads a text field that is not valid UTF-8 as latin-1, which saves
    mojibake; ours refuses the form instead."""

    def on_part_end(self) -> None:
        part = self._current_part
        if part.file is None:
            try:
                bytes(part.data).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _NotText() from exc
        super().on_part_end()


async def _urlencoded_items(request: Request) -> list[tuple[str, str]]:
    """The standard library's parser: python-multipart's, which starlette uses, reads byte by
    byte in Python and cost a fifth of a ballot submission. Our pages are UTF-8, and so is
    every form a browser sends from them: other bytes are refused, not read as latin-1."""
    body = await request.body()
    try:
        return parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            max_num_fields=200,
            encoding="utf-8",
            errors="strict",
        )
    except UnicodeDecodeError as exc:
        raise HTTPException(400, NOT_TEXT) from exc
    except ValueError as exc:  # more fields than any of our forms has
        raise HTTPException(400, UNREADABLE) from exc


def _fields(
    items: list[tuple[str, str]],
) -> tuple[dict[str, str], dict[str, list[str]], None]:
    fields: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    for key, value in items:
        if len(value) > FIELD_MAX:
            raise HTTPException(413)
        text = value.replace("\x00", "")
        fields.setdefault(key, text)
        lists.setdefault(key, []).append(text)
    return fields, lists, None


def parse_id(text: str | None) -> int | None:
    """A database id typed in a URL or form: digits only, within the id columns' range (32-bit
    on PostgreSQL); anything else is None."""
    value = parse_whole_number(text, max_digits=10) if text else None
    return value if value is not None and value <= ID_MAX else None


ID_MAX = 2_147_483_647


def path_id(request: Request, name: str) -> int:
    """The id in path parameter ``name``; a malformed one is the same 404 as a missing one."""
    value = parse_id(request.path_params[name])
    if value is None:
        raise NotFound()
    return value


def optional_id(text: str | None) -> int | None:
    """An optional id field: absent is None, malformed is 404."""
    if not text:
        return None
    value = parse_id(text)
    if value is None:
        raise NotFound()
    return value


def see_other(url: str) -> Response:
    """The answer to a successful POST: 303 to the page that shows its outcome (under htmx,
    web.htmx.HtmxRedirects turns it into a navigation)."""
    return RedirectResponse(url, status_code=303)


def flash(request: Request, message: str, **params: object) -> None:
    """A one-time notice (untranslated source string) shown on the next page."""
    request.session["flash"] = [message, {k: str(v) for k, v in params.items()}]


def safe_next(target: str | None) -> str:
    """Only same-site absolute paths; anything else (//host, /\\host, schemes) becomes '/'."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ch in target for ch in "\\\r\n\t\x00") or any(ord(ch) < 32 for ch in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def local_input(moment: datetime, zone: str) -> str:
    """A UTC moment as the value of a datetime-local field in the community's time zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def parse_local(text: str, zone: str, field: str) -> datetime:
    """A datetime-local field's value, read in the community's time zone, as a UTC moment."""
    try:
        moment = datetime.fromisoformat(text.strip()[:32])
        if not 2000 <= moment.year <= 2100:
            raise ValueError(moment.year)
        return moment.replace(tzinfo=ZoneInfo(zone), second=0, microsecond=0).astimezone(UTC)
    except (ValueError, OverflowError):
        raise Invalid(N_("Please give a date and time."), field=field) from None
