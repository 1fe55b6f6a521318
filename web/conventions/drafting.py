"""The committee's side of a draft: pasting a text and reviewing its split, saving it as a new
convention, closing or reopening it to amendments, deciding on amendments, starting a
revision."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from participation.communities.queries import CommunityInfo
from participation.conventions import queries, services
from participation.conventions.articles import ParsedText, Problem, problems, split_articles
from participation.conventions.rules import Phase
from participation.core.errors import N_, Conflict, DomainError, Invalid
from web.communities.committee import community_where
from web.conventions.labels import labels
from web.conventions.pages import convention_url
from web.core.clock import now
from web.core.errors import status_of
from web.core.forms import flash, form_fields, form_with_lists, parse_id, path_id, see_other
from web.core.templating import render

MANAGE = "conventions.manage"


async def new_form(request: Request) -> Response:
    community = await community_where(request, MANAGE)
    return render(
        request,
        "conventions/new.html",
        {"community": community, "form": {}, "error": None},
        private=True,
    )


def _review_page(
    request: Request,
    community: CommunityInfo,
    title: str,
    parsed: ParsedText,
    found: list[Problem],
    *,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "conventions/review.html",
        {
            "community": community,
            "title": title,
            "parsed": parsed,
            "problems": found,
            "error": error,
            **labels(),
        },
        status_code=status_code,
        private=True,
        lookup=True,
    )


async def review(request: Request) -> Response:
    """The pasted text split into a preamble and articles, for the committee to check and
    correct before anything is saved (this only reads: nothing is stored yet)."""
    community = await community_where(request, MANAGE)
    fields = await form_fields(request)
    parsed = split_articles(fields.get("text", ""))
    return _review_page(request, community, fields.get("title", ""), parsed, problems(parsed))


async def create(request: Request) -> Response:
    community = await community_where(request, MANAGE)
    fields, lists = await form_with_lists(request)
    title, preamble = fields.get("title", ""), fields.get("preamble", "")
    articles = lists.get("article", [])
    try:
        convention = await services.open_draft(
            request.state.actor, community.id, title, preamble, articles, now=now(request)
        )
    except Invalid as exc:
        parsed = ParsedText(preamble=preamble, articles=[a for a in articles if a.strip()])
        return _review_page(
            request, community, title, parsed, problems(parsed), error=exc, status_code=422
        )
    flash(request, N_("The draft is open: verified residents can now propose amendments."))
    return see_other(convention_url(request, community, convention.id))


async def move_phase(request: Request) -> Response:
    community = await community_where(request, MANAGE)
    convention_id = path_id(request, "convention_id")
    fields = await form_fields(request)
    try:
        to = Phase(fields.get("to", ""))
    except ValueError:
        raise Invalid(N_("Please choose the phase to move to.")) from None
    await services.move_phase(
        request.state.actor, community.id, convention_id, to, now=now(request)
    )
    flash(
        request,
        N_("Amendments are closed while the committee decides on them.")
        if to is Phase.CONSOLIDATION
        else N_("The draft is open to amendments again."),
    )
    return see_other(convention_url(request, community, convention_id))


async def revise(request: Request) -> Response:
    community = await community_where(request, MANAGE)
    convention_id = path_id(request, "convention_id")
    await form_fields(request)
    await services.start_revision(
        request.state.actor, community.id, convention_id, now=now(request)
    )
    flash(
        request,
        N_("A revision is open. The adopted text stays in force until a new one is adopted."),
    )
    return see_other(convention_url(request, community, convention_id))


async def _decide_page(
    request: Request,
    community: CommunityInfo,
    convention_id: int,
    *,
    form: dict[str, str] | None = None,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    page = await queries.convention_page(community.id, convention_id, request.state.actor.user_id)
    return render(
        request,
        "conventions/decide.html",
        {"community": community, "page": page, "form": form or {}, "error": error, **labels()},
        status_code=status_code,
        private=True,
    )


async def decide_form(request: Request) -> Response:
    community = await community_where(request, MANAGE)
    return await _decide_page(request, community, path_id(request, "convention_id"))


def decisions_of(fields: dict[str, str]) -> list[services.Decision]:
    """``decision-<id>`` is accept, reject or left empty (not decided now); ``reason-<id>`` is
    the public reason. A field naming something that is not an id is ignored."""
    decided = []
    for name, value in fields.items():
        if not name.startswith("decision-") or value not in ("accept", "reject"):
            continue
        amendment_id = parse_id(name.removeprefix("decision-"))
        if amendment_id is None:
            continue
        reason = fields.get(f"reason-{amendment_id}", "")
        decided.append(services.Decision(amendment_id, value == "accept", reason))
    return sorted(decided, key=lambda d: d.amendment_id)


async def decide(request: Request) -> Response:
    community = await community_where(request, MANAGE)
    convention_id = path_id(request, "convention_id")
    fields = await form_fields(request)
    try:
        version = await services.decide_amendments(
            request.state.actor,
            community.id,
            convention_id,
            decisions_of(fields),
            now=now(request),
        )
    except (Invalid, Conflict) as exc:
        return await _decide_page(
            request,
            community,
            convention_id,
            form=fields,
            error=exc,
            status_code=status_of(exc),
        )
    if version is None:
        flash(request, N_("The decisions are published with their reasons."))
    else:
        flash(
            request,
            N_("The decisions are published; the accepted amendments make version %(number)s."),
            number=version.number,
        )
    return see_other(convention_url(request, community, convention_id))
