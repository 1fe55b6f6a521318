"""Photos on proposals through HTTP: upload, metadata stripped in every served variant,
hostile files refused, thumbnails on the list."""

from __future__ import annotations

import re
from io import BytesIO

import httpx
from PIL import Image

from participation.media.models import Photo
from participation.proposals.models import ProposalPhoto
from tests.support import csrf_token, login, make_verified, make_world, post_form
from tests.unit.test_media_pipeline import jpeg_with_everything, quadrants

METADATA_MARKERS = (b"Exif", b"http://ns.adobe.com/xap", b"Photoshop", b"GPS", b"Yulin")


async def _draft(client: httpx.AsyncClient, slug: str) -> str:
    base = f"/c/{slug}/proposals"
    created = await post_form(
        client,
        base,
        {
            "title": "拐角空地改造计划",
            "body": "拐角空地",
            "category": "pocket_garden",
            "cost_yuan": "800",
        },
        token_from=f"{base}/new",
    )
    assert created.status_code == 303
    return str(created.headers["location"])


async def test_uploaded_jpeg_is_served_without_any_metadata(client: httpx.AsyncClient) -> None:
    world = await make_world()
    author = await login(client, "author")
    await make_verified(world.community, author)
    detail_url = await _draft(client, world.community.slug)
    token = await csrf_token(client, detail_url)
    photo = jpeg_with_everything(quadrants(1200, 800))
    response = await client.post(
        f"{detail_url}/photos",
        data={"csrf_token": token, "alt_text": "拐角空地现状"},
        files={"photo": ("../../app.py\u202egpj.jpg", photo, "image/jpeg")},
    )
    assert response.status_code == 303, response.text[:300]
    stored = await Photo.get(owner_id=author.id)
    assert stored.alt_text == "拐角空地现状" and "app.py" not in stored.storage_key
    page = await client.get(detail_url)
    served = set(re.findall(r"/media/([0-9a-f]+)/(\w+)\.webp", page.text))
    assert served
    for variant in ("320", "960", "1920", "original"):
        reply = await client.get(f"/media/{stored.storage_key}/{variant}.webp")
        if reply.status_code == 404:
            continue  # variants wider than the photo are not made
        assert reply.status_code == 200
        assert reply.headers["content-type"] == "image/webp"
        assert "immutable" in reply.headers["cache-control"]
        assert not any(marker in reply.content for marker in METADATA_MARKERS), variant
        image = Image.open(BytesIO(reply.content))
        assert not image.getexif() and "xmp" not in image.info and "exif" not in image.info
        assert image.height > image.width  # EXIF orientation 6 applied before stripping
    listing = await client.get(f"/c/{world.community.slug}/proposals", params={"status": ""})
    assert "拐角空地改造计划" not in listing.text  # still a draft: not listed


async def test_hostile_files_are_refused_and_nothing_is_kept(client: httpx.AsyncClient) -> None:
    world = await make_world()
    author = await login(client, "author")
    await make_verified(world.community, author)
    detail_url = await _draft(client, world.community.slug)
    cases = [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", 415),
        (b"<html><script>alert(1)</script></html>", 415),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, 422),  # truncated JPEG
    ]
    for data, status in cases:
        token = await csrf_token(client, detail_url)
        reply = await client.post(
            f"{detail_url}/photos",
            data={"csrf_token": token, "alt_text": "x"},
            files={"photo": ("photo.jpg", data, "image/jpeg")},
        )
        assert reply.status_code == status, (data[:20], reply.status_code)
    token = await csrf_token(client, detail_url)
    no_alt = await client.post(
        f"{detail_url}/photos",
        data={"csrf_token": token, "alt_text": " "},
        files={"photo": ("p.jpg", jpeg_with_everything(quadrants(64, 48)), "image/jpeg")},
    )
    assert no_alt.status_code == 422
    assert await Photo.all().count() == 0 and await ProposalPhoto.all().count() == 0


async def test_bomb_quota_and_oversized_uploads_are_refused_early(
    client: httpx.AsyncClient,
) -> None:
    from datetime import timedelta

    from participation.media.services import DAILY_QUOTA
    from tests.support import now
    from tests.unit.test_media_pipeline import png_declaring

    world = await make_world()
    author = await login(client, "author")
    await make_verified(world.community, author)
    detail_url = await _draft(client, world.community.slug)

    async def upload(data: bytes) -> httpx.Response:
        token = await csrf_token(client, detail_url)
        return await client.post(
            f"{detail_url}/photos",
            data={"csrf_token": token, "alt_text": "x"},
            files={"photo": ("p.png", data, "image/png")},
        )

    bomb = await upload(png_declaring(30000, 30000))  # a few dozen bytes claiming 900 MP
    assert bomb.status_code == 422
    assert await Photo.all().count() == 0

    # A body over the limit is refused before the endpoint reads it (413), also when chunked.
    settings = client._transport.app.state.settings  # type: ignore[attr-defined]
    token = await csrf_token(client, detail_url)
    too_big = await client.post(
        f"{detail_url}/photos",
        data={"csrf_token": token, "alt_text": "x"},
        files={"photo": ("big.jpg", b"\xff" * (settings.max_body_bytes + 1), "image/jpeg")},
    )
    assert too_big.status_code == 413

    async def chunks():  # type: ignore[no-untyped-def]
        yield (
            b'--zz\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\n'
            b"Content-Type: image/jpeg\r\n\r\n"
        )
        for _ in range(settings.max_body_bytes // 65536 + 2):
            yield b"x" * 65536

    chunked = await client.post(
        f"{detail_url}/photos",
        content=chunks(),
        headers={"Content-Type": "multipart/form-data; boundary=zz", "X-CSRF-Token": token},
    )
    assert chunked.status_code == 413

    # The daily quota: the next upload after the limit gets 429 with Retry-After.
    photo = await Photo.create(
        community_id=world.community.id,
        owner_id=author.id,
        storage_key="seeded0",
        width=1,
        height=1,
        alt_text="x",
        created_at=now() - timedelta(hours=1),
    )
    for i in range(1, DAILY_QUOTA):
        await Photo.create(
            community_id=world.community.id,
            owner_id=author.id,
            storage_key=f"seeded{i}",
            width=1,
            height=1,
            alt_text="x",
            created_at=photo.created_at,
        )
    limited = await upload(jpeg_with_everything(quadrants(64, 48)))
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert await ProposalPhoto.all().count() == 0
