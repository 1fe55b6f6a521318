"""The committee prints household codes, approves a residency request and names a volunteer."""

from __future__ import annotations

from playwright.sync_api import Dialog, Page, expect

from tests.browser.support import (
    CODE_RE,
    LiveServer,
    OpenPage,
    assert_accessible,
    sign_in,
    zh,
)
from tests.factories import COMMITTEE, COMMUNITY_NAME, COMMUNITY_SLUG
from tests.support import HOSTILE

NEW_HOUSEHOLDS = ["7栋1单元101", "7栋1单元102"]
RESIDENT = "赵大妈"
RESIDENT_HOUSEHOLD = "8栋2单元303"


def refuse_dialogs(page: Page) -> None:
    """Hostile text that ran as script would open a dialog: that fails the test."""

    def fail(dialog: Dialog) -> None:
        dialog.dismiss()
        raise AssertionError(f"a script ran: {dialog.message}")

    page.on("dialog", fail)


def committee_nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name=zh("Committee tools")).get_by_role(
        "link", name=name, exact=True
    ).click()


def print_codes(committee: Page) -> None:
    committee.get_by_role("link", name=zh("Household codes"), exact=True).click()
    expect(committee.get_by_role("heading", level=1)).to_have_text(
        f"{zh('Household codes')} · {COMMUNITY_NAME}"
    )
    assert_accessible(committee)

    committee.get_by_label(zh("Households (e.g. 3栋2单元501)")).fill(
        "\n".join(NEW_HOUSEHOLDS) + "\n\n"
    )
    committee.get_by_role("button", name=zh("Create codes and open the print sheet")).click()
    expect(committee.get_by_role("heading", level=1)).to_have_text(
        f"{zh('Household code slips')} · {COMMUNITY_NAME}"
    )
    slips = committee.locator("ul.slips > li")
    expect(slips).to_have_count(2)
    for slip, household in zip(slips.all(), NEW_HOUSEHOLDS, strict=True):
        expect(slip.locator(".slip-household")).to_have_text(household)
        code = slip.locator(".slip-code code").inner_text()
        assert CODE_RE.match(code), code
    assert_accessible(committee)

    committee.get_by_role("link", name=zh("Back to household codes")).click()
    for household in NEW_HOUSEHOLDS:
        row = committee.get_by_role("row").filter(has_text=household)
        expect(row.get_by_role("cell", name=zh("Unused"), exact=True)).to_be_visible()
    assert_accessible(committee)


def ask_for_verification(resident: Page) -> None:
    resident.get_by_role("button", name=zh("I live here: join this community")).click()
    resident.get_by_label(zh("Building, unit and room (e.g. 3栋2单元501)")).fill(RESIDENT_HOUSEHOLD)
    resident.get_by_label(zh("A note for the committee (optional)")).fill(HOSTILE)
    resident.get_by_role("button", name=zh("Ask the committee to verify me")).click()
    expect(resident.get_by_role("status")).to_have_text(
        zh("Your request was sent to the committee.")
    )
    expect(resident.get_by_text(zh("Your request is waiting for the committee."))).to_be_visible()
    assert_accessible(resident)


def approve_request(committee: Page) -> None:
    committee_nav(committee, zh("Residency requests"))
    request = committee.get_by_role("article").filter(
        has=committee.get_by_role("heading", name=f"{RESIDENT} · {RESIDENT_HOUSEHOLD}")
    )
    expect(request.locator(".note")).to_have_text(HOSTILE)
    assert_accessible(committee)

    reject_without_reason(committee)
    expect(committee.get_by_role("alert")).to_have_text(zh("Please give the resident a reason."))
    assert_accessible(committee)

    request.get_by_role("button", name=f"{zh('Approve')} {RESIDENT}", exact=True).click()
    expect(committee.get_by_role("status")).to_have_text(zh("Decision saved."))
    expect(committee.get_by_text(zh("No requests are waiting."))).to_be_visible()
    assert_accessible(committee)


def reject_without_reason(committee: Page) -> None:
    request = committee.get_by_role("article").filter(has_text=RESIDENT)
    request.get_by_role("button", name=f"{zh('Reject')} {RESIDENT}", exact=True).click()


def make_volunteer(committee: Page) -> None:
    committee_nav(committee, zh("Members and roles"))
    row = committee.get_by_role("row").filter(has_text=RESIDENT)
    expect(row.get_by_role("cell", name=zh("Verified"), exact=True)).to_be_visible()
    assert_accessible(committee)
    volunteer = zh("Volunteer")
    row.get_by_role("button", name=zh("Make %(role)s", role=volunteer)).click()
    expect(committee.get_by_role("status")).to_have_text(zh("Roles updated."))
    row = committee.get_by_role("row").filter(has_text=RESIDENT)
    expect(row.get_by_role("button", name=zh("Remove %(role)s", role=volunteer))).to_be_visible()
    assert_accessible(committee)


def test_committee_prints_codes_approves_a_request_and_names_a_volunteer(
    open_page: OpenPage, live_server: LiveServer
) -> None:
    community = f"/c/{COMMUNITY_SLUG}"
    committee = open_page()
    resident = open_page()
    refuse_dialogs(committee)
    refuse_dialogs(resident)

    committee.goto(community)
    sign_in(committee, COMMITTEE.subject, shown_as=COMMITTEE.name)
    expect(committee.get_by_role("heading", name=zh("Committee tools"))).to_be_visible()
    assert_accessible(committee)
    print_codes(committee)

    resident.goto(community)
    sign_in(resident, RESIDENT, axe=False)
    ask_for_verification(resident)

    approve_request(committee)

    resident.reload()
    expect(resident.get_by_text(zh("You are a verified resident."))).to_contain_text(
        RESIDENT_HOUSEHOLD
    )
    assert_accessible(resident)

    make_volunteer(committee)


def test_a_refused_decision_leaves_a_page_that_can_be_reloaded(
    open_page: OpenPage, live_server: LiveServer
) -> None:
    community = f"/c/{COMMUNITY_SLUG}"
    resident = open_page()
    resident.goto(community)
    sign_in(resident, RESIDENT, axe=False)
    ask_for_verification(resident)

    committee = open_page()
    committee.goto(community)
    sign_in(committee, COMMITTEE.subject, shown_as=COMMITTEE.name, axe=False)
    committee.get_by_role("link", name=zh("Residency requests"), exact=True).click()
    reject_without_reason(committee)
    expect(committee.get_by_role("alert")).to_have_text(zh("Please give the resident a reason."))

    response = committee.reload()
    assert response is not None and response.status == 200, committee.url
    expect(committee.get_by_role("heading", level=1)).to_have_text(
        f"{zh('Residency requests')} · {COMMUNITY_NAME}"
    )
