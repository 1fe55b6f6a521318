"""A community's open data: the page that lists its datasets with their schemas, and each
dataset as CSV or JSON. Anyone may read them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.core.errors import NotFound
from participation.opendata.datasets import DATASETS, Dataset, dataset_rows
from participation.opendata.formats import to_csv, to_json
from web.core.clock import now
from web.core.downloads import download
from web.core.templating import render


async def data_page(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    rows = {name: await dataset_rows(d, community.id) for name, d in DATASETS.items()}
    return render(
        request,
        "opendata/data.html",
        {
            "community": community,
            "datasets": list(DATASETS.values()),
            "counts": {name: len(found) for name, found in rows.items()},
            "published_rounds": [r for r in rows["rounds"] if r["status"] == "published"],
            "conventions": {r["convention_id"]: r["title"] for r in rows["conventions"]},
            "licence": request.app.state.settings.open_data_licence,
        },
    )


async def _dataset(request: Request) -> tuple[CommunityInfo, Dataset]:
    community = await communities.get_community(request.path_params["slug"])
    dataset = DATASETS.get(request.path_params["dataset"])
    if dataset is None:
        raise NotFound()
    return community, dataset


async def download_csv(request: Request) -> Response:
    community, dataset = await _dataset(request)
    rows = await dataset_rows(dataset, community.id)
    return download(
        to_csv(dataset.columns, rows),
        "text/csv; charset=utf-8",
        f"huakai_{community.slug}_{dataset.name}.csv",
    )


async def download_json(request: Request) -> Response:
    community, dataset = await _dataset(request)
    rows = await dataset_rows(dataset, community.id)
    settings = request.app.state.settings
    meta = {
        "dataset": dataset.name,
        "title": dataset.title,
        "description": dataset.description,
        "community": community.name,
        "source": settings.base_url
        + request.app.state.url_paths("opendata:page", slug=community.slug),
        "licence": settings.open_data_licence,
        "generated_at": now(request).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return download(
        to_json(meta, dataset.columns, rows),
        "application/json",
        f"huakai_{community.slug}_{dataset.name}.json",
    )
