"""The published open data: the .pb file passes pabulib-checker, carries nothing personal, and
counting its ballots again under the round's own rule gives the same winners."""

from __future__ import annotations

import csv
import hashlib
import io
import random
import re
from datetime import timedelta
from pathlib import Path

import pytest
from pabulib.checker import Checker
from pabutools.election import parse_pabulib

from participation.proposals.models import Proposal
from participation.voting import queries, services, tally
from participation.voting.models import (
    Ballot,
    PublishedBallots,
    RoundProject,
    RoundResult,
    VotingRound,
)
from tests.services.conftest import People
from tests.services.test_voting import open_scene, voters
from tests.support import World, now, proposal_url


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
        scene.committee, world.community.id, scene.round.id, now=now(), proposal_url=proposal_url
    )


@pytest.mark.parametrize(
    ("rule", "seed"), [("equal_shares", 1), ("equal_shares", 2), ("greedy", 3), ("greedy", 4)]
)
async def test_the_pb_file_is_valid_and_counts_again_to_the_same_winners(
    world: World, people: People, rule: str, seed: int
) -> None:
    published = await counted_round(world, people, rule, seed)
    pb = await queries.ballots_file(published, proposal_url)
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
    pb = await queries.ballots_file(published, proposal_url)
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


OLD_PROJECTS_HEADER = ["project_id", "cost", "votes", "name", "selected"]


def proposal_pages(meta: dict[str, str]) -> list[str]:
    """The proposals' pages listed in META comment #3, in PROJECTS order."""
    found = re.search(r"#3: .*The proposals' pages: (.*)$", meta["comment"])
    assert found, meta["comment"]
    return found.group(1).split(" ")


async def test_the_pb_file_names_each_projects_proposal_and_its_page(
    world: World, people: People, tmp_path: Path
) -> None:
    published = await counted_round(world, people, "greedy", 6)
    pb = await queries.ballots_file(published, proposal_url)
    parts = sections(pb)
    header, *rows = parts["PROJECTS"]
    assert header == [*OLD_PROJECTS_HEADER, "public_id"], "a column pabulib knows, last"
    projects = dict(
        await RoundProject.filter(round_id=published.id).values_list("id", "proposal_id")
    )
    assert {int(row[0]): int(row[5]) for row in rows} == projects
    pages = proposal_pages(dict(parts["META"][1:]))
    assert pages == [proposal_url(world.community.slug, int(row[5])) for row in rows]
    # pabutools, the reference library, reads it as before.
    saved = tmp_path / "round.pb"
    saved.write_text(pb, encoding="utf-8")
    instance, profile = parse_pabulib(str(saved))
    assert {project.name for project in instance} == {str(project) for project in projects}
    assert len(profile) == await Ballot.filter(round_id=published.id).count()


async def test_the_published_file_is_kept_as_it_was_published(world: World, people: People) -> None:
    """Served later, the file is the one published, byte for byte, whatever changed since."""
    published = await counted_round(world, people, "equal_shares", 7)
    before = await queries.ballots_file(published, proposal_url)
    assert published.pb_sha256 == hashlib.sha256(before.encode()).hexdigest()
    project = await RoundProject.filter(round_id=published.id).first()
    assert project is not None
    await Proposal.filter(id=project.proposal_id).update(title="改过的标题")

    def elsewhere(slug: str, proposal_id: int) -> str:
        return f"https://moved.example/c/{slug}/proposals/{proposal_id}"

    assert await queries.ballots_file(published, elsewhere) == before
    assert "改过的标题" in await queries.open_data_pb(published, elsewhere), "not kept: new"


async def test_a_round_published_before_files_were_kept_is_served_as_it_was(
    world: World, people: People
) -> None:
    """Rounds published before migration 0009 have no kept file: theirs is written again in
    the format of the time (no proposal columns, no comment #3), so their hash stays true."""
    published = await counted_round(world, people, "greedy", 8)
    kept = await queries.ballots_file(published, proposal_url)
    await PublishedBallots.filter(round_id=published.id).delete()
    old = await queries.ballots_file(published, proposal_url)
    parts = sections(old)
    assert parts["PROJECTS"][0] == OLD_PROJECTS_HEADER
    assert "#3" not in dict(parts["META"][1:])["comment"]
    # The old file is the kept one without what was added, and nothing else.
    kept_parts = sections(kept)
    assert parts["VOTES"] == kept_parts["VOTES"]
    assert parts["PROJECTS"][1:] == [row[:5] for row in kept_parts["PROJECTS"][1:]]
    kept_meta, old_meta = dict(kept_parts["META"][1:]), dict(parts["META"][1:])
    assert kept_meta.pop("comment").startswith(old_meta.pop("comment") + " #3: ")
    assert kept_meta == old_meta
