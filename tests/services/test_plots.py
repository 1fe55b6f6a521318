"""Plots: the committee creates them one by one or from a spreadsheet (all or nothing), edits
them and rests or retires them; nobody else may. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from participation.audit.models import AuditEntry
from participation.core.errors import Invalid, NotAllowed, NotFound
from participation.plots import adoption, queries, services, teams
from participation.plots.models import Plot
from participation.plots.plot_input import PlotInput
from participation.plots.services import ImportRefused
from participation.plots.teams import TeamInput
from tests.services.conftest import People
from tests.services.seed import as_actor, audit
from tests.support import HOSTILE, World, make_neighbours, now

HEADER = "name,kind,location,latitude,longitude,area_m2,care_needs\n"


async def new_plot(world: World, people: People, name: str = "1号花坛") -> Plot:
    return await services.create_plot(
        as_actor(people.committee),
        world.community.id,
        PlotInput(name=name, kind="flowerbed"),
        now=now(),
    )


async def plot_actions() -> list[str]:
    return [entry.action for entry in await audit() if entry.action.startswith("plots.")]


# --- creating ------------------------------------------------------------------------------------


async def test_the_committee_creates_an_available_plot(world: World, people: People) -> None:
    at = now()
    plot = await services.create_plot(
        as_actor(people.committee),
        world.community.id,
        PlotInput(
            name=" 3栋 花墙 ",
            kind="flower_wall",
            description="三角梅",
            location="3栋东侧",
            latitude="30.64",
            longitude="104.05",
            area_m2="12",
            care_needs="每三天浇水",
        ),
        now=at,
    )
    stored = await Plot.get(id=plot.id)
    assert stored.community_id == world.community.id
    assert (stored.name, stored.kind, stored.status) == ("3栋 花墙", "flower_wall", "available")
    assert (stored.latitude, stored.longitude, stored.area_m2) == (30.64, 104.05, 12)
    assert (stored.location, stored.care_needs) == ("3栋东侧", "每三天浇水")
    assert (stored.last_care_at, stored.care_minutes) == (None, 0)
    [entry] = await audit("plots.create")
    assert (entry.actor_id, entry.community_id) == (people.committee.id, world.community.id)
    assert entry.target == f"plot:{plot.id}"
    assert entry.after == {"name": "3栋 花墙", "kind": "flower_wall"}


async def test_a_platform_admin_may_create_plots(world: World, people: People) -> None:
    await services.create_plot(
        as_actor(people.admin), world.community.id, PlotInput("花坛", "flowerbed"), now=now()
    )
    assert await Plot.filter(community_id=world.community.id).count() == 1


@pytest.mark.parametrize("who", ["resident", "newcomer", "outsider", "other_committee"])
async def test_only_the_committee_creates_plots(world: World, people: People, who: str) -> None:
    with pytest.raises(NotAllowed):
        await services.create_plot(
            as_actor(getattr(people, who)),
            world.community.id,
            PlotInput(name="花坛", kind="flowerbed"),
            now=now(),
        )
    assert await Plot.all().count() == 0
    assert await plot_actions() == []


async def test_a_plot_name_is_unique_in_its_community(world: World, people: People) -> None:
    await new_plot(world, people, "花坛")
    with pytest.raises(Invalid) as caught:
        await new_plot(world, people, " 花坛 ")
    assert caught.value.field == "name"
    assert await Plot.all().count() == 1
    assert await plot_actions() == ["plots.create"]
    # another community may use the same name
    await services.create_plot(
        as_actor(people.other_committee), world.other.id, PlotInput("花坛", "flowerbed"), now=now()
    )
    assert await Plot.filter(name="花坛").count() == 2


async def test_an_invalid_plot_writes_nothing(world: World, people: People) -> None:
    with pytest.raises(Invalid):
        await services.create_plot(
            as_actor(people.committee),
            world.community.id,
            PlotInput(name="花坛", kind="flowerbed", latitude="30.6"),
            now=now(),
        )
    assert await Plot.all().count() == 0
    assert await plot_actions() == []


async def test_hostile_text_is_stored_as_typed(world: World, people: People) -> None:
    plot = await services.create_plot(
        as_actor(people.committee),
        world.community.id,
        PlotInput(name=HOSTILE, kind="other", description=HOSTILE, care_needs=HOSTILE),
        now=now(),
    )
    stored = await Plot.get(id=plot.id)
    assert stored.name == stored.description == stored.care_needs == HOSTILE


# --- importing -----------------------------------------------------------------------------------


async def test_the_committee_imports_a_spreadsheet(world: World, people: People) -> None:
    text = (
        "\ufeff"
        + HEADER
        + "1号花坛,flowerbed,3栋,30.64,104.05,12,浇水\n\n2号花墙,flower_wall,,,,,\n"
    )
    count = await services.import_plots(
        as_actor(people.committee), world.community.id, text, now=now()
    )
    assert count == 2
    rows = await Plot.filter(community_id=world.community.id).order_by("name")
    assert [(p.name, p.kind, p.status, p.area_m2) for p in rows] == [
        ("1号花坛", "flowerbed", "available", 12),
        ("2号花墙", "flower_wall", "available", None),
    ]
    [entry] = await audit("plots.import")
    assert entry.target == f"community:{world.community.id}"
    assert entry.after == {"count": 2}
    assert await plot_actions() == ["plots.import"]


@pytest.mark.parametrize("who", ["resident", "newcomer", "outsider", "other_committee"])
async def test_only_the_committee_imports_plots(world: World, people: People, who: str) -> None:
    with pytest.raises(NotAllowed):
        await services.import_plots(
            as_actor(getattr(people, who)),
            world.community.id,
            HEADER + "花坛,flowerbed\n",
            now=now(),
        )
    assert await Plot.all().count() == 0
    assert await plot_actions() == []


async def test_a_spreadsheet_with_a_bad_line_imports_nothing(world: World, people: People) -> None:
    text = "name,kind,area_m2\n花坛,flowerbed,3\n花墙,wall,4\n树池,tree_pit,0\n花箱,planter,\n"
    with pytest.raises(ImportRefused) as caught:
        await services.import_plots(as_actor(people.committee), world.community.id, text, now=now())
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (3, "Please choose what kind of plot this is."),
        (4, "Please give the size in whole square metres."),
    ]
    assert await Plot.all().count() == 0
    assert await plot_actions() == []


async def test_a_name_already_in_the_community_imports_nothing(
    world: World, people: People
) -> None:
    await new_plot(world, people, "花坛")
    text = "name,kind\n花墙,flower_wall\n花坛,flowerbed\n"
    with pytest.raises(ImportRefused) as caught:
        await services.import_plots(as_actor(people.committee), world.community.id, text, now=now())
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (3, "This community already has a plot with that name.")
    ]
    assert [p.name for p in await Plot.all()] == ["花坛"]
    assert await plot_actions() == ["plots.create"]


async def test_a_taken_name_after_a_bad_line_is_reported_on_its_own_line(
    world: World, people: People
) -> None:
    await new_plot(world, people, "花坛")
    text = "name,kind\n花墙,wall\n花坛,flowerbed\n树池,tree_pit\n"
    with pytest.raises(ImportRefused) as caught:
        await services.import_plots(as_actor(people.committee), world.community.id, text, now=now())
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (2, "Please choose what kind of plot this is."),
        (3, "This community already has a plot with that name."),
    ]
    assert await Plot.all().count() == 1


async def test_a_name_used_in_another_community_may_be_imported(
    world: World, people: People
) -> None:
    await services.create_plot(
        as_actor(people.other_committee), world.other.id, PlotInput("花坛", "flowerbed"), now=now()
    )
    count = await services.import_plots(
        as_actor(people.committee), world.community.id, "name,kind\n花坛,flowerbed\n", now=now()
    )
    assert count == 1
    assert await Plot.filter(community_id=world.community.id, name="花坛").exists()


async def test_a_spreadsheet_without_name_and_kind_columns_imports_nothing(
    world: World, people: People
) -> None:
    with pytest.raises(ImportRefused) as caught:
        await services.import_plots(
            as_actor(people.committee), world.community.id, "名称,类型\n花坛,flowerbed\n", now=now()
        )
    assert [p.line for p in caught.value.problems] == [1]
    assert await Plot.all().count() == 0


async def test_hostile_spreadsheet_text_is_stored_as_text(world: World, people: People) -> None:
    quoted = HOSTILE.replace('"', '""')
    text = f'name,kind,care_needs\n"{quoted}",other,"=cmd|\' /C calc\'!A0"\n'
    await services.import_plots(as_actor(people.committee), world.community.id, text, now=now())
    stored = await Plot.get(community_id=world.community.id)
    assert stored.name == HOSTILE
    assert stored.care_needs == "=cmd|' /C calc'!A0"


# --- editing and status --------------------------------------------------------------------------


async def test_the_committee_edits_a_plot_with_one_audit_row(world: World, people: People) -> None:
    plot = await new_plot(world, people, "花坛")
    edited = await services.edit_plot(
        as_actor(people.committee),
        world.community.id,
        plot.id,
        PlotInput(name="大花坛", kind="pocket_garden", area_m2="30"),
        now=now() + timedelta(minutes=1),
    )
    assert (edited.name, edited.kind, edited.area_m2) == ("大花坛", "pocket_garden", 30)
    assert edited.updated_at > plot.updated_at
    [entry] = await audit("plots.edit")
    assert entry.target == f"plot:{plot.id}"
    assert entry.before is not None and entry.after is not None
    assert (entry.before["name"], entry.after["name"]) == ("花坛", "大花坛")
    assert await plot_actions() == ["plots.create", "plots.edit"]


async def test_editing_to_a_taken_name_is_refused(world: World, people: People) -> None:
    await new_plot(world, people, "花坛")
    other = await new_plot(world, people, "花墙")
    with pytest.raises(Invalid) as caught:
        await services.edit_plot(
            as_actor(people.committee),
            world.community.id,
            other.id,
            PlotInput(name="花坛", kind="flowerbed"),
            now=now(),
        )
    assert caught.value.field == "name"
    assert (await Plot.get(id=other.id)).name == "花墙"
    assert await AuditEntry.filter(action="plots.edit").count() == 0


@pytest.mark.parametrize("who", ["resident", "newcomer", "outsider", "other_committee"])
async def test_only_the_committee_edits_and_rests_plots(
    world: World, people: People, who: str
) -> None:
    plot = await new_plot(world, people, "花坛")
    actor = as_actor(getattr(people, who))
    with pytest.raises(NotAllowed):
        await services.edit_plot(
            actor, world.community.id, plot.id, PlotInput("改名", "flowerbed"), now=now()
        )
    with pytest.raises(NotAllowed):
        await services.set_plot_status(actor, world.community.id, plot.id, "resting", now=now())
    stored = await Plot.get(id=plot.id)
    assert (stored.name, stored.status) == ("花坛", "available")
    assert await plot_actions() == ["plots.create"]


async def test_another_communitys_plot_is_not_found(world: World, people: People) -> None:
    foreign = await services.create_plot(
        as_actor(people.other_committee), world.other.id, PlotInput("花坛", "flowerbed"), now=now()
    )
    committee = as_actor(people.committee)
    with pytest.raises(NotFound):
        await queries.community_plot(world.community.id, foreign.id)
    with pytest.raises(NotFound):
        await services.edit_plot(
            committee, world.community.id, foreign.id, PlotInput("改名", "other"), now=now()
        )
    with pytest.raises(NotFound):
        await services.set_plot_status(
            committee, world.community.id, foreign.id, "retired", now=now()
        )
    stored = await Plot.get(id=foreign.id)
    assert (stored.name, stored.status) == ("花坛", "available")


async def test_a_plot_rests_retires_and_comes_back_each_audited(
    world: World, people: People
) -> None:
    plot = await new_plot(world, people)
    committee = as_actor(people.committee)
    for status in ("resting", "available", "retired", "available"):
        changed = await services.set_plot_status(
            committee, world.community.id, plot.id, status, now=now()
        )
        assert changed.status == status
    entries = await audit("plots.set_status")
    assert [(e.before, e.after) for e in entries] == [
        ({"status": "available"}, {"status": "resting"}),
        ({"status": "resting"}, {"status": "available"}),
        ({"status": "available"}, {"status": "retired"}),
        ({"status": "retired"}, {"status": "available"}),
    ]


@pytest.mark.parametrize("status", ["adopted", "requested", "gone", ""])
async def test_adoption_statuses_cannot_be_set_by_hand(
    world: World, people: People, status: str
) -> None:
    plot = await new_plot(world, people)
    with pytest.raises(Invalid):
        await services.set_plot_status(
            as_actor(people.committee), world.community.id, plot.id, status, now=now()
        )
    assert (await Plot.get(id=plot.id)).status == "available"
    assert await AuditEntry.filter(action="plots.set_status").count() == 0


@pytest.mark.parametrize("status", ["resting", "retired"])
async def test_an_adopted_plot_cannot_rest_or_retire(
    world: World, people: People, status: str
) -> None:
    plot = await new_plot(world, people)
    [leader] = await make_neighbours(world.community.id, ["队长"], ["1栋101"])
    team = await teams.found_team(
        as_actor(leader), world.community.id, TeamInput(name="花友队"), now=now()
    )
    request = await adoption.request_adoption(
        as_actor(leader), world.community.id, plot.id, team.id, 6, now=now()
    )
    await adoption.decide_adoption(
        as_actor(people.committee), world.community.id, request.id, True, "", now=now()
    )
    with pytest.raises(Invalid):
        await services.set_plot_status(
            as_actor(people.committee), world.community.id, plot.id, status, now=now()
        )
    assert (await Plot.get(id=plot.id)).status == "adopted"
    assert await AuditEntry.filter(action="plots.set_status").count() == 0
