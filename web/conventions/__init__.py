"""Neighbourhood conventions (小区公约): the list, a convention with its articles, amendments and
vote, versions compared, the print page and open data; drafting, amending, the committee's
consolidation and the ratification vote."""

from __future__ import annotations

from starlette.routing import Route

from web.conventions.amending import (
    amend_form,
    comment,
    delete_comment,
    propose,
    support,
    withdraw,
)
from web.conventions.drafting import (
    create,
    decide,
    decide_form,
    move_phase,
    new_form,
    review,
    revise,
)
from web.conventions.pages import (
    compare,
    detail,
    download_json,
    list_conventions,
    print_page,
    version_page,
)
from web.conventions.voting import (
    count,
    enter_paper,
    paper_form,
    schedule,
    schedule_form,
    vote,
)

_ONE = "/c/{slug}/conventions/{convention_id}"
_VOTE = _ONE + "/votes/{ratification_id}"

routes = [
    Route("/c/{slug}/conventions", list_conventions, name="conventions:list"),
    Route("/c/{slug}/conventions", create, methods=["POST"], name="conventions:create"),
    Route("/c/{slug}/conventions/new", new_form, name="conventions:new"),
    Route("/c/{slug}/conventions/new", review, methods=["POST"], name="conventions:review"),
    Route(_ONE, detail, name="conventions:detail"),
    Route(_ONE + "/convention.json", download_json, name="conventions:json"),
    Route(_ONE + "/print", print_page, name="conventions:print"),
    Route(_ONE + "/compare", compare, name="conventions:compare"),
    Route(_ONE + "/versions/{number}", version_page, name="conventions:version"),
    Route(_ONE + "/amend", amend_form, name="conventions:amend"),
    Route(_ONE + "/amendments", propose, methods=["POST"], name="conventions:propose"),
    Route(
        _ONE + "/amendments/{amendment_id}/support",
        support,
        methods=["POST"],
        name="conventions:support",
    ),
    Route(
        _ONE + "/amendments/{amendment_id}/withdraw",
        withdraw,
        methods=["POST"],
        name="conventions:withdraw",
    ),
    Route(
        _ONE + "/amendments/{amendment_id}/comments",
        comment,
        methods=["POST"],
        name="conventions:comment",
    ),
    Route(
        _ONE + "/amendments/{amendment_id}/comments/{comment_id}/delete",
        delete_comment,
        methods=["POST"],
        name="conventions:comment_delete",
    ),
    Route(_ONE + "/decide", decide_form, name="conventions:decide_form"),
    Route(_ONE + "/decide", decide, methods=["POST"], name="conventions:decide"),
    Route(_ONE + "/phase", move_phase, methods=["POST"], name="conventions:phase"),
    Route(_ONE + "/revise", revise, methods=["POST"], name="conventions:revise"),
    Route(_ONE + "/vote/new", schedule_form, name="conventions:schedule_form"),
    Route(_ONE + "/vote", schedule, methods=["POST"], name="conventions:schedule"),
    Route(_VOTE, vote, methods=["POST"], name="conventions:vote"),
    Route(_VOTE + "/paper", paper_form, name="conventions:paper"),
    Route(_VOTE + "/paper", enter_paper, methods=["POST"], name="conventions:enter_paper"),
    Route(_VOTE + "/count", count, methods=["POST"], name="conventions:count"),
]

# Pages every anonymous visitor sees alike (web/core/page_cache.py).
SHAREABLE = {"conventions:list": None, "conventions:detail": None, "conventions:print": None}
