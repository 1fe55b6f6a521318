"""Opening a convention's draft, moving it through its phases, and starting a revision.

Every use case takes the acting user and ``now``; each committee action writes its audit row
in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from participation.audit.services import record
from participation.communities.queries import get_standing
from participation.conventions.articles import ARTICLE_MAX, ARTICLES_MAX
from participation.conventions.models import Amendment, Convention, ConventionVersion
from participation.conventions.rules import AmendmentStatus, ConventionSubject, Phase
from participation.core.db import is_postgres, transaction
from participation.core.errors import N_, Conflict, Invalid, NotFound
from participation.core.permissions import Actor, require
from participation.core.text import clean_line, clean_multiline

TITLE_MAX = 120
PREAMBLE_MAX = 5000


async def locked_convention(
    conn: BaseDBAsyncClient, community_id: int, convention_id: int
) -> Convention:
    """The convention, locked for this transaction (PostgreSQL; SQLite has one writer)."""
    query = Convention.filter(id=convention_id, community_id=community_id).using_db(conn)
    if is_postgres():
        query = query.select_for_update()
    convention = await query.first()
    if convention is None:
        raise NotFound()
    return convention


def clean_text(title: str, preamble: str, articles: Sequence[str]) -> tuple[str, str, list[str]]:
    """The title, preamble and articles as stored, or the first thing wrong with them."""
    clean_title = clean_line(title, max_length=TITLE_MAX)
    if clean_title is None:
        raise Invalid(
            N_("Please give the convention a title of at most 120 characters."), field="title"
        )
    clean_preamble = ""
    if preamble.strip():
        found = clean_multiline(preamble, max_length=PREAMBLE_MAX)
        if found is None:
            raise Invalid(N_("The preamble can be at most 5,000 characters."), field="preamble")
        clean_preamble = found
    bodies = [body for body in articles if body.strip()]
    if not bodies:
        raise Invalid(N_("A convention needs at least one article."), field="text")
    if len(bodies) > ARTICLES_MAX:
        raise Invalid(N_("A convention can have at most 200 articles."), field="text")
    clean_articles = []
    for number, body in enumerate(bodies, start=1):
        found = clean_multiline(body, max_length=ARTICLE_MAX)
        if found is None:
            raise Invalid(
                N_("Article %(number)s is longer than 2,000 characters."),
                field="text",
                number=number,
            )
        clean_articles.append(found)
    return clean_title, clean_preamble, clean_articles


async def open_draft(
    actor: Actor,
    community_id: int,
    title: str,
    preamble: str,
    articles: Sequence[str],
    *,
    now: datetime,
) -> Convention:
    """A new convention in drafting, its text as version 1."""
    require("conventions.manage", actor, await get_standing(actor.user_id, community_id))
    clean_title, clean_preamble, bodies = clean_text(title, preamble, articles)
    async with transaction() as conn:
        convention = await Convention.create(
            community_id=community_id,
            title=clean_title,
            status=Phase.DRAFTING.value,
            next_article_key=len(bodies) + 1,
            created_by_id=actor.user_id,
            created_at=now,
            updated_at=now,
            using_db=conn,
        )
        version = await ConventionVersion.create(
            convention_id=convention.id,
            number=1,
            preamble=clean_preamble,
            articles=[{"key": key, "body": body} for key, body in enumerate(bodies, start=1)],
            created_by_id=actor.user_id,
            created_at=now,
            using_db=conn,
        )
        convention.current_version_id = version.id
        await convention.save(update_fields=["current_version_id"], using_db=conn)
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="conventions.open_draft",
            target=f"convention:{convention.id}",
            at=now,
            after={"title": clean_title, "articles": len(bodies)},
        )
    return convention


_MOVES: dict[Phase, frozenset[Phase]] = {
    Phase.DRAFTING: frozenset({Phase.CONSOLIDATION}),
    Phase.CONSOLIDATION: frozenset({Phase.DRAFTING}),
}


async def move_phase(
    actor: Actor, community_id: int, convention_id: int, to: Phase, *, now: datetime
) -> Convention:
    """Drafting ⇄ consolidation: the committee closes the text to new amendments to decide on
    the open ones, or reopens it. Ratification starts with scheduling its vote."""
    require("conventions.manage", actor, await get_standing(actor.user_id, community_id))
    async with transaction() as conn:
        convention = await locked_convention(conn, community_id, convention_id)
        if to not in _MOVES.get(Phase(convention.status), frozenset()):
            raise Conflict(N_("The convention is no longer in that phase; reload the page."))
        await _change_phase(conn, actor, convention, to, "conventions.move_phase", now)
    return convention


async def start_revision(
    actor: Actor, community_id: int, convention_id: int, *, now: datetime
) -> Convention:
    """A finished convention back to drafting from its last version; the adopted text stays
    in force (and published) until a new version is adopted."""
    standing = await get_standing(actor.user_id, community_id)
    async with transaction() as conn:
        convention = await locked_convention(conn, community_id, convention_id)
        require("conventions.revise", actor, standing, ConventionSubject(Phase(convention.status)))
        await _change_phase(
            conn, actor, convention, Phase.DRAFTING, "conventions.start_revision", now
        )
    return convention


async def _change_phase(
    conn: BaseDBAsyncClient,
    actor: Actor,
    convention: Convention,
    to: Phase,
    action: str,
    now: datetime,
) -> None:
    """Move the (locked) convention to ``to``, with its audit row in the same transaction."""
    before = convention.status
    convention.status = to.value
    convention.updated_at = now
    await convention.save(update_fields=["status", "updated_at"], using_db=conn)
    await record(
        conn,
        actor_id=actor.user_id,
        community_id=convention.community_id,
        action=action,
        target=f"convention:{convention.id}",
        at=now,
        before={"status": before},
        after={"status": to.value},
    )


async def open_amendment_count(conn: BaseDBAsyncClient, convention_id: int) -> int:
    return await (
        Amendment.filter(convention_id=convention_id, status=AmendmentStatus.OPEN.value)
        .using_db(conn)
        .count()
    )
