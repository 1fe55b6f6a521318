"""The published open data: the .pb file passes pabulib-checker, carries nothing personal, and
counting its ballots again under the round's own rule gives the same winners."""

from __future__ import annotations

import csv
import hashlib
import io
import random
import re
from datetime import timedelta

import pytest
from pabulib.checker import Checker

from participation.voting import queries, services, tally
from participation.voting.models import Ballot, RoundProject, RoundResult, VotingRound
from tests.services.conftest import People
from tests.services.test_voting import open_scene, voters
from tests.support import World, now


def sections(pb: str) -> dict[str, list[list[str]]]:
    parts: dict[str, list[list[str]]] = {}
    current = ""
    for row in csv.reader(io.StringIO(pb), delimiter=";"):
        if row in (["META"], ["PROJECTS"], ["VOTES"]):
            current = row[0]
            parts[current] = []
        else:
            parts[current].append(row)
    return parts


def retally(pb: str) -> tuple[str, frozenset[int], frozenset[int]]:
    """(rule, winners counted again from the file alone, projects the file marks selected)."""
    parts = sections(pb)
    meta = dict(parts["META"][1:])
    header, *rows = parts["PROJECTS"]
    projects = [dict(zip(header, row, strict=True)) for row in rows]
    vote_header, *vote_rows = parts["VOTES"]
    ballots = [dict(zip(vote_header, row, strict=True)) for row in vote_rows]
    lot = re.search(r"order drawn by lot: ([\d,]+)", meta["comment"])
    assert lot is not None
    instance = tally.Instance(
        budget=int(meta["budget"]),
        projects=tuple(tally.Project(int(p["project_id"]), int(p["cost"])) for p in projects),
        ballots=tuple(frozenset(int(v) for v in b["vote"].split(",") if v) for b in ballots),
        lot=tuple(int(i) for i in lot.group(1).split(",")),
    )
    rule = "greedy" if meta["rule"] == "greedy-threshold" else "equal_shares"
    outcome = tally.greedy(instance) if rule == "greedy" else tally.equal_shares(instance)
    selected = frozenset(int(p["project_id"]) for p in projects if p["selected"] == "1")
    return rule, frozenset(outcome.winners), selected


async def counted_round(world: World, people: People, rule: str, seed: int) -> VotingRound:
    scene = await open_scene(world, people, result_rule=rule)
    rnd = random.Random(seed)
    budget = scene.round.budget_yuan
    for voter in await voters(world, 30, prefix=f"pb{seed}-"):
        chosen, total = [], 0
        for project in rnd.sample(scene.projects, k=rnd.randint(1, len(scene.projects))):
            if total + project.cost_yuan <= budget:
                chosen.append(project.id)
                total += project.cost_yuan
        await services.cast_ballot(voter, world.community.id, scene.round.id, chosen, now=now())
    paper_voter = people.resident.id
    await services.enter_paper_ballot(
        scene.committee,
        world.community.id,
        scene.round.id,
        paper_voter,
        [scene.projects[3].id],
        now=now(),
    )
    await services.close_round(
        None, world.community.id, scene.round.id, now=scene.closes_at + timedelta(seconds=1)
    )
    return await services.publish_round(
        scene.committee, world.community.id, scene.round.id, now=now()
    )


@pytest.mark.parametrize(
    ("rule", "seed"), [("equal_shares", 1), ("equal_shares", 2), ("greedy", 3), ("greedy", 4)]
)
async def test_the_pb_file_is_valid_and_counts_again_to_the_same_winners(
    world: World, people: People, rule: str, seed: int
) -> None:
    published = await counted_round(world, people, rule, seed)
    pb = await queries.open_data_pb(published)
    assert not pb.encode().startswith(b"\xef\xbb\xbf")

    report = Checker().process_files([pb])
    assert report["metadata"]["invalid"] == 0, report
    [file_report] = [v for k, v in report.items() if k not in {"metadata", "summary"}]
    assert file_report["results"]["errors"] == {}, file_report

    counted_rule, winners, selected = retally(pb)
    stored = await RoundResult.get(round_id=published.id, rule=published.result_rule)
    assert counted_rule == rule
    assert winners == selected == frozenset(stored.winners)
    assert selected == frozenset(
        p.id for p in await RoundProject.filter(round_id=published.id, funded=True)
    )


async def test_the_pb_file_carries_no_personal_data(world: World, people: People) -> None:
    published = await counted_round(world, people, "equal_shares", 5)
    pb = await queries.open_data_pb(published)
    vote_header, *vote_rows = sections(pb)["VOTES"]
    assert vote_header == ["voter_id", "vote"]  # no voting method: it could single out paper
    hashes = set(await Ballot.filter(round_id=published.id).values_list("receipt_hash", flat=True))
    assert {row[0] for row in vote_rows} == hashes
    assert all(re.fullmatch(r"[0-9a-f]{64}", row[0]) for row in vote_rows)
    assert [row[0] for row in vote_rows] == sorted(row[0] for row in vote_rows)
    assert len(vote_rows) == await Ballot.filter(round_id=published.id).count()
    for person in (people.resident, people.committee):
        assert person.display_name not in pb
    assert published.pb_sha256 == hashlib.sha256(pb.encode()).hexdigest()
