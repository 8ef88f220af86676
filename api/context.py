"""What a CLI command needs: the database and the cases service, created on first use."""

from __future__ import annotations

import gc
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from functools import cached_property

import click

from engine import clock


class Context:
    """Imports the store and the engine only when a command uses them (CLI start-up stays fast)."""

    def __init__(self, database_url_option: str | None = None):
        self._option = database_url_option
        clock.set_clock(clock.clock_from_env())

    @cached_property
    def database_url(self) -> str:
        from engine.database import database_url

        return database_url(self._option)

    @cached_property
    def db(self):
        from engine.database import Database

        db = Database(self.database_url)
        gc.freeze()  # what SQLAlchemy and the driver just imported lives as long as the process: no collection walks it
        return db

    @cached_property
    def cases(self):
        from engine.cases import CaseService
        from engine.definitions import Registry

        clock.install()  # SpiffWorkflow's timers read our clock (imports SpiffWorkflow: only when cases run)
        return CaseService(self.db, Registry())


def to_jsonable(value):
    """Dates as ISO strings, dataclasses as dicts: what `--json` prints and the API returns."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value):
        return to_jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def first_of(rows: list, limit: int, everything: bool, shown: str) -> list:
    """A CLI list's first `limit` rows, read with one more to know whether others follow (`--all`: every
    one); when they do, stderr says what was shown and how to see the rest."""
    if everything or len(rows) <= limit:
        return rows
    click.echo(f"{shown}; use --limit N (up to 200) or --all", err=True)
    return rows[:limit]
