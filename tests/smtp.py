"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 that keeps, refuses or drops messages."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING


class Sink:
    """Keeps what it receives; `answer` makes it refuse messages (e.g. "451 …", "550 …")."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.answer: str | None = None
        self.hang_up = False
        self.outage_after: int | None = None  # messages accepted before the server goes away
        self.sender_answer: str | None = None  # e.g. "550 5.7.1 …": MAIL FROM refused
        self.login_answer: str | None = None  # e.g. "535 5.7.8 …": every login refused

    async def handle_AUTH(self, server: Any, session: Any, envelope: Any, args: list[str]) -> Any:
        return self.login_answer or MISSING  # MISSING: aiosmtpd's own authenticator decides

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, mail_options: list[str]
    ) -> str:
        if self.sender_answer:
            return self.sender_answer
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.outage_after is not None and len(self.messages) >= self.outage_after:
            self.hang_up = True
        if self.hang_up:  # the connection drops after the message, before any answer
            server.transport.close()
            return "421 closing"
        if self.answer:
            return self.answer
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))  # type: ignore[arg-type]
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_sink() -> Iterator[tuple[Sink, int]]:
    """A plain SMTP server on a free port: (its handler, the port)."""
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()
