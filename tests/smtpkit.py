"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what arrives, for the mail tests.

    from smtpkit import smtp_fixture  # noqa: F401 - registers the `smtp` fixture

    def test_x(smtp):              # a running server; smtp.url for RAFLOW_MAIL_URL
        ...
        assert smtp.messages[0]["Subject"] == ...
"""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailCatcher:
    """Collects every message delivered to it; `stop()` / `start()` to play a server that is down."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages = []
        self._lock = threading.Lock()
        self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's handler hook name
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(msg)
        return "250 OK"

    def start(self) -> MailCatcher:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    def text(self, msg) -> str:
        return msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


@pytest.fixture(name="smtp")
def smtp_fixture(monkeypatch):
    catcher = MailCatcher().start()
    monkeypatch.setenv("RAFLOW_MAIL_URL", catcher.url)
    monkeypatch.setenv("RAFLOW_MAIL_FROM", "ra-office@example.gov")
    monkeypatch.setenv("RAFLOW_BASE_URL", "https://ra.example.gov")
    yield catcher
    catcher.stop()
