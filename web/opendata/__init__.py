"""A community's open data (participation/opendata): its page, and each dataset as CSV and
JSON."""

from __future__ import annotations

from starlette.routing import Route

from web.opendata.pages import data_page, download_csv, download_json

routes = [
    Route("/c/{slug}/data", data_page, name="opendata:page"),
    Route("/c/{slug}/data/{dataset}.csv", download_csv, name="opendata:csv"),
    Route("/c/{slug}/data/{dataset}.json", download_json, name="opendata:json"),
]

SHAREABLE = {"opendata:page": None}
