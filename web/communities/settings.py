"""The community's settings: verification, proposals and plots."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import services
from participation.communities.queries import CommunityInfo
from participation.conventions import settings as convention_settings
from participation.conventions.ratification import MODES
from participation.conventions.rules import MODE_LABELS
from participation.core.errors import N_, Invalid
from participation.core.text import parse_whole_number
from participation.moderation import settings as moderation_settings
from participation.plots import settings as plot_settings
from participation.proposals import settings as proposal_settings
from participation.proposals.categories import ALWAYS_OFFERED
from participation.proposals.rules import DEFAULT_CATEGORIES
from web.communities.committee import community_where
from web.core.clock import now
from web.core.forms import flash, form_fields, see_other
from web.core.templating import render


async def settings_page(request: Request) -> Response:
    community = await community_where(request, "communities.manage_settings")
    return _settings_page(request, community)


def _settings_page(
    request: Request,
    community: CommunityInfo,
    *,
    error: Invalid | None = None,
    proposals_error: Invalid | None = None,
    proposals_form: dict[str, str] | None = None,
    plots_error: Invalid | None = None,
    plots_form: dict[str, str] | None = None,
    conventions_error: Invalid | None = None,
    moderation_error: Invalid | None = None,
    moderation_form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """Both settings forms; a form sent back with an error keeps what the committee typed."""
    if proposals_form is None:
        proposals_form = {
            "support_threshold": str(community.support_threshold),
            "custom_categories": "\n".join(community.custom_categories),
            **{f"offer_{key}": "1" for key in DEFAULT_CATEGORIES},
            **{f"offer_{key}": "" for key in community.hidden_categories},
        }
    if plots_form is None:
        plots_form = {
            "lapse_days": str(community.lapse_days),
            "lapse_grace_days": str(community.lapse_grace_days),
            "auto_approve_adoptions": "1" if community.auto_approve_adoptions else "",
        }
    return render(
        request,
        "committee/settings.html",
        {
            "community": community,
            "error": error,
            "proposals_error": proposals_error,
            "proposals_form": proposals_form,
            "plots_error": plots_error,
            "plots_form": plots_form,
            "conventions_error": conventions_error,
            "moderation_error": moderation_error,
            "moderation_form": moderation_form
            or {"report_threshold": str(community.report_threshold)},
            "vote_modes": MODES,
            "mode_labels": MODE_LABELS,
            "default_categories": DEFAULT_CATEGORIES,
            "always_offered": ALWAYS_OFFERED,
        },
        status_code=status_code,
        private=True,
    )


async def update_settings(request: Request) -> Response:
    community = await community_where(request, "communities.manage_settings")
    fields = await form_fields(request)
    cap = fields.get("household_member_cap", "")
    try:
        await services.update_community_settings(
            request.state.actor,
            community.id,
            services.CommunitySettings(
                verify_by_code=fields.get("verify_by_code") == "1",
                verify_by_request=fields.get("verify_by_request") == "1",
                household_member_cap=parse_whole_number(cap, max_digits=3) or 0,
                default_locale=fields.get("default_locale", ""),
            ),
            now=now(request),
        )
    except Invalid as exc:
        return _settings_page(request, community, error=exc, status_code=422)
    flash(request, N_("Community settings saved."))
    return see_other(request.app.url_path_for("committee:settings", slug=community.slug))


SaveSection = Callable[[Request, CommunityInfo, dict[str, str]], Awaitable[None]]


def _section(
    save: SaveSection, done: str, anchor: str, error: str, form: str | None = None
) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint of one part of the settings page: it saves through its capability's
    service and comes back to that part; refused, the page again with the part's ``error``
    (and what was typed, as its ``form``)."""

    async def endpoint(request: Request) -> Response:
        community = await community_where(request, "communities.manage_settings")
        fields = await form_fields(request)
        try:
            await save(request, community, fields)
        except Invalid as exc:
            shown: dict[str, Any] = {error: exc, **({form: fields} if form else {})}
            return _settings_page(request, community, status_code=422, **shown)
        flash(request, done)
        return _back_to_settings(request, community, anchor)

    return endpoint


async def _save_proposals(request: Request, community: CommunityInfo, f: dict[str, str]) -> None:
    await proposal_settings.update_proposal_settings(
        request.state.actor,
        community.id,
        support_threshold=f.get("support_threshold", ""),
        hidden_categories=[key for key in DEFAULT_CATEGORIES if f.get(f"offer_{key}") != "1"],
        custom_categories=f.get("custom_categories", ""),
        now=now(request),
    )


async def _save_plots(request: Request, community: CommunityInfo, f: dict[str, str]) -> None:
    await plot_settings.update_plot_settings(
        request.state.actor,
        community.id,
        lapse_days=f.get("lapse_days", ""),
        lapse_grace_days=f.get("lapse_grace_days", ""),
        auto_approve_adoptions=f.get("auto_approve_adoptions") == "1",
        now=now(request),
    )


async def _save_conventions(request: Request, community: CommunityInfo, f: dict[str, str]) -> None:
    await convention_settings.update_convention_settings(
        request.state.actor,
        community.id,
        vote_mode=f.get("convention_vote_mode", ""),
        now=now(request),
    )


async def _save_moderation(request: Request, community: CommunityInfo, f: dict[str, str]) -> None:
    await moderation_settings.update_moderation_settings(
        request.state.actor,
        community.id,
        report_threshold=f.get("report_threshold", ""),
        now=now(request),
    )


update_proposal_settings = _section(
    _save_proposals,
    N_("Micro-project settings saved."),
    "#proposal-settings",
    "proposals_error",
    "proposals_form",
)
update_plot_settings = _section(
    _save_plots, N_("Plot settings saved."), "#plot-settings", "plots_error", "plots_form"
)
update_convention_settings = _section(
    _save_conventions,
    N_("Convention settings saved."),
    "#convention-settings",
    "conventions_error",
)
update_moderation_settings = _section(
    _save_moderation,
    N_("Moderation settings saved."),
    "#moderation-settings",
    "moderation_error",
    "moderation_form",
)


def _back_to_settings(request: Request, community: CommunityInfo, anchor: str) -> Response:
    """Back to the part of the settings page just saved. The anchor is in the redirect itself:
    a browser would carry the form action's #anchor over to a 303 that has none, but htmx,
    following it with fetch(), cannot."""
    return see_other(request.app.url_path_for("committee:settings", slug=community.slug) + anchor)
