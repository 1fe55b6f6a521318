"""Amendments (修正案): residents propose and support them while the text is drafted; the
committee accepts or rejects each with a public reason, and what it accepts becomes the next
version of the text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError

import participation.conventions.notices  # noqa: F401 - registers the notice kinds sent here
from participation.audit.services import record
from participation.communities.queries import get_standing
from participation.conventions.articles import ARTICLE_MAX
from participation.conventions.models import (
    Amendment,
    AmendmentSupport,
    Convention,
    ConventionVersion,
)
from participation.conventions.rules import (
    AmendmentKind,
    AmendmentStatus,
    AmendmentSubject,
    ConventionSubject,
    Phase,
)
from participation.conventions.services.drafting import locked_convention
from participation.conventions.text import Change, apply_changes, articles_of, rows_of
from participation.core.db import transaction
from participation.core.errors import N_, Conflict, Invalid, NotFound
from participation.core.permissions import Actor, require
from participation.core.text import clean_multiline
from participation.moderation.queries import require_not_suspended
from participation.notifications.services import notify

RATIONALE_MAX = 1000
REASON_MAX = 1000


async def propose_amendment(
    actor: Actor,
    community_id: int,
    convention_id: int,
    kind: str,
    article_key: int,
    body: str,
    rationale: str,
    *,
    now: datetime,
) -> Amendment:
    """Change article ``article_key``, insert a new one after it (0: before the first), or
    delete it; against the current version, whose article text is kept with the amendment."""
    convention = await Convention.get_or_none(id=convention_id, community_id=community_id)
    if convention is None or convention.current_version_id is None:
        raise NotFound()
    standing = await get_standing(actor.user_id, community_id)
    require(
        "conventions.propose_amendment",
        actor,
        standing,
        ConventionSubject(Phase(convention.status)),
    )
    await require_not_suspended(actor.user_id, community_id, now)
    try:
        what = AmendmentKind(kind)
    except ValueError:
        raise Invalid(N_("Please choose what the amendment does."), field="kind") from None
    version = await ConventionVersion.get(id=convention.current_version_id)
    bodies = {article.key: article.body for article in articles_of(version.articles)}
    if article_key not in bodies and not (what is AmendmentKind.INSERT and article_key == 0):
        raise Invalid(N_("Please choose one of the convention's articles."), field="article_key")
    base = bodies.get(article_key, "") if what is not AmendmentKind.INSERT else ""
    text = ""
    if what is not AmendmentKind.DELETE:
        found = clean_multiline(body, max_length=ARTICLE_MAX)
        if found is None:
            raise Invalid(
                N_("Please write the article's new text, at most 2,000 characters."), field="body"
            )
        if found == base:
            raise Invalid(N_("The new text is the same as the article's text."), field="body")
        text = found
    reason = clean_multiline(rationale, max_length=RATIONALE_MAX)
    if reason is None:
        raise Invalid(
            N_("Please say why, in at most 1,000 characters: neighbours decide on reasons."),
            field="rationale",
        )
    async with transaction() as conn:
        # The convention's row is the lock: a double click or a retried post finds the first
        # one's amendment and lands on it, instead of publishing the same change twice.
        current = await locked_convention(conn, community_id, convention.id)
        if current.current_version_id != version.id:
            raise Conflict(N_("The text has changed meanwhile; reload it and propose again."))
        same = (
            await Amendment.filter(
                convention_id=convention.id,
                author_id=actor.user_id,
                kind=what.value,
                article_key=article_key,
                body=text,
                status=AmendmentStatus.OPEN.value,
            )
            .using_db(conn)
            .first()
        )
        if same is not None:
            return same
        return await Amendment.create(
            convention_id=convention.id,
            version_id=version.id,
            kind=what.value,
            article_key=article_key,
            base_text=base,
            body=text,
            rationale=reason,
            author_id=actor.user_id,
            created_at=now,
            using_db=conn,
        )


async def _amendment(community_id: int, amendment_id: int) -> tuple[Amendment, AmendmentSubject]:
    amendment = (
        await Amendment.filter(id=amendment_id, convention__community_id=community_id)
        .select_related("convention")
        .first()
    )
    if amendment is None:
        raise NotFound()
    convention = amendment.convention
    subject = AmendmentSubject(
        amendment.author_id, AmendmentStatus(amendment.status), Phase(convention.status)
    )
    return amendment, subject


async def support_amendment(
    actor: Actor, community_id: int, amendment_id: int, *, supported: bool, now: datetime
) -> None:
    """Support an amendment (once: the second time changes nothing), or withdraw support."""
    amendment, subject = await _amendment(community_id, amendment_id)
    require("conventions.support", actor, await get_standing(actor.user_id, community_id), subject)
    try:
        async with transaction() as conn:
            if supported:
                await AmendmentSupport.create(
                    amendment_id=amendment.id, user_id=actor.user_id, created_at=now, using_db=conn
                )
            else:
                await (
                    AmendmentSupport.filter(amendment_id=amendment.id, user_id=actor.user_id)
                    .using_db(conn)
                    .delete()
                )
            count = await AmendmentSupport.filter(amendment_id=amendment.id).using_db(conn).count()
            await Amendment.filter(id=amendment.id).using_db(conn).update(support_count=count)
    except IntegrityError:
        return  # supported already (UNIQUE(amendment, user)): nothing to change


async def withdraw_amendment(
    actor: Actor, community_id: int, amendment_id: int, *, now: datetime
) -> None:
    amendment, subject = await _amendment(community_id, amendment_id)
    require(
        "conventions.withdraw_amendment",
        actor,
        await get_standing(actor.user_id, community_id),
        subject,
    )
    await Amendment.filter(id=amendment.id, status=AmendmentStatus.OPEN.value).update(
        status=AmendmentStatus.WITHDRAWN.value, decided_at=now
    )


@dataclass(frozen=True)
class Decision:
    amendment_id: int
    accept: bool
    reason: str


async def decide_amendments(
    actor: Actor,
    community_id: int,
    convention_id: int,
    decisions: Sequence[Decision],
    *,
    now: datetime,
) -> ConventionVersion | None:
    """Accept or reject each amendment with a public reason, in one transaction; the accepted
    ones, applied in the order they were proposed, make the next version (returned). One that
    no longer fits the text refuses the whole decision, with what to do about it."""
    if not decisions:
        raise Invalid(N_("Please choose accept or reject for at least one amendment."))
    if len({d.amendment_id for d in decisions}) != len(decisions):
        raise Invalid(N_("Please decide on each amendment once."))
    standing = await get_standing(actor.user_id, community_id)
    reasons = {}
    for decision in decisions:
        reason = clean_multiline(decision.reason, max_length=REASON_MAX) if decision.reason else ""
        if reason is None or (not decision.accept and not reason):
            raise Invalid(
                N_("Please give residents the reason for rejecting amendment %(number)s."),
                field="reason",
                number=decision.amendment_id,
            )
        reasons[decision.amendment_id] = reason
    async with transaction() as conn:
        convention = await locked_convention(conn, community_id, convention_id)
        rows = {
            a.id: a
            for a in await Amendment.filter(
                id__in=list(reasons), convention_id=convention.id
            ).using_db(conn)
        }
        if len(rows) != len(decisions):
            raise NotFound()
        for amendment in rows.values():
            subject = AmendmentSubject(
                amendment.author_id, AmendmentStatus(amendment.status), Phase(convention.status)
            )
            require("conventions.decide", actor, standing, subject)
        accepted = sorted(d.amendment_id for d in decisions if d.accept)
        version = None
        if accepted:
            assert convention.current_version_id is not None
            current = (
                await ConventionVersion.filter(id=convention.current_version_id)
                .using_db(conn)
                .get()
            )
            changes = [
                Change(
                    amendment_id=a.id,
                    kind=AmendmentKind(a.kind),
                    article_key=a.article_key,
                    base_text=a.base_text,
                    body=a.body,
                )
                for a in (rows[i] for i in accepted)
            ]
            text, next_key = apply_changes(
                articles_of(current.articles), changes, convention.next_article_key
            )
            version = await ConventionVersion.create(
                convention_id=convention.id,
                number=current.number + 1,
                preamble=current.preamble,
                articles=rows_of(text),
                amendment_ids=accepted,
                created_by_id=actor.user_id,
                created_at=now,
                using_db=conn,
            )
            convention.current_version_id = version.id
            convention.next_article_key = next_key
        convention.updated_at = now
        await convention.save(
            update_fields=["current_version_id", "next_article_key", "updated_at"], using_db=conn
        )
        supporters: dict[int, list[int]] = {}
        for row in (
            await AmendmentSupport.filter(amendment_id__in=list(reasons))
            .using_db(conn)
            .values("amendment_id", "user_id")
        ):
            supporters.setdefault(row["amendment_id"], []).append(row["user_id"])
        for decision in decisions:
            status = AmendmentStatus.ACCEPTED if decision.accept else AmendmentStatus.REJECTED
            await (
                Amendment.filter(id=decision.amendment_id)
                .using_db(conn)
                .update(
                    status=status.value,
                    reason=reasons[decision.amendment_id],
                    decided_by_id=actor.user_id,
                    decided_at=now,
                    result_version_id=version.id if version and decision.accept else None,
                )
            )
            people = {
                rows[decision.amendment_id].author_id,
                *supporters.get(decision.amendment_id, []),
            }
            kind = (
                "conventions.amendment_accepted"
                if decision.accept
                else "conventions.amendment_rejected"
            )
            for user_id in sorted(people):
                await notify(
                    conn,
                    user_id,
                    kind,
                    now=now,
                    convention=convention.title,
                    convention_id=convention.id,
                    number=decision.amendment_id,
                    reason=reasons[decision.amendment_id],
                )
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="conventions.decide_amendments",
            target=f"convention:{convention.id}",
            at=now,
            after={
                "accepted": accepted,
                "rejected": sorted(d.amendment_id for d in decisions if not d.accept),
                "version": version.number if version else None,
            },
        )
    return version
