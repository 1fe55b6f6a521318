"""Participatory budget votes: rounds, ballots and receipts, the committee's rounds and paper
ballots, results and open data."""

from __future__ import annotations

from starlette.routing import Route

from web.voting.ballots import cast, list_rounds, receipt_page, round_page, running_total
from web.voting.committee import (
    close_round,
    create,
    edit_form,
    enter_paper,
    new_form,
    open_round,
    paper_form,
    publish,
    update,
)
from web.voting.open_data import download_csv, download_json, download_pb, find_ballot

routes = [
    Route("/c/{slug}/rounds", list_rounds, name="voting:list"),
    Route("/c/{slug}/rounds", create, methods=["POST"], name="voting:create"),
    Route("/c/{slug}/rounds/new", new_form, name="voting:new"),
    Route("/c/{slug}/rounds/{round_id}", round_page, name="voting:round"),
    Route("/c/{slug}/rounds/{round_id}/edit", edit_form, name="voting:edit"),
    Route("/c/{slug}/rounds/{round_id}/edit", update, methods=["POST"], name="voting:update"),
    Route("/c/{slug}/rounds/{round_id}/ballot", cast, methods=["POST"], name="voting:cast"),
    Route("/c/{slug}/rounds/{round_id}/ballot/total", running_total, name="voting:total"),
    Route("/c/{slug}/rounds/{round_id}/receipt/{token}", receipt_page, name="voting:receipt"),
    Route("/c/{slug}/rounds/{round_id}/open", open_round, methods=["POST"], name="voting:open"),
    Route("/c/{slug}/rounds/{round_id}/close", close_round, methods=["POST"], name="voting:close"),
    Route("/c/{slug}/rounds/{round_id}/publish", publish, methods=["POST"], name="voting:publish"),
    Route("/c/{slug}/rounds/{round_id}/paper", paper_form, name="voting:paper"),
    Route(
        "/c/{slug}/rounds/{round_id}/paper",
        enter_paper,
        methods=["POST"],
        name="voting:enter_paper",
    ),
    Route("/c/{slug}/rounds/{round_id}/ballots.pb", download_pb, name="voting:pb"),
    Route(
        "/c/{slug}/rounds/{round_id}/find-my-ballot",
        find_ballot,
        methods=["GET", "POST"],
        name="voting:find_ballot",
    ),
    Route("/c/{slug}/rounds/{round_id}/results.csv", download_csv, name="voting:csv"),
    Route("/c/{slug}/rounds/{round_id}/results.json", download_json, name="voting:json"),
]

# Pages every anonymous visitor sees alike (web/core/page_cache.py).
SHAREABLE = {"voting:list": None, "voting:round": None}
