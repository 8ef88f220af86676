"""The `letter` table: issued letters, immutable once written (a correction is a new row).

The HTML and PDF bytes are kept in the row itself, written in the same transaction as the case, so a
letter is issued together with the step that issues it or not at all; `sha256` is the PDF's hash.
A corrected letter points to the one it supersedes; the old row only gains `superseded_by`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .store import Base, UTCDateTime


class Letter(Base):
    __tablename__ = "letter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ra_case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(256))
    version: Mapped[int] = mapped_column(Integer)
    letter_date: Mapped[str] = mapped_column(String(10))
    dates: Mapped[dict] = mapped_column(JSON)
    medical: Mapped[bool] = mapped_column(Boolean)
    task_id: Mapped[str | None] = mapped_column(String(36))
    spec_id: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(64))
    fields: Mapped[dict] = mapped_column(JSON)
    issued_by: Mapped[str] = mapped_column(String(128))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    supersedes_id: Mapped[int | None] = mapped_column(Integer)
    superseded_by: Mapped[int | None] = mapped_column(Integer)
