"""The plot's own photo, set by the committee on the plot's edit page: through the safe photo
pipeline (HOSTILE 26-30 for this form), replaced, removed, audited, and shown on the plot page
with its description rendered inert (13)."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette

from participation.audit.models import AuditEntry
from participation.media.models import Photo
from participation.plots.models import Plot
from tests.support import World, csrf_token, login
from tests.unit.test_media_pipeline import (
    UNSUPPORTED,
    jpeg_with_everything,
    png_declaring,
    quadrants,
)
from tests.web.helpers import ENGLISH, assert_inert
from tests.web.plot_scene import PLOT_COMMITTEE, PlotScene, build_plot_scene
from tests.web.test_plot_uploads import stored_files

HOSTILE_ALT = '"><img src=x onerror=alert(1)> {{7*7}} <div hx-get=/admin hx-trigger=load>'


class Committee:
    """The committee, signed in, on the edit page of the scene's free plot."""

    def __init__(self, client: httpx.AsyncClient, scene: PlotScene) -> None:
        self.client, self.scene = client, scene
        self.plot_url = f"/c/yulin/plots/{scene.free_plot_id}"

    async def send(self, data: dict[str, str], photo: bytes | None = None) -> httpx.Response:
        token = await csrf_token(self.client, f"{self.plot_url}/edit")
        files: Any = {"photo": ("花坛.jpg", photo, "image/jpeg")} if photo is not None else None
        return await self.client.post(
            f"{self.plot_url}/photo", data={"csrf_token": token, **data}, files=files
        )


async def _committee(client: httpx.AsyncClient, world: World) -> Committee:
    scene = await build_plot_scene(world)
    client.headers.update(ENGLISH)
    await login(client, PLOT_COMMITTEE)
    return Committee(client, scene)


async def _photo_id(scene: PlotScene) -> int | None:
    return (await Plot.get(id=scene.free_plot_id)).photo_id


async def test_the_committee_sets_replaces_and_removes_the_plots_photo(
    client: httpx.AsyncClient, world: World
) -> None:
    committee = await _committee(client, world)
    assert "No photo yet." in (await client.get(f"{committee.plot_url}/edit")).text

    first = await committee.send(
        {"alt_text": HOSTILE_ALT}, jpeg_with_everything(quadrants(1200, 800))
    )
    assert first.status_code == 303 and first.headers["location"] == committee.plot_url
    first_id = await _photo_id(committee.scene)
    assert first_id is not None
    photo = await Photo.get(id=first_id)
    page = (await client.get(committee.plot_url)).text
    assert f"/media/{photo.storage_key}/" in page
    assert_inert(page, HOSTILE_ALT, allowed_tags=("img",))  # the photo itself

    await committee.send({"alt_text": "春天的花坛"}, jpeg_with_everything(quadrants(800, 600)))
    second_id = await _photo_id(committee.scene)
    assert second_id not in (None, first_id)
    edit = (await client.get(f"{committee.plot_url}/edit")).text
    assert 'alt="春天的花坛"' in edit and "Remove the photo" in edit

    removed = await committee.send({"remove": "1"})
    assert removed.status_code == 303
    assert await _photo_id(committee.scene) is None
    assert "/media/" not in (await client.get(committee.plot_url)).text

    trail = await AuditEntry.filter(action="plots.photo").order_by("id")
    assert [(e.before["photo_id"], e.after["photo_id"]) for e in trail] == [
        (None, first_id),
        (first_id, second_id),
        (second_id, None),
    ]
    assert {e.actor_id for e in trail} == {committee.scene.committee.id}


async def test_refused_plot_photos_change_nothing_and_leave_no_file(
    app: Starlette, client: httpx.AsyncClient, world: World
) -> None:
    committee = await _committee(client, world)
    cases = {
        "no file": (None, {"alt_text": "花坛"}, 422),
        "png declaring 30000x30000": (png_declaring(30000, 30000), {"alt_text": "花坛"}, 422),
        "svg": (UNSUPPORTED["svg"](), {"alt_text": "花坛"}, 415),
        "html renamed .jpg": (UNSUPPORTED["html renamed .jpg"](), {"alt_text": "花坛"}, 415),
        "no alt text": (jpeg_with_everything(quadrants(64, 48)), {"alt_text": " "}, 422),
    }
    failures = []
    for name, (data, fields, status) in cases.items():
        response = await committee.send(fields, data)
        if response.status_code != status or "<html" not in response.text:
            failures.append(f"{name}: {response.status_code}, expected {status}")
    assert not failures, "\n".join(failures)
    assert await _photo_id(committee.scene) is None
    assert await Photo.all().count() == 0
    assert not await AuditEntry.filter(action="plots.photo").exists()
    assert stored_files(app) == []
    # The form's own error is shown beside the photo field, in a page that keeps the plot's.
    again = await committee.send({"alt_text": "花坛"})
    assert 'id="photo-error"' in again.text and "Please choose a photo." in again.text
    assert f'value="{(await Plot.get(id=committee.scene.free_plot_id)).name}"' in again.text
