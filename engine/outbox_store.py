"""Tables of the mail outbox (engine/notify.py writes, engine/outbox.py delivers).

A mail row is written in the same transaction as the case change that causes it, so a mail is never
sent for a change that rolled back and never lost for one that committed. `digest_run` makes each
person's daily digest happen once per local day, however many workers run.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .store import Base, UTCDateTime

# Row states: queued (waiting to be sent, or retried after a failure), sending (claimed by a worker
# until claimed_until), sent, digest (held for the recipient's daily digest), no_address (the user
# has no email address: kept for admins to see), digested (went out inside a digest), failed (gave up
# after MAX_ATTEMPTS; kept).
STATES = ("queued", "sending", "sent", "digest", "digested", "no_address", "failed")


class OutboxMail(Base):
    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    jurisdiction: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(128), index=True)
    to_addr: Mapped[str | None] = mapped_column(String(254))
    case_id: Mapped[int | None] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(256))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim: Mapped[str | None] = mapped_column(String(36))
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)


class DigestRun(Base):
    """One row per person and local day whose digest was composed (the unique key is the once-only guard)."""

    __tablename__ = "digest_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recipient: Mapped[str] = mapped_column(String(128))
    day: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("recipient", "day", name="uq_digest_run_recipient_day"),)


class UserAudit(Base):
    """Who changed which user, when and how (engine/user_admin.py); never a password or token."""

    __tablename__ = "user_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(128))
    user_name: Mapped[str] = mapped_column(String(128), index=True)
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict] = mapped_column(JSON)
