"""Residents' amendments: the form (with a preview of the change), proposing, supporting and
withdrawing."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.conventions import comments, queries, services
from participation.conventions.diff import diff
from participation.conventions.rules import AmendmentKind
from participation.core.errors import N_, DomainError, Invalid, NotFound
from participation.core.permissions import Standing, require
from web.conventions.labels import labels
from web.conventions.pages import convention_url
from web.core.clock import now
from web.core.errors import status_of
from web.core.forms import flash, form_fields, optional_id, parse_id, path_id, see_other
from web.core.templating import render
from web.core.users import require_user
from web.moderation.guard import personal_data_guard


async def _proposer(request: Request) -> tuple[CommunityInfo, Standing, queries.ConventionPage]:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    standing = await communities.get_standing(request.state.actor.user_id, community.id)
    page = await queries.convention_page(
        community.id, path_id(request, "convention_id"), request.state.actor.user_id
    )
    require("conventions.propose_amendment", request.state.actor, standing, page.subject)
    return community, standing, page


def amendment_url(
    request: Request, community: CommunityInfo, convention_id: int, amendment_id: int
) -> str:
    return f"{convention_url(request, community, convention_id)}#amendment-{amendment_id}"


def _article_key(text: str | None) -> int:
    """The article an amendment is about: its key, 0 for an insert before the first."""
    if text == "0":
        return 0
    key = parse_id(text)
    if key is None:
        raise NotFound()
    return key


def _form_page(
    request: Request,
    community: CommunityInfo,
    standing: Standing,
    page: queries.ConventionPage,
    form: dict[str, str],
    *,
    preview: bool = False,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    key = _article_key(form.get("article_key"))
    bodies = {a.key: a.body for a in page.current.articles}
    if key not in bodies and key != 0:
        raise NotFound()
    try:
        kind = AmendmentKind(form.get("kind", ""))
    except ValueError:
        kind = AmendmentKind.CHANGE
    if key == 0:
        kind = AmendmentKind.INSERT
    base = "" if kind is AmendmentKind.INSERT else bodies[key]
    body = "" if kind is AmendmentKind.DELETE else form.get("body", base)
    return render(
        request,
        "conventions/amend.html",
        {
            "community": community,
            "standing": standing,
            "page": page,
            "key": key,
            "number": next(
                (n for n, a in enumerate(page.current.articles, start=1) if a.key == key), None
            ),
            "kind": kind.value,
            "base": base,
            "body": body,
            "rationale": form.get("rationale", ""),
            "pieces": diff(base, body) if preview else None,
            "error": error,
            **labels(),
        },
        status_code=status_code,
        private=True,
        lookup=preview,
    )


AMENDMENT_TEXT = {
    "body": N_("The article's new text"),
    "rationale": N_("Why? Neighbours decide on reasons."),
}


async def amend_form(request: Request) -> Response:
    community, standing, page = await _proposer(request)
    form = {
        "article_key": request.query_params.get("article", ""),
        "kind": request.query_params.get("kind", "change"),
    }
    return _form_page(request, community, standing, page, form)


async def propose(request: Request) -> Response:
    """Proposes the amendment, or (``preview``) shows the change as a diff first."""
    community, standing, page = await _proposer(request)
    fields = await form_fields(request)
    if fields.get("preview"):
        return _form_page(request, community, standing, page, fields, preview=True)
    if asked := personal_data_guard(request, fields, AMENDMENT_TEXT):
        return asked
    try:
        amendment = await services.propose_amendment(
            request.state.actor,
            community.id,
            page.id,
            fields.get("kind", ""),
            _article_key(fields.get("article_key")),
            fields.get("body", ""),
            fields.get("rationale", ""),
            now=now(request),
        )
    except Invalid as exc:
        return _form_page(
            request, community, standing, page, fields, error=exc, status_code=status_of(exc)
        )
    flash(request, N_("Your amendment is published. Neighbours can now support it."))
    return see_other(amendment_url(request, community, page.id, amendment.id))


async def support(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    convention_id = path_id(request, "convention_id")
    amendment_id = path_id(request, "amendment_id")
    await queries.check_part_of(community.id, convention_id, amendment_id=amendment_id)
    fields = await form_fields(request)
    await services.support_amendment(
        request.state.actor,
        community.id,
        amendment_id,
        supported=fields.get("supported") != "0",
        now=now(request),
    )
    return see_other(
        f"{convention_url(request, community, convention_id)}#amendment-{amendment_id}"
    )


async def withdraw(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    convention_id = path_id(request, "convention_id")
    amendment_id = path_id(request, "amendment_id")
    await queries.check_part_of(community.id, convention_id, amendment_id=amendment_id)
    await form_fields(request)
    await services.withdraw_amendment(
        request.state.actor, community.id, amendment_id, now=now(request)
    )
    flash(request, N_("Your amendment is withdrawn."))
    return see_other(
        f"{convention_url(request, community, convention_id)}#amendment-{amendment_id}"
    )


async def comment(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    convention_id = path_id(request, "convention_id")
    amendment_id = path_id(request, "amendment_id")
    fields = await form_fields(request)
    if asked := personal_data_guard(request, fields, {"body": N_("Add a comment")}):
        return asked
    try:
        await comments.post_comment(
            request.state.actor,
            community.id,
            convention_id,
            amendment_id,
            fields.get("body", ""),
            parent_id=optional_id(fields.get("parent_id")),
            now=now(request),
        )
    except Invalid as exc:
        flash(request, exc.message, **exc.params)
    return see_other(amendment_url(request, community, convention_id, amendment_id))


async def delete_comment(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    convention_id = path_id(request, "convention_id")
    amendment_id = path_id(request, "amendment_id")
    await form_fields(request)
    await comments.delete_comment(
        request.state.actor,
        community.id,
        convention_id,
        amendment_id,
        path_id(request, "comment_id"),
        now=now(request),
    )
    return see_other(amendment_url(request, community, convention_id, amendment_id))
