"""Serving stored photo variants: fixed type, long cache, never executed or sniffed."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from participation.core.errors import NotFound
from participation.media.storage import InvalidKey, Storage, variant_key

VARIANTS = frozenset({"320", "960", "1920", "original"})


async def photo_variant(request: Request) -> Response:
    name = request.path_params["variant"]
    if name not in VARIANTS:
        raise NotFound()
    storage: Storage = request.app.state.storage
    try:
        data = await storage.get(variant_key(request.path_params["key"], name))
    except (InvalidKey, FileNotFoundError, NotADirectoryError) as exc:
        raise NotFound() from exc
    return Response(
        data,
        media_type="image/webp",
        headers={
            # Keys are random and contents never change: cache for a year.
            "Cache-Control": "public, max-age=31536000, immutable",
            "Content-Disposition": "inline",
        },
    )


routes = [Route("/media/{key}/{variant}.webp", photo_variant, name="media:variant")]
