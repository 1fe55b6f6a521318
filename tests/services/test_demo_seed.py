from __future__ import annotations

from pathlib import Path

from participation.demo_seed import seed_demo
from participation.media.models import ProposalPhoto
from participation.media.storage import LocalStorage
from participation.proposals.models import Proposal, ProposalEvent
from participation.proposals.rules import Status
from tests.support import now


async def test_demo_shows_every_state_and_seeding_twice_adds_nothing(
    database: str, tmp_path: Path
) -> None:
    storage = LocalStorage(tmp_path)
    facts = await seed_demo("demo", now(), storage)
    statuses = set(await Proposal.all().values_list("status", flat=True))
    assert statuses == {s.value for s in Status}
    assert await ProposalPhoto.all().count() >= 3
    assert any(tmp_path.rglob("*.webp"))
    count, events = await Proposal.all().count(), await ProposalEvent.all().count()
    again = await seed_demo("demo", now(), storage)
    assert (await Proposal.all().count(), await ProposalEvent.all().count()) == (count, events)
    assert again.unused_code != facts.unused_code
