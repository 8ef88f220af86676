"""The core tables in SQLAlchemy Core: definitions, users, cases, open tasks, timers, history.

A case row holds its workflow serialized with the spec by reference; the projections (open tasks,
timers, events, the case summary) are written in the same transaction so every query is cheap
and never needs to deserialize a workflow. `ra_case.version` gives optimistic concurrency.

Why Core and not ORM classes here: a command that only reads (`raflow task list`) then runs on
SQLAlchemy Core alone and never imports the ORM, a third of its start-up (issue 9). engine.store maps
its ORM classes onto these same tables; the other concerns' tables share `metadata` (engine.schema).
"""

from __future__ import annotations

import zlib
from datetime import UTC

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData()


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


def _required(name: str, type_, *args, **kw) -> Column:
    return Column(name, type_, *args, nullable=False, **kw)


def _case_ref(**kw) -> Column:
    return _required("case_id", Integer, ForeignKey("ra_case.id", ondelete="CASCADE"), **kw)


definition_version = Table(
    "definition_version", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _required("content_hash", String(64), unique=True),
    _required("jurisdiction", String(64), index=True),
    _required("deployed_at", UTCDateTime),
    Column("deployed_by", String(128)),
    _required("bundle", JSON),
)

app_user = Table(
    "app_user", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _required("name", String(128), unique=True),
    _required("display_name", String(256)),
    _required("jurisdiction", String(64), index=True),
    _required("roles", JSON),
    Column("password_hash", String(256)),
    Column("token_hash", String(128), index=True),
    _required("created_at", UTCDateTime),
    Column("disabled_at", UTCDateTime),  # deactivated: no sign-in, no token
    _required("is_demo", Boolean, default=False),  # `raflow demo` account, refused in production
    Column("email", String(254)),  # where notifications go (engine/notify.py)
    _required("mail_digest", Boolean, default=False),  # queue/assignment mail in the daily digest
    Column("requester_type", String(16)),  # employee | applicant (engine/accounts.py)
)

ra_case = Table(
    "ra_case", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _required("jurisdiction", String(64), index=True),
    _required("process_id", String(128)),
    _required("definition_id", Integer, ForeignKey("definition_version.id")),
    _required("status", String(32), index=True),
    _required("requester", String(128), index=True),
    _required("started_by", String(128)),
    _required("title", String(256)),
    _required("created_at", UTCDateTime),
    _required("updated_at", UTCDateTime),
    Column("closed_at", UTCDateTime),
    _required("summary", JSON),
    _required("workflow", CompressedText),
    _required("version", Integer),
    # The instant the case becomes overdue (its nearest open-step or running-clock deadline), kept by
    # engine.projections; NULL when nothing runs (closed, or every clock held). See engine.deadlines.
    Column("next_due", UTCDateTime),
    Index("ix_case_jurisdiction_status_next_due", "jurisdiction", "status", "next_due"),
)

task = Table(  # an open human task (READY user task) of a case
    "task", metadata,
    Column("id", String(36), primary_key=True),
    _case_ref(index=True),
    _required("spec_id", String(128)),
    _required("process_id", String(128)),
    _required("title", String(256)),
    _required("role", String(64)),  # no index of its own: a few roles, it misled the planner
    Column("assignee", String(128), index=True),
    Column("form_key", String(128)),
    Column("due_at", UTCDateTime),
    _required("created_at", UTCDateTime),
    # Copied from the case so the inbox filters and pages on this table alone (engine.inbox).
    Column("jurisdiction", String(64)),
    Column("requester", String(128)),
    Column("search", Text),  # casefolded case title, step, requester name
    # Partial (migration 0010); PostgreSQL gets the same predicates when opened (engine.database).
    Index("ix_task_assignee_due", "assignee", "due_at", "created_at", "id",  # claimed tasks only
          sqlite_where=text("assignee IS NOT NULL")),
    Index("ix_task_queue_due", "jurisdiction", "role", "due_at", "created_at", "id",
          sqlite_where=text("assignee IS NULL")),
    Index("ix_task_requester_due", "requester", "due_at", "created_at", "id",
          sqlite_where=text("assignee IS NULL")),
    Index("ix_task_case_role", "case_id", "role"),
)

timer = Table(  # a waiting timer event; the worker finds due ones through the fire_at index
    "timer", metadata,
    Column("id", String(36), primary_key=True),
    _case_ref(index=True),
    _required("spec_id", String(128)),
    _required("fire_at", UTCDateTime, index=True),
    _required("interrupting", Boolean),
)

event = Table(  # append-only case history: who did what, when
    "event", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _case_ref(),
    _required("at", UTCDateTime),
    _required("actor", String(128)),
    _required("kind", String(64)),
    Column("task_id", String(36)),
    _required("detail", JSON),
    Index("ix_event_case_at", "case_id", "id"),
    Index("ix_event_case_actor", "case_id", "actor"),
)
