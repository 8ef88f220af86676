"""The ORM classes of the core tables (engine.tables) and the database handle (engine.database).

Each class but Document maps a Core table of engine.tables; code that loads, changes or adds rows as
objects uses these, code that only selects columns may use the tables and a Core connection instead.
Document is still declared here: no Core-only reader needs it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from . import tables
from .database import DEFAULT_URL, Database, database_url  # noqa: F401 - the handle, where it always was
from .tables import CompressedText, UTCDateTime  # noqa: F401 - the column types, where they always were


class Base(DeclarativeBase):
    metadata = tables.metadata


class DefinitionVersion(Base):
    __table__ = tables.definition_version


class User(Base):
    __table__ = tables.app_user


class Case(Base):
    __table__ = tables.ra_case


class Task(Base):
    """An open human task (READY user task) of a case."""

    __table__ = tables.task


class Timer(Base):
    """A waiting timer event; the worker finds due ones through the fire_at index."""

    __table__ = tables.timer


class Event(Base):
    """Append-only case history: who did what, when."""

    __table__ = tables.event


def case_id_of(value) -> int | None:
    """A case id from untrusted input (URL, CLI), or None: ids are positive 32-bit integers on every database."""
    try:
        wanted = int(value)
    except (TypeError, ValueError):
        return None
    return wanted if 0 < wanted < 2**31 else None


class Document(Base):
    """A file kept in a case's RA file (Navy 1-4). The bytes live outside the web root under a random
    storage name; this row holds who uploaded it and its type (medical documents are need-to-know)."""

    __tablename__ = "document"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ra_case.id", ondelete="CASCADE"), index=True)
    doc_type: Mapped[str] = mapped_column(String(64))
    medical: Mapped[bool] = mapped_column(Boolean)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_name: Mapped[str] = mapped_column(String(128), unique=True)
    uploaded_by: Mapped[str] = mapped_column(String(128))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
