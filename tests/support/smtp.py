"""A real SMTP server on a free local port (aiosmtpd), for tests that send mail.

The `smtp_server` fixture yields a LocalSMTP: `.host`, `.port`, `.messages` (every message
received, parsed with the default policy), `.envelopes` (sender and recipients as the server saw
them), `.reject` (addresses it refuses with a 550) and `.stop()` / `.start()` to take it down and
bring it back on the same port.
"""
from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@dataclass
class Envelope:
    mail_from: str
    rcpt_tos: list[str]


class Handler:
    """Keeps what arrives; refuses the recipients the test names."""

    def __init__(self, server: "LocalSMTP"):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        if address.lower() in {a.lower() for a in self.server.reject}:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        self.server.envelopes.append(Envelope(envelope.mail_from, list(envelope.rcpt_tos)))
        self.server.messages.append(email.message_from_bytes(envelope.content,
                                                             policy=email.policy.default))
        return "250 Message accepted for delivery"


@dataclass
class LocalSMTP:
    host: str = "127.0.0.1"
    port: int = field(default_factory=free_port)
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Envelope] = field(default_factory=list)
    reject: set[str] = field(default_factory=set)
    controller: Controller | None = None

    def start(self) -> None:
        """Listen (again) on the same port; a stopped controller's loop is closed, so a new one."""
        if self.controller is None:
            self.controller = Controller(Handler(self), hostname=self.host, port=self.port,
                                         ready_timeout=10)
            self.controller.start()

    def stop(self) -> None:
        """Stop listening: connections are refused until start()."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def running(self) -> bool:
        return self.controller is not None


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 and a free port, stopped after the test."""
    server = LocalSMTP()
    server.start()
    try:
        yield server
    finally:
        server.stop()
