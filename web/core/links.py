"""Absolute addresses of the site's pages, for what leaves the site (open data files)."""

from __future__ import annotations

from participation.voting.open_data import ProposalUrl
from web.core.templating import UrlPaths


def proposal_url(base_url: str, paths: UrlPaths) -> ProposalUrl:
    """(community slug, proposal id) -> the proposal page at the configured base URL."""

    def url(slug: str, proposal_id: int) -> str:
        return base_url + paths("proposals:detail", slug=slug, proposal_id=str(proposal_id))

    return url
