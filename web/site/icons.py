"""The site icon at the addresses browsers ask for without reading the page.

Browsers fetch /favicon.ico, and iPhones /apple-touch-icon.png, from the root of the site
whatever the page links; without these every page view also logged a 404. The files live in
static/ (a flower drawn with Pillow) and change about never: caches may keep them a year.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from web.core.paths import STATIC_DIR

CACHE_FOR_A_YEAR = "public, max-age=31536000"

ICONS = {
    "/favicon.ico": ("favicon.ico", "image/x-icon", "icons:favicon"),
    "/apple-touch-icon.png": ("apple-touch-icon.png", "image/png", "icons:apple_touch"),
}


def _icon(file_name: str, media_type: str) -> Callable[[Request], Awaitable[Response]]:
    path = STATIC_DIR / file_name

    async def serve(request: Request) -> Response:
        return FileResponse(
            path, media_type=media_type, headers={"Cache-Control": CACHE_FOR_A_YEAR}
        )

    return serve


routes = [
    Route(url, _icon(file_name, media_type), name=name)
    for url, (file_name, media_type, name) in ICONS.items()
]
