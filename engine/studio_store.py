"""Studio tables: a jurisdiction's draft (never live) and the note each publication was made with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .store import Base, UTCDateTime


class StudioDraft(Base):
    """The one draft of a jurisdiction: its whole folder (bundle files plus scenarios) as edited."""

    __tablename__ = "studio_draft"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    jurisdiction: Mapped[str] = mapped_column(String(64), unique=True)
    files: Mapped[dict] = mapped_column(JSON)
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("definition_version.id"))
    created_by: Mapped[str] = mapped_column(String(128))
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Publication(Base):
    """Who published a deployed version from the studio, and why (the note)."""

    __tablename__ = "studio_publication"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("definition_version.id"), unique=True)
    published_by: Mapped[str] = mapped_column(String(128))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text)
