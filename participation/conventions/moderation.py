"""What moderation needs to know about conventions (registered here, so that moderation
imports no capability): how to find a reported amendment or a comment on one, and how to
replace its text when personal information is taken out of it."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from participation.comments.queries import get_comment
from participation.comments.services import replace_text
from participation.conventions.models import Amendment, Convention, ConventionVersion
from participation.conventions.text import articles_of
from participation.core.errors import N_
from participation.moderation.kinds import Item, RuleArticle, register_content, register_rulebook


async def _amendment(amendment_id: int) -> Amendment | None:
    return (
        await Amendment.filter(id=amendment_id)
        .select_related("convention", "convention__community")
        .first()
    )


def _params(a: Amendment) -> dict[str, str]:
    return {"slug": a.convention.community.slug, "convention_id": str(a.convention_id)}


async def find_amendment(amendment_id: int) -> Item | None:
    a = await _amendment(amendment_id)
    if a is None:
        return None
    return Item(
        "amendment",
        a.id,
        a.convention.community_id,
        a.author_id,
        a.rationale,  # the resident's own words; the article text is the draft's
        "conventions:detail",
        _params(a),
        anchor=f"#amendment-{a.id}",
    )


async def redact_amendment(conn: BaseDBAsyncClient, amendment_id: int, text: str) -> None:
    await Amendment.filter(id=amendment_id).using_db(conn).update(rationale=text)


async def find_comment(comment_id: int) -> Item | None:
    c = await get_comment(comment_id, thread_prefix="amendment:")
    if c is None or c.deleted:
        return None
    a = await _amendment(int(c.thread.removeprefix("amendment:")))
    if a is None:
        return None
    return Item(
        "amendment_comment",
        c.id,
        a.convention.community_id,
        c.author_id,
        c.body,
        "conventions:detail",
        _params(a),
        anchor=f"#comment-{c.id}",
    )


register_content(
    "amendment", N_("Amendment to a convention"), find=find_amendment, redact=redact_amendment
)
register_content(
    "amendment_comment", N_("Comment on an amendment"), find=find_comment, redact=replace_text
)


async def articles_in_force(community_id: int) -> list[RuleArticle]:
    """The articles of the community's adopted conventions (the text in force, also while a
    revision is drafted), which a report of something that breaks one names."""
    conventions = await Convention.filter(
        community_id=community_id, adopted_version_id__isnull=False
    ).order_by("id")
    versions = {
        v.id: v
        for v in await ConventionVersion.filter(id__in=[c.adopted_version_id for c in conventions])
    }
    return [
        RuleArticle(f"{c.id}:{article.key}", c.title, number, article.body)
        for c in conventions
        if c.adopted_version_id in versions
        for number, article in enumerate(
            articles_of(versions[c.adopted_version_id].articles), start=1
        )
    ]


register_rulebook(articles_in_force)
