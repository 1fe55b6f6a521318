"""Reporting an item, and hiding it at once when enough trusted residents have.

A report counts towards the community's threshold only from a verified resident who has
been a member for more than a day: reports from new or unverified accounts, or a second one
from the same person (one report per person and item, a UNIQUE constraint), still reach the
queue but hide nothing, so a group that joins to silence someone cannot."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

import participation.moderation.notices  # noqa: F401 - registers the notice kinds sent here
from participation.communities.queries import community_by_id, get_membership, get_standing
from participation.core.db import transaction
from participation.core.errors import N_, Invalid
from participation.core.permissions import Actor, require
from participation.core.text import clean_multiline
from participation.moderation.kinds import rule_articles
from participation.moderation.models import ModeratedItem, Report
from participation.moderation.rules import REASONS, REPORT_TEXT_MAX, ItemSubject
from participation.moderation.services.common import find_item, locked_item, log, moderated_item
from participation.notifications.services import notify
from participation.ratelimit.services import hit

REPORTS_PER_HOUR = 20
TRUSTED_AFTER = timedelta(days=1)


def _clean_report(reason: str, text: str) -> str:
    if reason not in REASONS:
        raise Invalid(N_("Please choose why you report it."), field="reason")
    note = clean_multiline(text, max_length=REPORT_TEXT_MAX) if text.strip() else ""
    if note is None:
        raise Invalid(N_("Please say it in at most 500 characters."), field="text")
    if reason == "other" and not note:
        raise Invalid(N_("Please say what is wrong with it."), field="text")
    return note


async def _named_article(community_id: int, reason: str, article: str) -> str:
    if reason != "convention":
        return ""
    in_force = {a.ref for a in await rule_articles(community_id)}
    if in_force and article not in in_force:
        raise Invalid(N_("Please choose the article it breaks."), field="article")
    return article if in_force else ""


async def report_item(
    actor: Actor,
    community_id: int,
    kind: str,
    item_id: int,
    reason: str,
    *,
    text: str = "",
    article: str = "",
    now: datetime,
) -> Report:
    """The actor's report of the item (their earlier one if they reported it already).
    ``article``: for a report that it breaks the community's convention, the article (a
    ``RuleArticle.ref``), which must be named when the community has one in force."""
    item = await find_item(community_id, kind, item_id)
    standing = await get_standing(actor.user_id, community_id)
    require("moderation.report", actor, standing, ItemSubject(item.author_id, escalated=False))
    note = _clean_report(reason, text)
    article = await _named_article(community_id, reason, article)
    earlier = await Report.filter(
        item__kind=item.kind, item__item_id=item.item_id, reporter_id=actor.user_id
    ).first()
    if earlier is not None:  # a second click: the same report, and no hour's quota spent
        return earlier
    await hit(f"report:{actor.user_id}", limit=REPORTS_PER_HOUR, window_seconds=3600, now=now)
    assert actor.user_id is not None  # moderation.report asks for a member
    membership = await get_membership(actor.user_id, community_id)
    counts = (
        standing.verified and membership is not None and membership.joined_at <= now - TRUSTED_AFTER
    )
    async with transaction() as conn:
        moderated = await moderated_item(item, now=now)
        try:
            async with transaction() as inner:
                report = await Report.create(
                    item_id=moderated.id,
                    reporter_id=actor.user_id,
                    reason=reason,
                    article_ref=article,
                    text=note,
                    counts=counts,
                    created_at=now,
                    using_db=inner,
                )
        except IntegrityError:
            return await Report.get(item_id=moderated.id, reporter_id=actor.user_id)
        await (
            ModeratedItem.filter(id=moderated.id)
            .using_db(conn)
            .update(
                open_reports=F("open_reports") + 1,
                counted_reports=F("counted_reports") + (1 if counts else 0),
                updated_at=now,
            )
        )
        current = await locked_item(conn, moderated.id)
        if current.first_reported_at is None:
            current.first_reported_at = now
            await current.save(update_fields=["first_reported_at"], using_db=conn)
        threshold = (await community_by_id(community_id)).report_threshold
        if not current.hidden and not current.escalated and current.counted_reports >= threshold:
            current.hidden, current.hidden_by, current.reason = True, "automatic", reason
            await current.save(update_fields=["hidden", "hidden_by", "reason"], using_db=conn)
            entry = await log(
                conn,
                community_id=community_id,
                kind=item.kind,
                action="auto_hide",
                role="automatic",
                item=current,
                subject_id=item.author_id,
                reason=reason,
                now=now,
            )
            await notify(
                conn, item.author_id, "moderation.hidden_pending", now=now, entry_id=entry.id
            )
    return report
