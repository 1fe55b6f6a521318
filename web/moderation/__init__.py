"""Moderation's pages: reporting an item, the committee's queue and its actions, the public
moderation log, and appeals."""

from __future__ import annotations

from starlette.routing import Route

from web.moderation.pages import (
    act,
    appeal,
    appeal_form,
    decide_appeal,
    moderation_log,
    queue_page,
    report,
    report_form,
)

routes = [
    Route("/c/{slug}/moderation", moderation_log, name="moderation:log"),
    Route("/c/{slug}/report/{kind}/{item_id}", report_form, name="moderation:report_form"),
    Route("/c/{slug}/report/{kind}/{item_id}", report, methods=["POST"], name="moderation:report"),
    Route("/c/{slug}/moderation/{entry_id}/appeal", appeal_form, name="moderation:appeal_form"),
    Route(
        "/c/{slug}/moderation/{entry_id}/appeal",
        appeal,
        methods=["POST"],
        name="moderation:appeal",
    ),
    Route("/c/{slug}/committee/moderation", queue_page, name="moderation:queue"),
    Route(
        "/c/{slug}/committee/moderation/items/{moderated_id}",
        act,
        methods=["POST"],
        name="moderation:act",
    ),
    Route(
        "/c/{slug}/committee/moderation/appeals/{appeal_id}",
        decide_appeal,
        methods=["POST"],
        name="moderation:decide_appeal",
    ),
]

# Pages every anonymous visitor sees alike (web/core/page_cache.py).
SHAREABLE = {"moderation:log": None}
