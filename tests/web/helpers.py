"""Helpers for the web tier: the session cookie, inert-HTML checks and database snapshots."""

from __future__ import annotations

import html
import json
from base64 import b64decode, b64encode
from dataclasses import dataclass
from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from itsdangerous import TimestampSigner
from starlette.applications import Starlette

from participation.accounts.models import User
from participation.audit.models import AuditEntry
from participation.comments.models import Comment
from participation.communities.models import (
    Community,
    Household,
    HouseholdCode,
    Membership,
    VerificationRequest,
)
from participation.conventions.models import (
    Amendment,
    AmendmentSupport,
    Convention,
    ConventionVersion,
    Ratification,
    RatificationVote,
)
from participation.core.permissions import Actor
from participation.media.models import Photo
from participation.media.storage import Storage
from participation.notifications.models import Notification
from participation.plots.models import (
    Adoption,
    CareAssignment,
    CareLog,
    CareLogPhoto,
    CareTask,
    Plot,
    Team,
    TeamMember,
)
from participation.proposals import services as proposals
from participation.proposals.models import (
    Milestone,
    ProgressUpdate,
    Proposal,
    ProposalEvent,
    ProposalPhoto,
    Support,
)
from participation.proposals.rules import Status
from participation.voting import services as voting
from participation.voting.models import (
    Ballot,
    BallotChoice,
    PublishedBallots,
    RoundProject,
    RoundResult,
    VotingRound,
)
from tests.support import BASE_URL, SECRET, World, make_committee, make_user, make_verified, now
from web.core.app import SESSION_COOKIE

HTMX_PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}
ENGLISH = {"Accept-Language": "en"}


def client_for(
    app: Starlette,
    ip: str = "203.0.113.50",
    *,
    base_url: str = BASE_URL,
    raise_app_exceptions: bool = True,
) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(
        app=app, client=(ip, 50000), raise_app_exceptions=raise_app_exceptions
    )
    return httpx.AsyncClient(transport=transport, base_url=base_url)


# --- The signed session cookie (Starlette SessionMiddleware: signed base64 JSON) -------------


def read_session(cookie: str, secret: str = SECRET) -> dict[str, Any]:
    payload = TimestampSigner(secret).unsign(cookie.encode())
    data: dict[str, Any] = json.loads(b64decode(payload))
    return data


def write_session(data: dict[str, Any], secret: str = SECRET) -> str:
    payload = b64encode(json.dumps(data).encode())
    return TimestampSigner(secret).sign(payload).decode()


def session_cookie(client: httpx.AsyncClient) -> str | None:
    return client.cookies.get(SESSION_COOKIE)


def set_session_cookie(client: httpx.AsyncClient, value: str) -> None:
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, value, domain="127.0.0.1", path="/")


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


# --- Is this HTML inert? ------------------------------------------------------------------------


class _Scanner(HTMLParser):
    def __init__(
        self,
        allowed_tags: frozenset[str] = frozenset(),
        own: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.has_html = False
        self.allowed_tags = allowed_tags
        self.own = own

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.has_html = True
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.problems.append(f"live <script> {attrs}")
        if tag in {"img", "svg", "iframe", "object", "embed", "math", "base"} - self.allowed_tags:
            self.problems.append(f"injected <{tag}> {attrs}")
        for name, value in attrs:
            if (name, value) in self.own:
                continue
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name.startswith(("hx-on", "data-hx-on")):
                self.problems.append(f"htmx handler {name}={value!r} on <{tag}>")
            if name in {"hx-get", "hx-trigger", "data-hx-get", "data-hx-trigger"}:
                self.problems.append(f"injected {name}={value!r} on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in {name} on <{tag}>")


def assert_inert(
    page: str,
    *shown: str,
    allowed_tags: tuple[str, ...] = (),
    own: tuple[tuple[str, str], ...] = (),
) -> None:
    """No injected tag, handler or htmx attribute; each ``shown`` text is visible, literally.

    ``allowed_tags`` and the attributes (name, exact value) in ``own`` are the page's own: the
    results' bar chart is an ``<svg>``, the ballot asks for its running total with ``hx-get``.
    Anything else on those tags is still a problem."""
    scanner = _Scanner(frozenset(allowed_tags), frozenset(own))
    scanner.feed(page)
    scanner.close()
    assert not scanner.problems, scanner.problems
    text = html.unescape(page)
    for value in shown:
        assert value in text, f"{value!r} is not shown on the page"
        if "{{7*7}}" in value:
            # The template syntax is shown as typed, never evaluated.
            assert "{{7*7}}" in page


def is_fragment(page: str) -> bool:
    return "<html" not in page.lower() and "<body" not in page.lower()


# --- Reading a page: its tables and links --------------------------------------------------------


class _Reader(HTMLParser):
    """Collects each table's rows of cell texts (by the table's id) and every link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.links: list[tuple[str, str]] = []
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._link: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table":
            self._table = values.get("id") or f"table-{len(self.tables)}"
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "a" and values.get("href"):
            self._link = (values["href"] or "", [])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "a" and self._link is not None:
            href, text = self._link
            self.links.append((href, " ".join("".join(text).split())))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._link is not None:
            self._link[1].append(data)


def _read(page: str) -> _Reader:
    reader = _Reader()
    reader.feed(page)
    reader.close()
    return reader


def table_rows(page: str, table_id: str) -> list[list[str]]:
    """The body rows (header row left out) of the page's table with this id, as cell texts."""
    tables = _read(page).tables
    assert table_id in tables, f"no table #{table_id} on the page: {sorted(tables)}"
    return tables[table_id][1:]


def page_links(page: str) -> list[tuple[str, str]]:
    """Every link on the page: (href, its text)."""
    return _read(page).links


# --- Database snapshots: a forbidden write must change nothing ----------------------------------


async def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        "user": sorted(
            await User.all().values_list(
                "id", "display_name", "locale", "is_admin", "disabled", "session_version"
            )
        ),
        "community": sorted(
            await Community.all().values_list(
                "id",
                "slug",
                "name",
                "verify_by_code",
                "verify_by_request",
                "household_member_cap",
                "default_locale",
                "support_threshold",
                "hidden_categories",
                "custom_categories",
                "convention_vote_mode",
                "report_threshold",
            )
        ),
        "membership": sorted(
            await Membership.all().values_list(
                "id",
                "user_id",
                "community_id",
                "household_id",
                "verified_at",
                "is_volunteer",
                "is_committee",
            )
        ),
        "household": sorted(
            await Household.all().values_list("id", "community_id", "label", "verified_count")
        ),
        "household_code": sorted(
            await HouseholdCode.all().values_list(
                "id", "household_id", "redeemed_by_id", "redeemed_at", "revoked_at"
            )
        ),
        "verification_request": sorted(
            await VerificationRequest.all().values_list(
                "id", "membership_id", "household_label", "note", "status", "reason"
            )
        ),
        "convention": sorted(
            await Convention.all().values_list(
                "id", "status", "current_version_id", "adopted_version_id", "title"
            )
        ),
        "convention_version": sorted(await ConventionVersion.all().values_list("id", "number")),
        "amendment": sorted(
            await Amendment.all().values_list("id", "status", "support_count", "body", "reason")
        ),
        "amendment_support": sorted(
            await AmendmentSupport.all().values_list("amendment_id", "user_id")
        ),
        "ratification": sorted(
            await Ratification.all().values_list("id", "vote_count", "counted_at", "closes_at")
        ),
        "ratification_vote": sorted(
            await RatificationVote.all().values_list("id", "voter_key", "choice", "channel")
        ),
        "audit_entry": sorted(await AuditEntry.all().values_list("id", "action", "target")),
        "proposal": sorted(
            await Proposal.all().values_list(
                "id",
                "community_id",
                "author_id",
                "title",
                "body",
                "category",
                "cost_yuan",
                "committee_cost_yuan",
                "feasibility_note",
                "location",
                "status",
                "support_count",
                "submitted_at",
                "progress_percent",
            )
        ),
        "milestone": sorted(
            await Milestone.all().values_list("id", "proposal_id", "title", "due_on", "done_at")
        ),
        "proposal_event": sorted(
            await ProposalEvent.all().values_list(
                "id", "proposal_id", "actor_id", "from_status", "to_status", "reason"
            )
        ),
        "support": sorted(await Support.all().values_list("id", "proposal_id", "user_id")),
        "comment": sorted(
            await Comment.all().values_list(
                "id",
                "thread",
                "part_id",
                "parent_id",
                "author_id",
                "body",
                "edited_at",
                "deleted_at",
            )
        ),
        "progress_update": sorted(
            await ProgressUpdate.all().values_list(
                "id", "proposal_id", "author_id", "body", "status", "decided_by_id"
            )
        ),
        "photo": sorted(
            await Photo.all().values_list(
                "id", "community_id", "owner_id", "storage_key", "alt_text"
            )
        ),
        "proposal_photo": sorted(
            await ProposalPhoto.all().values_list("id", "proposal_id", "photo_id", "position")
        ),
        "notification": sorted(
            await Notification.all().values_list("id", "user_id", "kind", "read_at")
        ),
        "voting_round": sorted(
            await VotingRound.all().values_list(
                "id",
                "community_id",
                "title",
                "description",
                "budget_yuan",
                "opens_at",
                "closes_at",
                "min_projects",
                "max_projects",
                "min_spend_percent",
                "vote_unit",
                "result_rule",
                "status",
                "lot",
                "ballot_count",
                "pb_sha256",
                "created_by_id",
                "updated_at",
                "closed_at",
                "published_at",
            )
        ),
        "round_project": sorted(
            await RoundProject.all().values_list(
                "id", "round_id", "proposal_id", "cost_yuan", "position", "vote_count", "funded"
            )
        ),
        "ballot": sorted(
            await Ballot.all().values_list(
                "id",
                "round_id",
                "voter_key",
                "voter_id",
                "channel",
                "entered_by_id",
                "receipt_hash",
                "total_cost",
                "updated_at",
            )
        ),
        "ballot_choice": sorted(
            await BallotChoice.all().values_list("id", "ballot_id", "round_project_id")
        ),
        "round_result": sorted(
            await RoundResult.all().values_list(
                "id", "round_id", "rule", "winners", "spent_yuan", "input_hash"
            )
        ),
        "published_ballots": sorted(await PublishedBallots.all().values_list("round_id", "text")),
        "plot": sorted(
            await Plot.all().values_list(
                "id", "community_id", "name", "kind", "status", "photo_id", "care_minutes"
            )
        ),
        "team": sorted(
            await Team.all().values_list("id", "name", "description", "join_policy", "member_count")
        ),
        "team_member": sorted(
            await TeamMember.all().values_list("id", "team_id", "user_id", "role", "status")
        ),
        "adoption": sorted(
            await Adoption.all().values_list(
                "id", "plot_id", "team_id", "status", "term_months", "nickname", "ends_at"
            )
        ),
        "care_task": sorted(
            await CareTask.all().values_list("id", "plot_id", "team_id", "kind", "active")
        ),
        "care_assignment": sorted(
            await CareAssignment.all().values_list("id", "task_id", "user_id", "week_start")
        ),
        "care_log": sorted(
            await CareLog.all().values_list("id", "plot_id", "member_id", "minutes", "hidden")
        ),
        "care_log_photo": sorted(await CareLogPhoto.all().values_list("id", "log_id", "photo_id")),
    }


async def csrf_of(client: httpx.AsyncClient, path: str = "/") -> str:
    from tests.support import csrf_from

    return csrf_from((await client.get(path)).text)


# Checks where the database backend cannot matter run once, on SQLite, to keep the tier fast.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@dataclass
class Scene:
    """Two communities with things to act on: codes, a pending request and a member each."""

    world: World
    target: User  # an unverified member of the community, with a pending request
    request_id: int
    code_id: int  # an unused code (household 3栋301)
    code: str  # the plain text of another unused code (household 3栋302), as on its slip
    other_request_id: int  # the same kinds of things in the other community
    other_code_id: int
    proposals: ProposalScene | None = None  # added by build_proposal_scene when needed
    voting: VotingScene | None = None  # added by build_voting_scene when needed


async def build_scene(world: World) -> Scene:
    from participation.communities import services
    from participation.core.permissions import Actor
    from tests.support import make_user, now

    community, other = world.community, world.other
    target = await make_user("scene-target", "邻居小王")
    request = await services.request_verification(
        Actor(user_id=target.id), community.id, household_label="2栋201", note="", now=now()
    )
    revocable, redeemable = await services.issue_household_codes(
        None, community.id, ["3栋301", "3栋302"], now=now()
    )
    code = await HouseholdCode.get(household__label=revocable.household)

    outsider = await make_user("scene-outsider", "别处的人")
    other_request = await services.request_verification(
        Actor(user_id=outsider.id), other.id, household_label="9栋901", note="", now=now()
    )
    await services.issue_household_codes(None, other.id, ["9栋902"], now=now())
    other_code = await HouseholdCode.get(household__community_id=other.id)
    return Scene(
        world=world,
        target=target,
        request_id=request.id,
        code_id=code.id,
        code=redeemable.code,
        other_request_id=other_request.id,
        other_code_id=other_code.id,
    )


# --- Proposals: one of each kind of thing the proposal routes act on -----------------------------

PROPOSAL_AUTHOR = "proposal-author"  # the OIDC subject of the author of the scene's proposals


def tiny_png(size: tuple[int, int] = (24, 16)) -> bytes:
    """A small, valid PNG made in memory."""
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", size, (40, 160, 90)).save(out, format="PNG")
    return out.getvalue()


@dataclass
class ProposalScene:
    """Proposals in both communities, all by one author (verified in both)."""

    author: User
    submitted_id: int  # submitted, with one photo and the author's comment
    draft_id: int  # a draft, with the author's own comment on it
    selected_id: int  # selected by the committee, with a neighbour's pending progress update
    other_id: int  # the author's submitted proposal in the OTHER community
    comment_id: int  # the author's comment on the submitted proposal
    draft_comment_id: int
    other_comment_id: int  # the author's comment on the other community's proposal
    update_id: int  # the neighbour's pending update on the selected proposal
    other_update_id: int  # a pending update on a selected proposal of the other community
    milestone_id: int  # a milestone of the selected proposal, not yet done
    other_milestone_id: int  # a milestone of the other community's selected proposal
    photo_key: str  # the storage key of the submitted proposal's photo


async def build_proposal_scene(world: World, storage: Storage) -> ProposalScene:
    from participation.core.permissions import Actor
    from participation.proposals import comments, progress, services, tracking
    from participation.proposals.rules import Status
    from tests.support import make_committee, make_user, make_verified, now

    community, other = world.community, world.other
    author = await make_user(PROPOSAL_AUTHOR, "提案人老李")
    await make_verified(community, author, household="7栋701")
    await make_verified(other, author, household="9栋905")
    neighbour = await make_user("proposal-neighbour", "楼下邻居")
    await make_verified(community, neighbour, household="7栋702")
    other_neighbour = await make_user("proposal-other-neighbour", "别处邻居")
    await make_verified(other, other_neighbour, household="9栋906")
    reviewer = await make_user("proposal-reviewer", "审核委员")
    await make_committee(community, reviewer)
    await make_committee(other, reviewer)
    by_author, by_reviewer = Actor(user_id=author.id), Actor(user_id=reviewer.id)

    async def propose(community_id: int, title: str, status: Status) -> int:
        data = services.ProposalInput(
            title=title, body="在拐角种一片花", category="pocket_garden", cost_yuan="800"
        )
        proposal = await services.create_proposal(by_author, community_id, data, now=now())
        if status is not Status.DRAFT:
            await services.move_as_author(
                by_author, community_id, proposal.id, Status.SUBMITTED, now=now()
            )
        if status is Status.SELECTED:
            for step in (Status.ACCEPTED, Status.SELECTED):
                await services.review(
                    by_reviewer, community_id, proposal.id, step, reason="", now=now()
                )
        return proposal.id

    submitted = await propose(community.id, "口袋花园", Status.SUBMITTED)
    draft = await propose(community.id, "还没想好的草稿", Status.DRAFT)
    selected = await propose(community.id, "楼道绿植", Status.SELECTED)
    elsewhere = await propose(other.id, "别处的花墙", Status.SUBMITTED)
    elsewhere_selected = await propose(other.id, "别处的菜园", Status.SELECTED)

    link = await services.attach_photo(
        by_author, community.id, submitted, tiny_png(), "拐角空地", storage, now=now()
    )
    photo = await Photo.get(id=link.photo_id)

    async def comment(community_id: int, proposal_id: int) -> int:
        posted = await comments.post_comment(
            by_author, community_id, proposal_id, "我先说两句", now=now()
        )
        return posted.id

    async def pending_update(community_id: int, proposal_id: int, user: User) -> int:
        update = await progress.post_update(
            Actor(user_id=user.id), community_id, proposal_id, "花苗到了", now=now()
        )
        assert update.status == "pending"
        return update.id

    return ProposalScene(
        author=author,
        submitted_id=submitted,
        draft_id=draft,
        selected_id=selected,
        other_id=elsewhere,
        comment_id=await comment(community.id, submitted),
        draft_comment_id=await comment(community.id, draft),
        other_comment_id=await comment(other.id, elsewhere),
        update_id=await pending_update(community.id, selected, neighbour),
        other_update_id=await pending_update(other.id, elsewhere_selected, other_neighbour),
        milestone_id=(
            await tracking.add_milestone(
                by_reviewer, community.id, selected, "买土和花苗", "", now=now()
            )
        ).id,
        other_milestone_id=(
            await tracking.add_milestone(
                by_reviewer, other.id, elsewhere_selected, "别处的里程碑", "", now=now()
            )
        ).id,
        photo_key=photo.storage_key,
    )


# --- Voting: a round in each state the voting routes act on --------------------------------------

VOTING_COSTS = (3000, 2000, 1500, 1000)  # the projects on each round's ballot, in ballot order
VOTING_BUDGET = 5000
COMMUNITY_ZONE = "Asia/Shanghai"  # the communities' time zone: datetime-local fields use it


def local_input(moment: datetime, zone: str = COMMUNITY_ZONE) -> str:
    """A moment as a ``datetime-local`` field holds it, in the community's time zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def round_form(title: str, proposal_ids: list[int], **changes: Any) -> dict[str, Any]:
    """The committee's round form, valid and open from a few minutes ago for a week."""
    start = now() - timedelta(minutes=5)
    return {
        "title": title,
        "description": "大家一起决定",
        "budget_yuan": str(VOTING_BUDGET),
        "opens_at": local_input(start),
        "closes_at": local_input(start + timedelta(days=7)),
        "vote_unit": "resident",
        "result_rule": "equal_shares",
        "min_projects": "0",
        "max_projects": "0",
        "min_spend_percent": "0",
        "proposals": [str(i) for i in proposal_ids],
        **changes,
    }


@dataclass
class VotingScene:
    """Rounds of ¥5,000 over four accepted proposals (VOTING_COSTS), in both communities."""

    committee: User  # committee (and verified resident) of both communities; prepared the rounds
    author: User  # verified resident of both communities; wrote the proposals
    paper_voter: User  # a verified resident here who has not voted in any round
    proposal_ids: list[int]  # the community's accepted proposals
    other_proposal_id: int  # an accepted proposal of the other community
    open_id: int  # open now, no ballot yet
    open_projects: list[int]  # its round_project ids, in ballot order
    draft_id: int  # being prepared, with the four projects
    ended_id: int  # open, but voting time is over: ready to close; no ballot
    counted_id: int  # closed and counted (the author voted), not yet published
    counted_projects: list[int]
    other_id: int  # open now, in the other community
    other_projects: list[int]


async def accept_proposals(
    community_id: int, author: User, committee: User, costs: tuple[int, ...], title: str
) -> list[int]:
    """Proposals by ``author`` accepted for the ballot by ``committee``, one per cost."""
    ids = []
    for index, cost in enumerate(costs):
        data = proposals.ProposalInput(
            title=f"{title} {index}", body="种花", category="greening", cost_yuan=str(cost)
        )
        proposal = await proposals.create_proposal(
            Actor(user_id=author.id), community_id, data, now=now()
        )
        await proposals.move_as_author(
            Actor(user_id=author.id), community_id, proposal.id, Status.SUBMITTED, now=now()
        )
        await proposals.review(
            Actor(user_id=committee.id),
            community_id,
            proposal.id,
            Status.ACCEPTED,
            reason="",
            now=now(),
        )
        ids.append(proposal.id)
    return ids


async def open_voting_round(
    community_id: int,
    committee: User,
    proposal_ids: list[int],
    *,
    title: str = "2026 年社区微基金",
    budget_yuan: int = VOTING_BUDGET,
    open_it: bool = True,
    **settings: Any,
) -> tuple[int, list[int]]:
    """A round prepared by ``committee`` (opened an hour ago, closing in a week, unless
    ``open_it`` is false); returns its id and its round_project ids in ballot order."""
    actor = Actor(user_id=committee.id)
    data = voting.RoundInput(
        title=title,
        description="社区基金投票",
        budget_yuan=budget_yuan,
        opens_at=now() - timedelta(hours=1),
        closes_at=now() + timedelta(days=7),
        proposal_ids=tuple(proposal_ids),
        **settings,
    )
    created = await voting.create_round(actor, community_id, data, now=now())
    if open_it:
        await voting.open_round(actor, community_id, created.id, now=now())
    projects = await RoundProject.filter(round_id=created.id).order_by("position")
    return created.id, [p.id for p in projects]


async def end_voting(round_id: int) -> None:
    """Voting time is over (the server clock decides): closing time a minute ago."""
    await VotingRound.filter(id=round_id).update(closes_at=now() - timedelta(minutes=1))


async def build_voting_scene(world: World) -> VotingScene:
    community, other = world.community, world.other
    committee = await make_user("voting-committee", "投票委员")
    author = await make_user("voting-author", "项目作者")
    paper_voter = await make_user("voting-paper", "田奶奶")
    for place, household in ((community, "6栋60"), (other, "9栋97")):
        await make_verified(place, committee, household=f"{household}1")
        await make_committee(place, committee)
        await make_verified(place, author, household=f"{household}2")
    await make_verified(community, paper_voter, household="6栋603")

    proposal_ids = await accept_proposals(community.id, author, committee, VOTING_COSTS, "投票项目")
    [other_proposal] = await accept_proposals(other.id, author, committee, (800,), "别处项目")

    open_id, open_projects = await open_voting_round(community.id, committee, proposal_ids)
    draft_id, _ = await open_voting_round(
        community.id, committee, proposal_ids, title="还在准备的投票", open_it=False
    )
    ended_id, _ = await open_voting_round(
        community.id, committee, proposal_ids, title="已经结束的投票"
    )
    await end_voting(ended_id)
    counted_id, counted_projects = await open_voting_round(
        community.id, committee, proposal_ids, title="已经计票的投票"
    )
    await voting.cast_ballot(
        Actor(user_id=author.id), community.id, counted_id, counted_projects[1:3], now=now()
    )
    await end_voting(counted_id)
    await voting.close_round(Actor(user_id=committee.id), community.id, counted_id, now=now())
    other_id, other_projects = await open_voting_round(
        other.id, committee, [other_proposal], title="别处的投票"
    )
    return VotingScene(
        committee=committee,
        author=author,
        paper_voter=paper_voter,
        proposal_ids=proposal_ids,
        other_proposal_id=other_proposal,
        open_id=open_id,
        open_projects=open_projects,
        draft_id=draft_id,
        ended_id=ended_id,
        counted_id=counted_id,
        counted_projects=counted_projects,
        other_id=other_id,
        other_projects=other_projects,
    )
