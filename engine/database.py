"""The database handle: the engine for one URL, ORM sessions for units of work, Core connections for
readers that never load the ORM (`raflow task list`, issue 9)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event

from .tables import task

DEFAULT_URL = "sqlite:///instance/raflow.db"


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
        from sqlalchemy.orm import Session  # the ORM, only for what writes or loads objects

        with Session(self.engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    @contextmanager
    def reading(self):
        """A Core connection in one transaction, for queries that select columns (no ORM objects)."""
        with self.engine.begin() as connection:
            yield connection

    def init_schema(self) -> None:
        """Create or upgrade the schema with Alembic (the migration is the only schema source)."""
        from .migrate import upgrade

        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def connection_of(executor):
    """The Core connection under an ORM session (a select of columns then skips the ORM's bookkeeping), or
    the Core connection it already is (Database.reading)."""
    return executor.connection() if hasattr(executor, "get_bind") else executor


def dialect_of(executor) -> str:
    """The database's dialect name, for an ORM session or a Core connection."""
    return connection_of(executor).dialect.name


def _postgres_partial_indexes() -> None:
    """Give the task table's partial indexes their predicate for PostgreSQL too. Set here, not as
    `postgresql_where=` in the table: naming it there imports SQLAlchemy's PostgreSQL dialect (50 ms)
    into every CLI command, also on SQLite (`raflow task list`, issue 9)."""
    for index in task.indexes:
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
