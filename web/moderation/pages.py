"""Reporting, the public log, the committee's queue and appeals."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.core.errors import N_, DomainError, Invalid
from participation.core.permissions import Standing, require
from participation.core.text import parse_whole_number
from participation.moderation import queries, rules, services
from participation.moderation.kinds import KINDS, Item, rule_articles
from participation.moderation.rules import ItemSubject
from web.communities.committee import community_and_standing, community_where
from web.core.clock import now
from web.core.errors import status_of
from web.core.forms import flash, form_fields, path_id, see_other
from web.core.templating import render
from web.core.users import require_user


def labels() -> dict[str, Any]:
    return {
        "reasons": rules.REASONS,
        "action_labels": rules.ACTIONS,
        "role_labels": rules.ROLES,
        "kind_labels": {name: kind.label for name, kind in KINDS.items()},
    }


def item_url(request: Request, item: Item) -> str:
    return request.app.url_path_for(item.route, **item.params) + item.anchor


async def moderation_log(request: Request) -> Response:
    community, standing = await community_and_standing(request)
    return render(
        request,
        "moderation/log.html",
        {
            "community": community,
            "standing": standing,
            "entries": await queries.public_log(community.id),
            "months": await queries.monthly_counts(community.id),
            **labels(),
        },
    )


async def _reported(request: Request, community: CommunityInfo) -> Item:
    item_id = path_id(request, "item_id")
    return await queries.find_item(community.id, request.path_params["kind"], item_id)


async def _report_page(
    request: Request,
    community: CommunityInfo,
    standing: Standing,
    item: Item,
    *,
    form: dict[str, str] | None = None,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "moderation/report.html",
        {
            "community": community,
            "standing": standing,
            "item": item,
            "back": item_url(request, item),
            "articles": await rule_articles(community.id),
            "form": form or {},
            "error": error,
            **labels(),
        },
        status_code=status_code,
        private=True,
    )


async def report_form(request: Request) -> Response:
    require_user(request)
    community, standing = await community_and_standing(request)
    item = await _reported(request, community)
    # The rule its service enforces: members report what others posted.
    require("moderation.report", request.state.actor, standing, ItemSubject(item.author_id, False))
    return await _report_page(request, community, standing, item)


async def report(request: Request) -> Response:
    require_user(request)
    community, standing = await community_and_standing(request)
    item = await _reported(request, community)
    fields = await form_fields(request)
    try:
        await services.report_item(
            request.state.actor,
            community.id,
            item.kind,
            item.item_id,
            fields.get("reason", ""),
            text=fields.get("text", ""),
            article=fields.get("article", ""),
            now=now(request),
        )
    except Invalid as exc:
        return await _report_page(
            request, community, standing, item, form=fields, error=exc, status_code=422
        )
    flash(request, N_("Thank you: the committee will look at it. Nobody else sees who reported."))
    return see_other(item_url(request, item))


async def queue_page(request: Request) -> Response:
    community = await community_where(request, "moderation.see_queue")
    actor = request.state.actor
    standing = await communities.get_standing(actor.user_id, community.id)
    items = await queries.queue(community.id)
    if actor.is_admin:
        items += await queries.queue(community.id, escalated=True)
    return render(
        request,
        "moderation/queue.html",
        {
            "community": community,
            "standing": standing,
            "items": items,
            "appeals": await queries.open_appeals(community.id),
            "urls": {q.moderated_id: item_url(request, q.item) for q in items if q.item},
            **labels(),
        },
        private=True,
    )


def _days(text: str) -> int:
    return parse_whole_number(text.strip(), max_digits=2) or 0 if text.strip() else 0


async def act(request: Request) -> Response:
    community = await community_where(request, "moderation.see_queue")
    fields = await form_fields(request)
    try:
        action = services.Action(fields.get("action", ""))
    except ValueError:
        raise Invalid(N_("Please choose what to do.")) from None
    await services.act(
        request.state.actor,
        community.id,
        path_id(request, "moderated_id"),
        action,
        reason=fields.get("reason", ""),
        note=fields.get("note", ""),
        days=_days(fields.get("days", "")),
        now=now(request),
    )
    flash(request, N_("Done. It is in the moderation log where residents can see it."))
    return see_other(request.app.url_path_for("moderation:queue", slug=community.slug))


async def _entry(request: Request, community: CommunityInfo) -> queries.LogEntry:
    """The action the visitor appeals against: theirs to appeal, or a 403 (404 if missing)."""
    entry_id = path_id(request, "entry_id")
    await services.appealable(request.state.actor, community.id, entry_id)
    return await queries.log_entry(community.id, entry_id)


async def _appeal_page(
    request: Request,
    community: CommunityInfo,
    entry: queries.LogEntry,
    *,
    form: dict[str, str] | None = None,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "moderation/appeal.html",
        {"community": community, "entry": entry, "form": form or {}, "error": error, **labels()},
        status_code=status_code,
        private=True,
    )


async def appeal_form(request: Request) -> Response:
    require_user(request)
    community, _standing = await community_and_standing(request)
    return await _appeal_page(request, community, await _entry(request, community))


async def appeal(request: Request) -> Response:
    require_user(request)
    community, _standing = await community_and_standing(request)
    entry = await _entry(request, community)
    fields = await form_fields(request)
    try:
        await services.appeal(
            request.state.actor, community.id, entry.id, fields.get("text", ""), now=now(request)
        )
    except Invalid as exc:
        return await _appeal_page(
            request, community, entry, form=fields, error=exc, status_code=status_of(exc)
        )
    flash(request, N_("Your appeal is sent. Someone other than the one who acted decides it."))
    return see_other(request.app.url_path_for("moderation:log", slug=community.slug))


async def decide_appeal(request: Request) -> Response:
    community = await community_where(request, "moderation.see_queue")
    fields = await form_fields(request)
    await services.decide_appeal(
        request.state.actor,
        community.id,
        path_id(request, "appeal_id"),
        uphold=fields.get("outcome") != "overturn",
        reason=fields.get("reason", ""),
        now=now(request),
    )
    flash(request, N_("The appeal is decided; the outcome is in the moderation log."))
    return see_other(request.app.url_path_for("moderation:queue", slug=community.slug))
