"""The notices page: unread notices first, then the rest, newest first within each, each
saying how long ago it happened (the exact time in its title)."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx

from participation.notifications.models import Notification
from tests.support import login, now
from tests.web.helpers import ENGLISH

ITEM_RE = re.compile(
    r'<li( class="unread")?>.*?You are now a member of team (\d+)\..*?'
    r'<time datetime="[^"]+" title="[^"]+">([^<]+)</time>',
    re.S,
)


async def test_unread_come_first_then_newest_first(client: httpx.AsyncClient) -> None:
    user = await login(client, "reader")
    moment = now()
    # Written out of time order (as jobs that catch up, or the demo's past, write them).
    for number, (days_ago, read) in enumerate(
        [(3, False), (10, True), (0, True), (1, False), (5, True), (2, False)], start=1
    ):
        await Notification.create(
            user_id=user.id,
            kind="teams.joined",
            payload={"team": f"team {number}"},
            created_at=moment - timedelta(days=days_ago, minutes=1),
            read_at=moment if read else None,
        )
    page = (await client.get("/notices", headers=ENGLISH)).text
    older = moment - timedelta(days=10, minutes=1)
    shown = [(bool(unread), int(number), when) for unread, number, when in ITEM_RE.findall(page)]
    assert shown == [
        (True, 4, "1 day ago"),
        (True, 6, "2 days ago"),
        (True, 1, "3 days ago"),
        (False, 3, "1 minute ago"),
        (False, 5, "5 days ago"),
        # Dates are given in the community's time zone, not the server's (UTC).
        (False, 2, older.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%b %-d, %Y")),
    ], page
