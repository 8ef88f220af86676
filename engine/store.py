"""SQLAlchemy 2.x models and the database handle.

A case row holds its workflow serialized with the spec by reference; the projections (open tasks,
timers, events, the case summary) are written in the same transaction so every query is cheap
and never needs to deserialize a workflow. `ra_case.version` gives optimistic concurrency.
"""

from __future__ import annotations

import os
import zlib
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    create_engine,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

DEFAULT_URL = "sqlite:///instance/raflow.db"


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC in Python; naive UTC in SQLite (which has no zones), timestamptz in PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class CompressedText(TypeDecorator):
    """Text kept zlib-compressed (a serialized workflow shrinks about 6x: a case at its first step fits
    in a few KB instead of 20); Python code reads and writes plain str."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else zlib.compress(value.encode("utf-8"), 6)

    def process_result_value(self, value, dialect):
        return None if value is None else zlib.decompress(value).decode("utf-8")


class Base(DeclarativeBase):
    pass


class DefinitionVersion(Base):
    __tablename__ = "definition_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    jurisdiction: Mapped[str] = mapped_column(String(64), index=True)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deployed_by: Mapped[str | None] = mapped_column(String(128))
    bundle: Mapped[dict] = mapped_column(JSON)


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    display_name: Mapped[str] = mapped_column(String(256))
    jurisdiction: Mapped[str] = mapped_column(String(64), index=True)
    roles: Mapped[list] = mapped_column(JSON)
    password_hash: Mapped[str | None] = mapped_column(String(256))
    token_hash: Mapped[str | None] = mapped_column(String(128), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # deactivated: no sign-in, no token
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)  # `raflow demo` account, refused in production
    email: Mapped[str | None] = mapped_column(String(254))  # where notifications go (engine/notify.py)
    mail_digest: Mapped[bool] = mapped_column(Boolean, default=False)  # queue/assignment mail in the daily digest
    requester_type: Mapped[str | None] = mapped_column(String(16))  # employee | applicant (engine/accounts.py)


class Case(Base):
    __tablename__ = "ra_case"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    jurisdiction: Mapped[str] = mapped_column(String(64), index=True)
    process_id: Mapped[str] = mapped_column(String(128))
    definition_id: Mapped[int] = mapped_column(ForeignKey("definition_version.id"))
    status: Mapped[str] = mapped_column(String(32), index=True)
    requester: Mapped[str] = mapped_column(String(128), index=True)
    started_by: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[dict] = mapped_column(JSON)
    workflow: Mapped[str] = mapped_column(CompressedText)
    version: Mapped[int] = mapped_column(Integer)
    # The instant the case becomes overdue (its nearest open-step or running-clock deadline), kept by
    # engine.projections; NULL when nothing runs (closed, or every clock held). See engine.deadlines.
    next_due: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_case_jurisdiction_status_next_due", "jurisdiction", "status", "next_due"),)


class Task(Base):
    """An open human task (READY user task) of a case."""

    __tablename__ = "task"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ra_case.id", ondelete="CASCADE"), index=True)
    spec_id: Mapped[str] = mapped_column(String(128))
    process_id: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(64))  # no index of its own: a few roles, it misled the planner
    assignee: Mapped[str | None] = mapped_column(String(128), index=True)
    form_key: Mapped[str | None] = mapped_column(String(128))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Copied from the case so the inbox filters and pages on this table alone (engine.inbox).
    jurisdiction: Mapped[str | None] = mapped_column(String(64))
    requester: Mapped[str | None] = mapped_column(String(128))
    search: Mapped[str | None] = mapped_column(Text)  # casefolded case title, step, requester name

    __table_args__ = (
        # Partial (migration 0010); PostgreSQL gets the same predicates when opened: _postgres_partial_indexes.
        Index("ix_task_assignee_due", "assignee", "due_at", "created_at", "id",  # claimed tasks only
              sqlite_where=text("assignee IS NOT NULL")),
        Index("ix_task_queue_due", "jurisdiction", "role", "due_at", "created_at", "id",
              sqlite_where=text("assignee IS NULL")),
        Index("ix_task_requester_due", "requester", "due_at", "created_at", "id",
              sqlite_where=text("assignee IS NULL")),
        Index("ix_task_case_role", "case_id", "role"),
    )


class Timer(Base):
    """A waiting timer event; the worker finds due ones through the fire_at index."""

    __tablename__ = "timer"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ra_case.id", ondelete="CASCADE"), index=True)
    spec_id: Mapped[str] = mapped_column(String(128))
    fire_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    interrupting: Mapped[bool] = mapped_column(Boolean)


class Event(Base):
    """Append-only case history: who did what, when."""

    __tablename__ = "event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ra_case.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(64))
    task_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[dict] = mapped_column(JSON)

    __table_args__ = (Index("ix_event_case_at", "case_id", "id"), Index("ix_event_case_actor", "case_id", "actor"))


def case_id_of(value) -> int | None:
    """A case id from untrusted input (URL, CLI), or None: ids are positive 32-bit integers on every database."""
    try:
        wanted = int(value)
    except (TypeError, ValueError):
        return None
    return wanted if 0 < wanted < 2**31 else None


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("RAFLOW_DATABASE_URL") or DEFAULT_URL


class Database:
    """The engine and session factory for one database URL."""

    def __init__(self, url: str | None = None):
        self.url = database_url(url)
        if self.url.startswith("postgresql://"):
            self.url = "postgresql+psycopg://" + self.url[len("postgresql://"):]
        if self.url.startswith("sqlite:///") and not self.url.startswith("sqlite:///:memory:"):
            Path(self.url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        if self.is_postgres:
            _postgres_partial_indexes()
        self.engine = create_engine(self.url, future=True, pool_pre_ping=not self.is_sqlite)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql")

    @contextmanager
    def transaction(self):
        """One unit of work: commit on success, roll back everything on any exception."""
        with Session(self.engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def init_schema(self) -> None:
        """Create or upgrade the schema with Alembic (the migration is the only schema source)."""
        from .migrate import upgrade

        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def _postgres_partial_indexes() -> None:
    """Give the models' partial indexes their predicate for PostgreSQL too. Set here, not as
    `postgresql_where=` in the models: naming it there imports SQLAlchemy's PostgreSQL dialect (50 ms)
    into every CLI command, also on SQLite (`raflow task list`, issue 9)."""
    for index in Task.__table__.indexes:
        where = index.dialect_options["sqlite"]["where"]
        if where is not None:
            index.dialect_options["postgresql"]["where"] = where


def _sqlite_pragmas(dbapi_connection, _record):
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


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
