"""Shared fixtures: a frozen clock, real databases (a SQLite file, and a PostgreSQL server started
here when the machine has one), the fixture jurisdiction deployed, and its users.

A kind of test whose server is absent is skipped with its reason; with RAFLOW_REQUIRE_ALL=1 (CI)
such a skip is a failure instead.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from support import FIXTURES, REQUIRE_ALL, ROOT, unavailable  # noqa: F401 - re-exported for fixtures

from engine import clock
from engine.cases import CaseService
from engine.definitions import Registry, deploy, read_folder
from engine.schema import Base
from engine.store import Database
from engine.users import add_user

TESTLAND = FIXTURES / "processes" / "testland"


# -- clock ----------------------------------------------------------------------------------------
@pytest.fixture
def frozen():
    """A frozen clock at Friday 2026-01-16 10:00 in New York (15:00Z), before MLK Day."""
    clock.install()
    previous = clock.get_clock()
    fc = clock.FrozenClock(datetime(2026, 1, 16, 15, 0, tzinfo=UTC))
    clock.set_clock(fc)
    yield fc
    clock.set_clock(previous)


# -- SQLite -----------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "raflow.db"
    db = Database(f"sqlite:///{path}")
    db.init_schema()
    db.dispose()
    return path


@pytest.fixture
def sqlite_db(sqlite_template, tmp_path):
    path = tmp_path / "raflow.db"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    yield db
    db.dispose()


# -- PostgreSQL -------------------------------------------------------------------------------------
def _start_debian_cluster() -> str | None:
    """Start the Debian cluster (pg_ctlcluster) and return a URL for a fresh test database."""
    if not shutil.which("pg_lsclusters"):
        return None
    listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout.split("\n")
    clusters = [line.split() for line in listing if line.strip()]
    if not clusters:
        return None
    version, name, port, status = clusters[0][:4]
    if status != "online":
        subprocess.run(["pg_ctlcluster", version, name, "start"], check=True, capture_output=True)

    def psql(sql, db="postgres"):
        return subprocess.run(["su", "postgres", "-c", f"psql -p {port} -d {db} -tAc \"{sql}\""],
                              capture_output=True, text=True, check=True).stdout.strip()

    user = os.environ.get("USER") or "root"
    if psql(f"SELECT 1 FROM pg_roles WHERE rolname='{user}'") != "1":
        psql(f"CREATE ROLE {user} SUPERUSER LOGIN")
    # One database per test session, so parallel runs on one machine never share tables.
    name = f"raflow_test_{os.getpid()}"
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name} OWNER {user}")
    atexit.register(lambda: subprocess.run(["su", "postgres", "-c", f"psql -p {port} -tAc 'DROP DATABASE IF EXISTS "
                                            f"{name} WITH (FORCE)'"], capture_output=True))
    return f"postgresql+psycopg://{user}@/{name}?host=/var/run/postgresql&port={port}"


@pytest.fixture(scope="session")
def postgres_url():
    url = os.environ.get("RAFLOW_TEST_POSTGRES_URL")
    if not url:
        try:
            url = _start_debian_cluster()
        except (subprocess.CalledProcessError, OSError) as err:
            unavailable(f"PostgreSQL could not be started: {getattr(err, 'stderr', '') or err}")
    if not url:
        unavailable("PostgreSQL is not installed (apt-get install postgresql)")
    db = Database(url)
    try:
        with db.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{table.name}" CASCADE')
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.init_schema()
    except Exception as err:  # noqa: BLE001 - any connection failure means the server is not usable
        unavailable(f"PostgreSQL is not reachable at {url}: {err}")
    finally:
        db.dispose()
    return url


@pytest.fixture
def postgres_db(postgres_url):
    db = Database(postgres_url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    yield db
    db.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db(request):
    """The same test on SQLite and on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_db")


# -- deployed fixture jurisdiction ---------------------------------------------------------------
@pytest.fixture
def service(db, frozen):
    deploy(db, read_folder(TESTLAND))
    svc = CaseService(db, Registry())
    for name, roles in [("clara", ["clerk"]), ("rita", ["reviewer"]), ("rob", ["requester"]),
                        ("ruth", ["requester"]), ("cora", ["clerk", "reviewer"])]:
        add_user(db, svc.registry, name, roles, "testland")
    return svc
