"""What moderation needs to know about plots' resident content (registered here, so that
moderation imports no capability): care logs (a member's note and photos) and team pages
(a team's name and description, written by its leader)."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from participation.communities.queries import community_by_id
from participation.core.errors import N_
from participation.moderation.kinds import Item, register_content
from participation.plots.models import CareLog, Team, TeamMember


async def find_care_log(log_id: int) -> Item | None:
    log = await CareLog.filter(id=log_id).select_related("plot").first()
    if log is None:
        return None
    community = await community_by_id(log.plot.community_id)
    return Item(
        "care_log",
        log.id,
        community.id,
        log.member_id,
        log.note,
        "plots:detail",
        {"slug": community.slug, "plot_id": str(log.plot_id)},
        anchor=f"#log-{log.id}",
    )


async def redact_care_log(conn: BaseDBAsyncClient, log_id: int, text: str) -> None:
    await CareLog.filter(id=log_id).using_db(conn).update(note=text)


async def find_team(team_id: int) -> Item | None:
    team = await Team.filter(id=team_id).first()
    if team is None:
        return None
    leader = (
        await TeamMember.filter(team_id=team.id, role="leader", status="active")
        .order_by("joined_at", "id")
        .first()
    )
    if leader is None:
        return None
    community = await community_by_id(team.community_id)
    return Item(
        "team",
        team.id,
        community.id,
        leader.user_id,
        team.description,
        "teams:detail",
        {"slug": community.slug, "team_id": str(team.id)},
    )


async def redact_team(conn: BaseDBAsyncClient, team_id: int, text: str) -> None:
    await Team.filter(id=team_id).using_db(conn).update(description=text)


register_content("care_log", N_("Care log"), find=find_care_log, redact=redact_care_log)
register_content("team", N_("Team page"), find=find_team, redact=redact_team)
