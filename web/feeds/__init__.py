"""Atom feeds of what each capability publishes (participation/feeds)."""

from __future__ import annotations

from starlette.routing import Route

from web.feeds.pages import moderation_log, news, plot_care, proposal_progress, voting_round

routes = [
    Route("/c/{slug}/news.atom", news, name="feeds:news"),
    Route(
        "/c/{slug}/proposals/{proposal_id}/progress.atom", proposal_progress, name="feeds:progress"
    ),
    Route("/c/{slug}/rounds/{round_id}/feed.atom", voting_round, name="feeds:round"),
    Route("/c/{slug}/plots/{plot_id}/care.atom", plot_care, name="feeds:care"),
    Route("/c/{slug}/moderation.atom", moderation_log, name="feeds:moderation"),
]
