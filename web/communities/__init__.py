"""Community pages: the community, joining and verifying, and the committee's pages."""

from __future__ import annotations

from starlette.routing import Route

from web.communities.codes import code_sheet, codes, issue_codes, revoke_code
from web.communities.committee import decide, members, requests_page, set_role
from web.communities.pages import detail, join, redeem_code, request_verification, verify
from web.communities.settings import (
    settings_page,
    update_convention_settings,
    update_moderation_settings,
    update_plot_settings,
    update_proposal_settings,
    update_settings,
)

routes = [
    Route("/c/{slug}", detail, name="communities:detail"),
    Route("/c/{slug}/join", join, methods=["POST"], name="communities:join"),
    Route("/c/{slug}/verify", verify, name="communities:verify"),
    Route("/c/{slug}/verify/code", redeem_code, methods=["POST"], name="communities:redeem"),
    Route(
        "/c/{slug}/verify/request",
        request_verification,
        methods=["POST"],
        name="communities:request_verification",
    ),
    Route("/c/{slug}/committee/settings", settings_page, name="committee:settings"),
    Route(
        "/c/{slug}/committee/settings",
        update_settings,
        methods=["POST"],
        name="committee:update_settings",
    ),
    Route(
        "/c/{slug}/committee/settings/proposals",
        update_proposal_settings,
        methods=["POST"],
        name="committee:update_proposal_settings",
    ),
    Route(
        "/c/{slug}/committee/settings/conventions",
        update_convention_settings,
        methods=["POST"],
        name="committee:update_convention_settings",
    ),
    Route(
        "/c/{slug}/committee/settings/moderation",
        update_moderation_settings,
        methods=["POST"],
        name="committee:update_moderation_settings",
    ),
    Route(
        "/c/{slug}/committee/settings/plots",
        update_plot_settings,
        methods=["POST"],
        name="committee:update_plot_settings",
    ),
    Route("/c/{slug}/committee/members", members, name="committee:members"),
    Route(
        "/c/{slug}/committee/members/{user_id}/roles",
        set_role,
        methods=["POST"],
        name="committee:set_role",
    ),
    Route("/c/{slug}/committee/codes", codes, name="committee:codes"),
    Route("/c/{slug}/committee/codes", issue_codes, methods=["POST"], name="committee:issue"),
    Route("/c/{slug}/committee/codes/sheet/{token}", code_sheet, name="committee:code_sheet"),
    Route(
        "/c/{slug}/committee/codes/{code_id}/revoke",
        revoke_code,
        methods=["POST"],
        name="committee:revoke_code",
    ),
    Route("/c/{slug}/committee/requests", requests_page, name="committee:requests"),
    Route(
        "/c/{slug}/committee/requests/{request_id}/decide",
        decide,
        methods=["POST"],
        name="committee:decide",
    ),
]

# Pages every anonymous visitor sees alike (web/core/page_cache.py).
SHAREABLE = {"communities:detail": None}
