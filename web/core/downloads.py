"""Files people download (open data, CSV exports): one way to answer with one."""

from __future__ import annotations

from starlette.responses import Response


def download(body: str, media_type: str, filename: str) -> Response:
    """``filename`` is built by us from slugs and ids, never from user text."""
    return Response(
        body.encode(),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
