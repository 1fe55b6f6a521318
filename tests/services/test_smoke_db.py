from datetime import UTC, datetime

from participation.accounts.services import sign_in
from participation.communities.services import create_community, issue_household_codes


async def test_codes_are_stored_as_hashes_only(database: str) -> None:
    now = datetime.now(UTC)
    community = await create_community(None, slug="yulin", name="玉林东路社区", now=now)
    await sign_in(provider="demo", subject="a", display_name="A", now=now)
    [issued] = await issue_household_codes(None, community.id, ["1栋101"], now=now)
    from participation.communities.models import HouseholdCode

    stored = await HouseholdCode.all()
    assert len(stored) == 1
    assert issued.code not in stored[0].code_hash
    assert stored[0].hint == issued.code[-2:]
