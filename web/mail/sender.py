"""Sending the outbox: each claimed mail rendered in its recipient's language from
templates/mail/ (a plain-text and an HTML part), sent over SMTP (``HUAKAI_SMTP_URL``), marked
sent, or retried later. Without an SMTP URL nothing is sent and mails wait in the outbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import smtplib
import ssl
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from urllib.parse import unquote, urlsplit

import jinja2

from participation.mail import outbox
from participation.mail.models import OutboxMessage
from web.core import i18n
from web.core.paths import TEMPLATES_DIR
from web.core.settings import Settings


def mail_templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "mail" / "messages"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    return env


def compose(env: jinja2.Environment, settings: Settings, mail: OutboxMessage) -> EmailMessage:
    """The mail as its recipient reads it: subject, text and HTML in their language."""
    token = i18n.set_locale(mail.locale if mail.locale in i18n.HTML_LANG else "zh_Hans")
    try:
        context = {**mail.params, "base_url": settings.base_url}
        subject = env.get_template(f"{mail.kind}.subject.txt").render(context).strip()
        text = env.get_template(f"{mail.kind}.txt").render(context)
        html = env.get_template(f"{mail.kind}.html").render(context)
    finally:
        i18n.reset_locale(token)
    message = EmailMessage()
    # Header values come from our templates and a checked address: no line break gets in.
    message["Subject"] = " ".join(subject.split())
    message["From"] = settings.mail_from
    message["To"] = formataddr(("", mail.to_address))
    host = urlsplit(settings.base_url).hostname or "localhost"
    message["Message-ID"] = f"<{mail.message_id}@{host}>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _deliver(url: str, message: EmailMessage) -> None:
    """One SMTP session: ``smtp://`` (STARTTLS when the server offers it), ``smtps://`` (TLS
    from the start); user and password in the URL when the server wants them."""
    parts = urlsplit(url)
    host, port = parts.hostname or "localhost", parts.port
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(host, port or 465, timeout=30, context=context)
    else:
        client = smtplib.SMTP(host, port or 25, timeout=30)
    with client:
        if parts.scheme == "smtp" and client.has_extn("starttls"):
            client.starttls(context=context)
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message, from_addr=parseaddr(message["From"])[1])


async def send_due(settings: Settings, now: datetime, env: jinja2.Environment | None = None) -> int:
    """Sends what is due; returns how many were sent."""
    if not settings.smtp_url:
        return 0
    env = env or mail_templates()
    sent = 0
    for mail in await outbox.claim(now):
        try:
            message = compose(env, settings, mail)
            await asyncio.to_thread(_deliver, settings.smtp_url, message)
        except (
            OSError,
            smtplib.SMTPException,
            jinja2.TemplateError,
            LookupError,
            ValueError,
        ) as exc:
            # refused, unreachable, or a mail that cannot be rendered: later, or given up
            await outbox.mark_failed(mail, f"{type(exc).__name__}: {exc}", now)
            continue
        await outbox.mark_sent(mail.id, now)
        sent += 1
    return sent


EVERY_SECONDS = 30
log = logging.getLogger("huakai.mail")


@asynccontextmanager
async def sending(settings: Settings, clock: Callable[[], datetime]) -> AsyncIterator[None]:
    """While the app serves: the outbox sent every half minute (with an SMTP URL)."""
    if not settings.smtp_url:
        yield
        return

    async def every() -> None:
        while True:
            try:
                await send_due(settings, clock())
            except Exception:  # a bad mail or a database hiccup must not stop the loop
                log.exception("sending mail failed")
            await asyncio.sleep(EVERY_SECONDS)

    task = asyncio.create_task(every())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
