"""A real SMTP server on loopback (aiosmtpd) that keeps every message it is sent."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class SmtpInbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.peers: list[object] = []  # the client's address each message came from (a connection)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        raw = envelope.content  # type: ignore[attr-defined]
        self.messages.append(message_from_bytes(raw, policy=policy.default))
        self.peers.append(session.peer)  # type: ignore[attr-defined]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def link(self, address: str) -> str:
        """The one link in the last message to `address`."""
        body = self.to(address)[-1].get_content()
        [found] = re.findall(r"https?://\S+", body)
        return str(found)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpInbox]:
    """Emails of the test go through this server (the environment the mail settings read)."""
    port = free_port()
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    monkeypatch.setenv("APP_BASE_URL", "http://biliktilik.test")
    yield inbox
    controller.stop()
