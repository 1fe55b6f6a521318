"""A round as open data: the pabulib .pb file (pabulib.org/format), and results as CSV and JSON.

Nothing personal goes out: a ballot's voter id is the SHA-256 of its receipt code, which only
the voter holds, so they can find their own line and nobody else can tell whose it is. Lines
are sorted by that id, which hides the order people voted in.

A project's id (``project_id``) is its id on this round's ballot, which the votes refer to;
each project also carries the id of the proposal it comes from (the id in the site's proposal
addresses) and that page's absolute address: ``proposal_id`` and ``url`` in the results, and in
the .pb file pabulib's own ``public_id`` column, the addresses in META comment #3 (pabulib-
checker refuses PROJECTS columns it does not know). The addresses are built by the caller (the
web layer knows its routes and base URL) through a ``ProposalUrl``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

# pabulib's vocabulary: "greedy-threshold" with a threshold of one vote is exactly our greedy
# rule (a project nobody voted for is never funded). It has no name for equal shares with Add1
# followed by a greedy completion, so that round says "unknown" and describes the rule in
# words in META comment #1 (pabulib-checker then skips only that rule's verification).
PB_RULES = {"equal_shares": "unknown", "greedy": "greedy-threshold"}
RULE_COMMENTS = {
    "equal_shares": "Method of Equal Shares with cost utilities and Add1 completion "
    "(per-voter budget raised by 1 yuan while the outcome fits and is not exhaustive), "
    "then greedy completion by votes, as on equalshares.net. Projects without votes are "
    "never funded.",
    "greedy": "Greedy by votes within the budget. Projects without votes are never funded.",
}


# (community slug, proposal id) -> the proposal page's absolute URL.
ProposalUrl = Callable[[str, int], str]

PROPOSALS_COMMENT = (
    "#3: In PROJECTS, project_id is the project's id in this round (the votes use it) and "
    "public_id the id of the proposal it comes from on the site. The proposals' pages: "
)


@dataclass(frozen=True)
class RoundFacts:
    round_id: int
    title: str
    community: str
    community_slug: str
    district: str
    budget_yuan: int
    opens_at: datetime
    closes_at: datetime
    timezone: str
    result_rule: str
    min_projects: int
    max_projects: int
    min_spend_percent: int
    lot: tuple[int, ...]  # project ids in the order drawn by lot when the round opened


@dataclass(frozen=True)
class ProjectFacts:
    id: int  # the round's own (round_project) id
    name: str
    cost_yuan: int
    votes: int
    funded: bool  # chosen under the round's rule (false before the count)
    proposal_id: int
    url: str  # the proposal's page; "" in the format of rounds published before it was added


@dataclass(frozen=True)
class BallotFacts:
    receipt_hash: str
    choices: tuple[int, ...]


def _date(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y")


def _ids_in_order(ids: Sequence[int]) -> str:
    return ",".join(str(i) for i in ids)


def _rows(rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerows(rows)
    return out.getvalue()


def pabulib(
    facts: RoundFacts,
    projects: Sequence[ProjectFacts],
    ballots: Sequence[BallotFacts],
    *,
    with_proposals: bool = True,
) -> str:
    """The .pb text: UTF-8 (no BOM when encoded), sections META, PROJECTS, VOTES.

    Each project's proposal is its ``public_id`` (a PROJECTS column pabulib knows), and META
    comment #3 lists their pages. ``with_proposals=False`` writes the file as it was before
    they were added, byte for byte: rounds published then are served that way, so the SHA-256
    published with them stays true."""
    # In the order greedy takes them (votes, then cost, then lot): readers that break ties by
    # file order, like pabulib-checker, then agree with ours.
    lot = {project_id: place for place, project_id in enumerate(facts.lot)}
    in_order = sorted(projects, key=lambda p: (-p.votes, p.cost_yuan, lot.get(p.id, 0)))
    pages = " ".join(p.url for p in in_order)
    meta: list[tuple[str, object]] = [
        ("key", "value"),
        ("description", facts.title),
        ("country", "China"),
        ("unit", facts.community),
        *([("district", facts.district)] if facts.district else []),
        ("instance", str(facts.round_id)),
        ("num_projects", len(projects)),
        ("num_votes", len(ballots)),
        ("budget", facts.budget_yuan),
        ("vote_type", "approval"),
        ("rule", PB_RULES[facts.result_rule]),
        ("date_begin", _date(facts.opens_at, facts.timezone)),
        ("date_end", _date(facts.closes_at, facts.timezone)),
        *([("min_length", facts.min_projects)] if facts.min_projects else []),
        *([("max_length", facts.max_projects)] if facts.max_projects else []),
        *(
            [("min_sum_cost", -(-facts.budget_yuan * facts.min_spend_percent // 100))]
            if facts.min_spend_percent
            else []
        ),
        ("max_sum_cost", facts.budget_yuan),
        *([("min_project_score_threshold", 1)] if facts.result_rule == "greedy" else []),
        ("language", "zh"),
        ("currency", "CNY"),
        (
            "comment",
            f"#1: {RULE_COMMENTS[facts.result_rule]} "
            "#2: Ties: the cheaper project first, then the one with more votes, then this "
            f"order drawn by lot: {_ids_in_order(facts.lot)}"
            + (f" {PROPOSALS_COMMENT}{pages}" if with_proposals else ""),
        ),
    ]
    header: tuple[str, ...] = ("project_id", "cost", "votes", "name", "selected")
    project_rows: list[Sequence[object]] = [(*header, "public_id") if with_proposals else header]
    for p in in_order:
        row: tuple[object, ...] = (p.id, p.cost_yuan, p.votes, p.name, int(p.funded))
        project_rows.append((*row, p.proposal_id) if with_proposals else row)
    # No voting method: where few vote on paper, it would point at whose ballot is whose.
    vote_rows: list[Sequence[object]] = [("voter_id", "vote")]
    vote_rows += [
        (b.receipt_hash, ",".join(str(c) for c in sorted(b.choices)))
        for b in sorted(ballots, key=lambda b: b.receipt_hash)
    ]
    return (
        "META\n" + _rows(meta) + "PROJECTS\n" + _rows(project_rows) + "VOTES\n" + _rows(vote_rows)
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class ResultRow:
    project_id: int  # the round's own id, as in the .pb file
    name: str
    cost_yuan: int
    votes: int
    funded: bool
    funded_under_other_rule: bool
    proposal_id: int
    url: str


def results_csv(rows: Sequence[ResultRow]) -> str:
    # New columns go last: readers that take columns by position keep working.
    table: list[Sequence[object]] = [
        (
            "project_id",
            "name",
            "cost_yuan",
            "votes",
            "funded",
            "funded_under_other_rule",
            "proposal_id",
            "url",
        )
    ]
    table += [
        (
            r.project_id,
            r.name,
            r.cost_yuan,
            r.votes,
            int(r.funded),
            int(r.funded_under_other_rule),
            r.proposal_id,
            r.url,
        )
        for r in rows
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    return out.getvalue()


def results_json(facts: RoundFacts, rows: Sequence[ResultRow], pb_sha256: str) -> str:
    return json.dumps(
        {
            "round": facts.round_id,
            "title": facts.title,
            "community": facts.community,
            "budget_yuan": facts.budget_yuan,
            "rule": facts.result_rule,
            "pb_sha256": pb_sha256,
            "projects": [
                {
                    "project_id": r.project_id,
                    "name": r.name,
                    "cost_yuan": r.cost_yuan,
                    "votes": r.votes,
                    "funded": r.funded,
                    "funded_under_other_rule": r.funded_under_other_rule,
                    "proposal_id": r.proposal_id,
                    "url": r.url,
                }
                for r in rows
            ],
        },
        ensure_ascii=False,
        indent=2,
    )
