"""Uploads of the plot scope over HTTP (HOSTILE 26-31): the care-log photo (the safe photo
pipeline: bombs, wrong types, damaged files, metadata, file names, body size and quota) and
the committee's spreadsheet import (encoding, size), and formula-like names in the volunteer
hours CSV."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from PIL import Image, ImageStat
from starlette.applications import Starlette

from participation.core.permissions import Actor
from participation.media.models import Photo
from participation.media.services import DAILY_QUOTA
from participation.plots import adoption as adoptions
from participation.plots import care, teams
from participation.plots import services as plot_services
from participation.plots.models import CareLog, CareLogPhoto, Plot
from participation.plots.plot_input import PlotInput
from participation.plots.teams import TeamInput
from tests.support import (
    World,
    csrf_token,
    login,
    make_committee,
    make_user,
    make_verified,
    now,
)
from tests.unit.test_media_pipeline import (
    METADATA_MARKERS,
    POLYGLOTS,
    UNSUPPORTED,
    encode,
    insert_png_chunk,
    jpeg_with_everything,
    png_chunk,
    png_declaring,
    quadrants,
    zlib_bomb,
)
from tests.web.helpers import ENGLISH, assert_inert, tiny_png
from tests.web.plot_scene import PLOT_COMMITTEE, PLOT_MEMBER, PlotScene, build_plot_scene
from web.plots.committee import CSV_MAX_BYTES

RED, GREEN, BLUE = (220, 30, 30), (30, 200, 40), (30, 40, 210)


def stored_files(app: Starlette) -> list[str]:
    """Every file under the media root, relative to it."""
    root = Path(app.state.storage.root)
    return sorted(
        str(Path(folder, name).relative_to(root))
        for folder, _dirs, names in os.walk(root)
        for name in names
    )


async def care_state(scene: PlotScene) -> tuple[Any, ...]:
    plot = await Plot.get(id=scene.plot_id)
    return (
        await CareLog.all().count(),
        await CareLogPhoto.all().count(),
        await Photo.all().count(),
        plot.care_minutes,
        plot.last_care_at,
    )


class Member:
    """The scene's team member, signed in, logging care on the adopted plot."""

    def __init__(self, client: httpx.AsyncClient, scene: PlotScene) -> None:
        self.client, self.scene = client, scene
        self.url = f"/c/yulin/plots/{scene.plot_id}/care"

    async def log(
        self, photo: bytes, *, name: str = "花坛.jpg", alt: str = "浇水后的花坛", note: str = ""
    ) -> httpx.Response:
        token = await csrf_token(self.client, f"/c/yulin/plots/{self.scene.plot_id}")
        return await self.client.post(
            self.url,
            data={
                "csrf_token": token,
                "kind": "watering",
                "minutes": "20",
                "note": note,
                "alt_text": alt,
            },
            files={"photo": (name, photo, "image/jpeg")},
        )


async def _member(client: httpx.AsyncClient, world: World) -> Member:
    scene = await build_plot_scene(world)
    await login(client, PLOT_MEMBER)
    return Member(client, scene)


def raw_multipart(fields: dict[str, str], filename: bytes, data: bytes) -> tuple[bytes, str]:
    """A multipart body written by hand, so a file name can carry any bytes (httpx would
    percent-encode control characters)."""
    boundary = "huakai-hostile-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="'.encode()
        + filename
        + b'"\r\nContent-Type: image/jpeg\r\n\r\n'
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- 28 and 30: what is kept of a photo, and under which name ------------------------------------


async def test_care_photos_are_stored_clean_under_random_names(
    app: Starlette, client: httpx.AsyncClient, world: World
) -> None:
    member = await _member(client, world)
    hostile_names = [
        "../../app.py\u202egpj.jpg".encode(),
        b"..\\..\\web\\app.py\x00.jpg",
        ("长" * 1700 + ".jpg").encode(),  # 5 KB of name
        b"<script>alert(1)</script>.jpg",
    ]
    photo = jpeg_with_everything(quadrants(1200, 800))
    refused_names = []
    for filename in hostile_names:
        token = await csrf_token(client, f"/c/yulin/plots/{member.scene.plot_id}")
        body, content_type = raw_multipart(
            {"csrf_token": token, "kind": "watering", "minutes": "15", "alt_text": "拐角花坛"},
            filename,
            photo,
        )
        response = await client.post(
            member.url, content=body, headers={"Content-Type": content_type}
        )
        if response.status_code != 303:
            refused_names.append(
                f"{filename[:30]!r}... ({len(filename)} bytes): {response.status_code}"
            )
    photos = await Photo.filter(owner_id=member.scene.member_id).order_by("id")
    assert len(photos) == len(hostile_names) - len(refused_names) > 0
    assert await CareLogPhoto.all().count() == len(photos)
    for stored in photos:
        assert re.fullmatch(r"[0-9a-f]{16,64}", stored.storage_key), stored.storage_key
    for path in stored_files(app):
        assert re.fullmatch(r"[0-9a-f]+/(320|960|1920|original)\.webp", path), path

    # What is served carries no metadata, is turned upright, and is always WebP.
    page = await client.get(f"/c/yulin/plots/{member.scene.plot_id}")
    served = set(re.findall(r"/media/([0-9a-f]+)/(\w+)\.webp", page.text))
    assert {key for key, _variant in served} == {p.storage_key for p in photos}
    for variant in ("320", "960", "1920", "original"):
        reply = await client.get(f"/media/{photos[0].storage_key}/{variant}.webp")
        if reply.status_code == 404:
            continue  # variants wider than the photo are not made
        assert reply.status_code == 200 and reply.headers["content-type"] == "image/webp"
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert not any(marker in reply.content for marker in METADATA_MARKERS), variant
        image = Image.open(io.BytesIO(reply.content))
        assert not image.getexif() and "xmp" not in image.info and "exif" not in image.info
        assert image.height > image.width  # EXIF orientation 6 applied before stripping

    # An animated PNG: only its first frame is kept.
    frames = [Image.new("RGB", (400, 300), colour) for colour in (RED, GREEN, BLUE)]
    animated = encode(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=100)
    assert (await member.log(animated, name="动图.png")).status_code == 303
    newest = await Photo.filter(owner_id=member.scene.member_id).order_by("-id").first()
    assert newest is not None
    original = await client.get(f"/media/{newest.storage_key}/original.webp")
    image = Image.open(io.BytesIO(original.content))
    assert getattr(image, "n_frames", 1) == 1
    mean = ImageStat.Stat(image.convert("RGB")).mean
    assert all(abs(got - want) < 12 for got, want in zip(mean, RED, strict=True)), mean
    # Whatever the file was called, the photo is taken (the name is never used).
    assert not refused_names, refused_names


# --- 26, 27 and 29: refused photos leave nothing behind ------------------------------------------


def _refused_photos() -> dict[str, tuple[bytes, int]]:
    huge_text = insert_png_chunk(
        encode(quadrants(64, 64), "PNG"),
        png_chunk(b"zTXt", b"Comment\x00\x00" + zlib_bomb(20_000_000)),
        before=b"IDAT",
    )
    truncated = encode(quadrants(600, 400).effect_spread(20), "JPEG")
    cases = {
        "png declaring 30000x30000": (png_declaring(30000, 30000), 422),
        "truncated jpeg": (truncated[: len(truncated) // 2], 422),
        "jpeg magic only": (b"\xff\xd8\xff\xe0" + b"\x00" * 100, 422),
        "png with a huge compressed text chunk": (huge_text, 422),
    }
    for name in (
        "svg",
        "svg with xml declaration",
        "html renamed .jpg",
        "gif",
        "tiff",
        "psd header",
        "fits header",
        "dcx header",
        "gd header",
        "spider header",
        "pdf",
    ):
        cases[name] = (UNSUPPORTED[name](), 415)
    for name in ("jpeg magic then html", "png magic then svg", "png header and a gif body"):
        cases[name] = (POLYGLOTS[name](), 422)
    return cases


async def test_refused_care_photos_write_nothing(
    app: Starlette, client: httpx.AsyncClient, world: World
) -> None:
    member = await _member(client, world)
    before = await care_state(member.scene)
    failures = []
    for name, (data, status) in _refused_photos().items():
        response = await member.log(data, name="photo.png", note=f"不该记下 {name}")
        if response.status_code != status:
            failures.append(f"{name}: {response.status_code}, expected {status}")
        elif "<html" not in response.text:
            failures.append(f"{name}: no page")
    # A fine photo without a word about what it shows is refused too, before anything is kept.
    no_alt = await member.log(jpeg_with_everything(quadrants(64, 48)), alt=" ")
    if no_alt.status_code != 422:
        failures.append(f"no alt text: {no_alt.status_code}")
    assert not failures, "\n".join(failures)
    assert await care_state(member.scene) == before
    assert stored_files(app) == []


# --- 31: oversized bodies and the daily quota ----------------------------------------------------


async def test_oversized_and_over_quota_care_photos_are_refused_early(
    app: Starlette, client: httpx.AsyncClient, world: World
) -> None:
    member = await _member(client, world)
    before = await care_state(member.scene)
    limit = app.state.settings.max_body_bytes
    too_big = await member.log(b"\xff" * (limit + 1), name="big.jpg")
    assert too_big.status_code == 413

    token = await csrf_token(client, f"/c/yulin/plots/{member.scene.plot_id}")

    async def chunks() -> AsyncIterator[bytes]:
        yield (
            b'--zz\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\n'
            b"Content-Type: image/jpeg\r\n\r\n"
        )
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536

    chunked = await client.post(
        member.url,
        content=chunks(),
        headers={"Content-Type": "multipart/form-data; boundary=zz", "X-CSRF-Token": token},
    )
    assert chunked.status_code == 413
    assert await care_state(member.scene) == before

    # After a day's quota of photos, a care log with one more is refused whole: no log.
    await Photo.bulk_create(
        [
            Photo(
                community_id=world.community.id,
                owner_id=member.scene.member_id,
                storage_key=f"seeded{i:04d}",
                width=1,
                height=1,
                alt_text="x",
                created_at=now() - timedelta(hours=1),
            )
            for i in range(DAILY_QUOTA)
        ]
    )
    before = await care_state(member.scene)
    limited = await member.log(tiny_png(), name="one-more.png")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert await care_state(member.scene) == before
    assert stored_files(app) == []


# --- the spreadsheet import: encoding and size ---------------------------------------------------


async def test_csv_files_that_are_not_utf8_or_too_large_are_a_clear_422(
    app: Starlette, client: httpx.AsyncClient, world: World
) -> None:
    scene = await build_plot_scene(world)
    await login(client, PLOT_COMMITTEE)
    client.headers.update(ENGLISH)
    plots_before = await Plot.all().count()
    sheet = "name,kind,location\n银杏树下花坛,flowerbed,玉林东路12号\n"

    async def upload(data: bytes, name: str = "plots.csv") -> httpx.Response:
        token = await csrf_token(client, "/c/yulin/plots/import")
        return await client.post(
            "/c/yulin/plots/import",
            data={"csrf_token": token},
            files={"file": (name, data, "text/csv")},
        )

    not_utf8 = "Please save the spreadsheet as CSV in UTF-8 and try again."
    too_large = "The file is too large: import at most 500 plots at a time."
    refused: dict[str, tuple[bytes, str]] = {
        "gbk": (sheet.encode("gbk"), not_utf8),
        "utf-16": (sheet.encode("utf-16"), not_utf8),
        "latin-1": ("name,kind\nCafé garden,flowerbed\n".encode("latin-1"), not_utf8),
        "a png": (tiny_png(), not_utf8),
        "utf-8 then a stray byte": (sheet.encode() + b"\xff\n", not_utf8),
        "over the size limit": (
            ("name,kind\n" + "花坛,flowerbed\n" * (CSV_MAX_BYTES // 10)).encode()[
                : CSV_MAX_BYTES + 1
            ],
            too_large,
        ),
    }
    for case, (data, message) in refused.items():
        response = await upload(data)
        assert response.status_code == 422, (case, response.text[:500])
        assert message in response.text, case
        assert_inert(response.text)
    many = "name,kind\n" + "".join(f"花坛{i},flowerbed\n" for i in range(501))
    assert len(many.encode()) < CSV_MAX_BYTES
    too_many = await upload(many.encode())
    assert too_many.status_code == 422
    assert "Too many rows: import at most 500 at a time." in too_many.text
    empty = await upload(b"")
    assert empty.status_code == 422
    assert await Plot.all().count() == plots_before

    # A good file: with Excel's BOM, and whatever its name, it is read and never stored.
    refused_names = []
    for number, name in enumerate(("../../app.py\u202evsc.csv", "x" * 5000 + ".csv")):
        data = "\ufeff" + sheet.replace("银杏树下花坛", f"银杏树下花坛{number}")
        response = await upload(data.encode(), name)
        if response.status_code != 303:
            refused_names.append(f"a {len(name)}-character name: {response.status_code}")
        elif not await Plot.exists(name=f"银杏树下花坛{number}", community_id=world.community.id):
            refused_names.append(f"a {len(name)}-character name: nothing imported")
    assert await Plot.all().count() == plots_before + 2 - len(refused_names)
    assert stored_files(app) == []
    assert scene.committee.id  # the scene's committee sits on this community's committee
    assert not refused_names, refused_names


# --- formula-like names in the volunteer hours CSV -----------------------------------------------

FORMULA_NAMES = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(1,2)")
FORMULA_TEAM = "=cmd|' /C calc'!A0"


async def test_formula_like_names_stay_text_in_the_hours_csv(
    client: httpx.AsyncClient, world: World
) -> None:
    here = world.community.id
    committee = await login(client, "hours-committee")
    await make_committee(world.community, committee)
    leader = await make_user("hours-leader", "队长")
    await make_verified(world.community, leader, household="15栋1500")
    team = await teams.found_team(
        Actor(user_id=leader.id), here, TeamInput(FORMULA_TEAM, "", "open"), now=now()
    )
    plot = await plot_services.create_plot(
        Actor(user_id=committee.id), here, PlotInput("公式花坛", "flowerbed"), now=now()
    )
    asked = await adoptions.request_adoption(
        Actor(user_id=leader.id), here, plot.id, team.id, 6, now=now()
    )
    await adoptions.decide_adoption(
        Actor(user_id=committee.id), here, asked.id, True, "", now=now()
    )
    members = [leader]
    for number, name in enumerate(FORMULA_NAMES, start=1):
        user = await make_user(f"hours-member-{number}", name)
        await make_verified(world.community, user, household=f"15栋150{number}")
        await teams.join_team(Actor(user_id=user.id), here, team.id, now=now())
        members.append(user)
    for minutes, user in enumerate(members, start=1):
        await care.log_care(
            Actor(user_id=user.id),
            here,
            plot.id,
            care.CareInput("watering", str(minutes * 10)),
            now=now(),
        )

    response = await client.get("/c/yulin/hours.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0] == ["month", "member", "team", "care_logs", "minutes", "hours"]
    members_shown = {row[1] for row in rows[1:]}
    assert members_shown == {"队长", *(f"'{name}" for name in FORMULA_NAMES)}
    assert {row[2] for row in rows[1:]} == {f"'{FORMULA_TEAM}"}
    for row in rows[1:]:
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), row
    page = await client.get("/c/yulin/hours")
    assert_inert(page.text, *FORMULA_NAMES, FORMULA_TEAM)
