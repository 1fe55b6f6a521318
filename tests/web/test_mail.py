"""Email through a real SMTP server (aiosmtpd, in this process), on both backends: a resident
adds an address, the confirmation mail arrives (plain text and HTML, in her language, with a
Message-ID), its link confirms the address; a refusing server is retried with back-off, then
given up; a sender that died between claiming and sending is taken over after the lease, the
mail sent once more under the same Message-ID; an address that would add a header is refused."""

from __future__ import annotations

import dataclasses
import re
import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.applications import Starlette

from participation.mail import outbox
from participation.mail.models import EmailAddress, OutboxMessage
from tests.support import login, make_committee, make_world, now, post_form
from web.demo_mail import start_mail_sink
from web.mail.sender import send_due

pytestmark = pytest.mark.both_backends


class Inbox:
    """What the SMTP server received; ``refuse`` makes it answer 550 to every mail."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse:
            return "550 5.7.1 Refused"
        assert isinstance(envelope.content, bytes)
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[str, Inbox]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", inbox
    finally:
        controller.stop()


def with_smtp(app: Starlette, url: str):  # type: ignore[no-untyped-def]
    return dataclasses.replace(app.state.settings, smtp_url=url)


def body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None
    return str(part.get_content())


async def test_an_address_is_confirmed_by_the_link_mailed_to_it(
    app: Starlette,
    client: httpx.AsyncClient,
    smtp: tuple[str, Inbox],
) -> None:
    url, inbox = smtp
    user = await login(client, "mail-resident")
    asked = await post_form(
        client, "/profile/email", {"email": "Tian@Example.ORG"}, token_from="/profile"
    )
    assert asked.status_code == 303
    settings = with_smtp(app, url)
    assert await send_due(settings, now()) == 1
    (mail,) = inbox.messages
    assert mail["To"] == "Tian@example.org"
    assert mail["Subject"] == "确认您在花开的电子邮箱"
    assert re.fullmatch(r"<[0-9a-f]{32}@127\.0\.0\.1>", mail["Message-ID"])
    text, html = body(mail, "plain"), body(mail, "html")
    (link,) = re.findall(r"http://127\.0\.0\.1:8000(/mail/confirm/[\w-]+)", text)
    assert link in html
    assert await send_due(settings, now()) == 0  # sent once
    stored = await EmailAddress.get(user_id=user.id)
    assert stored.confirmed_at is None and link.rsplit("/", 1)[1] not in stored.token_hash

    page = await client.get(link)  # a scanner opening the link confirms nothing
    assert page.status_code == 200
    assert (await EmailAddress.get(user_id=user.id)).confirmed_at is None
    confirmed = await post_form(client, link, token_from=link)
    assert confirmed.status_code == 303
    assert (await EmailAddress.get(user_id=user.id)).confirmed_at is not None
    assert "Tian@example.org" in (await client.get("/profile")).text
    again = await post_form(client, link, token_from=link)  # the link works once
    assert again.status_code == 422

    # Changing the address asks for a new confirmation.
    await post_form(client, "/profile/email", {"email": "new@example.org"}, token_from="/profile")
    changed = await EmailAddress.get(user_id=user.id)
    assert changed.address == "new@example.org" and changed.confirmed_at is None


@pytest.mark.parametrize(
    "address",
    [
        "tian@example.org\r\nBcc: all@example.org",
        "tian@example.org\nBcc: x@y.cn",
        "not an address",
        "a@b",
    ],
)
async def test_an_address_that_would_add_a_header_is_refused(
    client: httpx.AsyncClient, address: str
) -> None:
    await login(client, "mail-hostile")
    await post_form(client, "/profile/email", {"email": address}, token_from="/profile")
    assert await EmailAddress.all().count() == 0 and await OutboxMessage.all().count() == 0


async def test_a_refusing_server_is_retried_then_given_up(
    app: Starlette, client: httpx.AsyncClient, smtp: tuple[str, Inbox]
) -> None:
    url, inbox = smtp
    inbox.refuse = True
    await login(client, "mail-refused")
    await post_form(client, "/profile/email", {"email": "x@example.org"}, token_from="/profile")
    settings = with_smtp(app, url)
    moment = now()
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        assert await send_due(settings, moment) == 0
        mail = await OutboxMessage.get()
        assert mail.attempts == attempt and "Refused" in mail.last_error
        if attempt < outbox.MAX_ATTEMPTS:
            assert mail.status == "queued" and mail.next_attempt_at > moment
            assert await send_due(settings, moment) == 0  # not before its time
            moment = mail.next_attempt_at
    assert (await OutboxMessage.get()).status == "failed"
    inbox.refuse = False
    assert await send_due(settings, moment + timedelta(days=1)) == 0 and inbox.messages == []


async def test_a_sender_killed_after_claiming_is_taken_over_after_the_lease(
    app: Starlette, client: httpx.AsyncClient, smtp: tuple[str, Inbox]
) -> None:
    url, inbox = smtp
    await login(client, "mail-killed")
    await post_form(client, "/profile/email", {"email": "k@example.org"}, token_from="/profile")
    moment = now()
    (claimed,) = await outbox.claim(moment)  # ...and the sender dies here
    settings = with_smtp(app, url)
    assert await send_due(settings, moment + timedelta(minutes=1)) == 0  # still leased
    assert await send_due(settings, moment + outbox.LEASE + timedelta(seconds=1)) == 1
    (mail,) = inbox.messages
    assert mail["Message-ID"].startswith(f"<{claimed.message_id}@")
    assert (await OutboxMessage.get()).status == "sent"


async def test_a_mail_a_sender_stops_on_every_time_is_given_up(
    client: httpx.AsyncClient,
) -> None:
    await login(client, "mail-poison")
    await post_form(client, "/profile/email", {"email": "p@example.org"}, token_from="/profile")
    moment = now()
    for _ in range(outbox.MAX_ATTEMPTS):  # claimed, and the sender dies each time
        assert len(await outbox.claim(moment)) == 1
        moment += outbox.LEASE + timedelta(seconds=1)
    assert await outbox.claim(moment) == []
    mail = await OutboxMessage.get()
    assert (mail.status, mail.last_error) == ("failed", "the sender stopped while sending it")


async def test_the_demos_mail_sink_shows_the_committee_what_was_sent(
    app: Starlette, client: httpx.AsyncClient, browsers: Callable[[], httpx.AsyncClient]
) -> None:
    world = await make_world()
    sink = start_mail_sink()
    app.state.demo_mail = sink
    try:
        await login(client, "mail-newcomer")
        await post_form(client, "/profile/email", {"email": "n@example.org"}, token_from="/profile")
        assert await send_due(with_smtp(app, sink.url), now()) == 1
        committee = browsers()
        await make_committee(world.community, await login(committee, "mail-committee"))
        page = await committee.get("/c/yulin/committee/demo-mail")
        assert page.status_code == 200
        assert "确认您在花开的电子邮箱" in page.text and "n@example.org" in page.text
        resident = browsers()
        await login(resident, "mail-other")
        assert (await resident.get("/c/yulin/committee/demo-mail")).status_code == 403
    finally:
        sink.stop()
