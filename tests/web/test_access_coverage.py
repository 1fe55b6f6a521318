"""Every declared route has its row in one capability's access matrix, and only one."""

from __future__ import annotations

from starlette.applications import Starlette

from tests.web import (
    test_access_communities,
    test_access_conventions,
    test_access_moderation,
    test_access_plots,
    test_access_proposals,
    test_access_voting,
)
from tests.web.access import Case, declared_routes
from tests.web.helpers import sqlite_only

MATRICES: dict[str, tuple[Case, ...]] = {
    "communities": test_access_communities.MATRIX,
    "proposals": test_access_proposals.MATRIX,
    "voting": test_access_voting.MATRIX,
    "plots": test_access_plots.MATRIX,
    "conventions": test_access_conventions.MATRIX,
    "moderation": test_access_moderation.MATRIX,
}


def covered_routes(matrices: dict[str, tuple[Case, ...]]) -> list[tuple[str, str]]:
    return [(case.method, case.route) for matrix in matrices.values() for case in matrix]


@sqlite_only
async def test_the_matrices_cover_every_route(app: Starlette) -> None:
    covered = covered_routes(MATRICES)
    declared = declared_routes(app)
    missing = declared - set(covered)
    stale = set(covered) - declared
    assert not missing, f"routes without access-control expectations: {sorted(missing)}"
    assert not stale, f"expectations for routes that no longer exist: {sorted(stale)}"
    twice = sorted({route for route in covered if covered.count(route) > 1})
    assert not twice, f"routes with rows in more than one place: {twice}"


@sqlite_only
async def test_a_route_without_a_row_is_found(app: Starlette) -> None:
    """The check above can fail: drop one row and the route is reported missing."""
    dropped = test_access_plots.MATRIX[0]
    short = {**MATRICES, "plots": test_access_plots.MATRIX[1:]}
    assert (dropped.method, dropped.route) in declared_routes(app) - set(covered_routes(short))
