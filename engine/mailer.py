"""Mail delivery settings and the SMTP client (stdlib smtplib: a well-kept, dependency-free client).

RAFLOW_MAIL_URL   smtp://[user:password@]host[:port][?starttls=1]   (no URL: mail stays in the outbox)
RAFLOW_MAIL_FROM  the sender address (default raflow@localhost)
RAFLOW_BASE_URL   where links in mail point (default http://127.0.0.1:5000)
"""

from __future__ import annotations

import email.policy
import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from .errors import RaflowError

DEFAULT_FROM = "raflow@localhost"
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def base_url() -> str:
    return (os.environ.get("RAFLOW_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int
    sender: str
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 10.0

    @classmethod
    def from_url(cls, url: str, sender: str | None = None) -> SmtpMailer:
        parts = urlsplit(url)
        if parts.scheme != "smtp" or not parts.hostname:
            raise RaflowError(f"RAFLOW_MAIL_URL {parts.scheme}://{parts.hostname or ''}... must look like "
                              "smtp://host:port (optionally user:password@ and ?starttls=1)")
        try:
            port = parts.port or 25
        except ValueError:
            raise RaflowError("RAFLOW_MAIL_URL has a port that is not a number from 1 to 65535") from None
        flag = parse_qs(parts.query).get("starttls", ["0"])[0].lower()
        return cls(host=parts.hostname, port=port, sender=sender or DEFAULT_FROM,
                   starttls=flag in ("1", "true", "yes"),
                   user=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None)

    def send(self, to_addr: str, subject: str, body: str, ref: str) -> None:
        """Deliver one message; raises OSError / smtplib.SMTPException when the server refuses or is away."""
        msg = EmailMessage(policy=_POLICY)
        msg["From"], msg["To"], msg["Subject"] = self.sender, to_addr, subject
        msg["Message-ID"] = make_msgid(idstring=ref, domain="raflow")
        msg.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(msg)


# Subjects (at most 200 characters) stay on one line: folded, some readers show a leading space.
_POLICY = email.policy.default.clone(max_line_length=998)


def mailer_from_env() -> SmtpMailer | None:
    """The configured mailer, or None when RAFLOW_MAIL_URL is unset (mail then waits in the outbox)."""
    url = os.environ.get("RAFLOW_MAIL_URL")
    return SmtpMailer.from_url(url, os.environ.get("RAFLOW_MAIL_FROM")) if url else None
