from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from participation.accounts.models import User
    from participation.communities.models import Community
    from participation.proposals.models import Proposal


class VotingRound(Model):
    # A participatory-budgeting vote (投票轮次): draft → open → closed → tallied → published.
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "huakai.Community", related_name="voting_rounds", on_delete=fields.CASCADE
    )
    community_id: int
    title = fields.CharField(max_length=120)
    description = fields.TextField(default="")
    budget_yuan = fields.IntField()
    # UTC; entered and shown in the community's time zone. The server clock decides.
    opens_at = fields.DatetimeField()
    closes_at = fields.DatetimeField()
    min_projects = fields.IntField(default=0)
    max_projects = fields.IntField(default=0)  # 0: no maximum
    min_spend_percent = fields.IntField(default=0)
    vote_unit = fields.CharField(max_length=16, default="resident")  # resident | household
    result_rule = fields.CharField(max_length=16, default="equal_shares")  # or greedy
    status = fields.CharField(max_length=16, default="draft")
    # Project ids in a random order drawn when the round opens: the last tie-break, public.
    lot: list[int] = fields.JSONField(default=list)
    # Kept in the same transaction as each new ballot.
    ballot_count = fields.IntField(default=0)
    pb_sha256 = fields.CharField(max_length=64, default="")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="rounds_created", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    closed_at = fields.DatetimeField(null=True)
    published_at = fields.DatetimeField(null=True)

    class Meta:
        table = "voting_round"
        indexes = (("community_id", "status"),)


class RoundProject(Model):
    # A proposal on a round's ballot, with its cost fixed when the round opens.
    id = fields.IntField(primary_key=True)
    round: fields.ForeignKeyRelation[VotingRound] = fields.ForeignKeyField(
        "huakai.VotingRound", related_name="projects", on_delete=fields.CASCADE
    )
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "huakai.Proposal", related_name="round_entries", on_delete=fields.RESTRICT
    )
    round_id: int
    proposal_id: int
    cost_yuan = fields.IntField()
    position = fields.IntField(default=0)
    vote_count = fields.IntField(default=0)  # filled in by the tally
    funded = fields.BooleanField(default=False)  # set when the result is published

    class Meta:
        table = "round_project"
        unique_together = (("round", "proposal"),)


class Ballot(Model):
    # One per voter (a resident, or a household) per round: UNIQUE(round, voter_key).
    id = fields.IntField(primary_key=True)
    round: fields.ForeignKeyRelation[VotingRound] = fields.ForeignKeyField(
        "huakai.VotingRound", related_name="ballots", on_delete=fields.CASCADE
    )
    round_id: int
    voter_key = fields.CharField(max_length=32)  # "user:<id>" or "household:<id>"
    # Who cast it (for a paper ballot: the resident it was entered for).
    voter: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="ballots", on_delete=fields.RESTRICT
    )
    voter_id: int
    channel = fields.CharField(max_length=8, default="online")  # online | paper
    entered_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="paper_ballots_entered", null=True, on_delete=fields.SET_NULL
    )
    entered_by_id: int | None
    # SHA-256 of the receipt code shown once to the voter. It is the ballot's voter id in
    # the published open data: random, linked to nobody, found again only with the receipt.
    receipt_hash = fields.CharField(max_length=64, unique=True)
    total_cost = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "ballot"
        unique_together = (("round", "voter_key"),)


class BallotChoice(Model):
    id = fields.IntField(primary_key=True)
    ballot: fields.ForeignKeyRelation[Ballot] = fields.ForeignKeyField(
        "huakai.Ballot", related_name="choices", on_delete=fields.CASCADE
    )
    round_project: fields.ForeignKeyRelation[RoundProject] = fields.ForeignKeyField(
        "huakai.RoundProject", related_name="choices", on_delete=fields.CASCADE
    )
    ballot_id: int
    round_project_id: int

    class Meta:
        table = "ballot_choice"
        unique_together = (("ballot", "round_project"),)


class RoundResult(Model):
    # A computed result under one rule; the round's own rule decides, the other compares.
    id = fields.IntField(primary_key=True)
    round: fields.ForeignKeyRelation[VotingRound] = fields.ForeignKeyField(
        "huakai.VotingRound", related_name="results", on_delete=fields.CASCADE
    )
    round_id: int
    rule = fields.CharField(max_length=16)
    winners: list[int] = fields.JSONField(default=list)  # round_project ids, in order chosen
    # Per round_project: votes, cost, funded, why (numbers the result page words).
    explanation: dict[str, object] = fields.JSONField(default=dict)
    spent_yuan = fields.IntField(default=0)
    voters_with_a_funded_project = fields.IntField(default=0)
    input_hash = fields.CharField(max_length=64)
    computed_at = fields.DatetimeField()

    class Meta:
        table = "round_result"
        unique_together = (("round", "rule"),)


class PublishedBallots(Model):
    # The round's .pb file exactly as published: served as it was, so the SHA-256 published
    # with the results stays true whatever changes later (a proposal's title, the site's
    # address, the code that writes the file).
    id = fields.IntField(primary_key=True)
    round: fields.OneToOneRelation[VotingRound] = fields.OneToOneField(
        "huakai.VotingRound", related_name="published_ballots", on_delete=fields.CASCADE
    )
    round_id: int
    text = fields.TextField()

    class Meta:
        table = "published_ballots"
