from __future__ import annotations

import httpx

from tests.support import login


async def test_oidc_round_trip_signs_in_and_out(client: httpx.AsyncClient) -> None:
    user = await login(client, "tian-xiufang")
    page = await client.get("/")
    assert "tian-xiufang" in page.text
    assert user.display_name == "tian-xiufang"
