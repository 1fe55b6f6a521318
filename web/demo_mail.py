"""The demo's mail sink: an SMTP server on 127.0.0.1 (aiosmtpd) that keeps what the demo sends,
so that a new user sees mail work without a mail server of their own. The committee reads it
on a demo-only page. Never started outside demo mode or the test suite."""

from __future__ import annotations

import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

KEPT = 200


@dataclass(frozen=True)
class SunkMail:
    received_at: datetime
    to: str
    subject: str
    text: str


@dataclass
class MailSink:
    url: str  # smtp://127.0.0.1:<port>, for HUAKAI_SMTP_URL
    controller: Any
    mails: deque[SunkMail] = field(default_factory=lambda: deque(maxlen=KEPT))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def newest_first(self) -> list[SunkMail]:
        with self.lock:
            return list(reversed(self.mails))

    def stop(self) -> None:
        self.controller.stop()


class _Keep:
    def __init__(self) -> None:
        self.sink: MailSink | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage) and self.sink is not None
        part = parsed.get_body(preferencelist=("plain",))
        mail = SunkMail(
            datetime.now(UTC),
            str(parsed["To"]),
            str(parsed["Subject"]),
            str(part.get_content()) if part is not None else "",
        )
        with self.sink.lock:
            self.sink.mails.append(mail)
        return "250 OK"


def start_mail_sink(port: int = 0, host: str = "127.0.0.1") -> MailSink:
    from aiosmtpd.controller import Controller

    if port == 0:
        with socket.socket() as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
    handler = _Keep()
    controller = Controller(handler, hostname=host, port=port)
    controller.start()
    sink = MailSink(url=f"smtp://{host}:{port}", controller=controller)
    handler.sink = sink
    return sink
