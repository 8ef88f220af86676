"""The `raflow` command line as a user runs it: separate processes on one SQLite file."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from support import TESTLAND

from engine.schema import Base
from engine.store import Database


@pytest.fixture
def raflow(tmp_path):
    env = dict(os.environ, RAFLOW_DATABASE_URL=f"sqlite:///{tmp_path / 'raflow.db'}",
               RAFLOW_CLOCK=f"file:{tmp_path / 'clock.txt'}")

    def run(*args, ok=True):
        proc = subprocess.run([sys.executable, "-m", "api.cli", *args], env=env, capture_output=True, text=True,
                              timeout=120)
        assert "Traceback" not in proc.stderr, proc.stderr
        if ok:
            assert proc.returncode == 0, proc.stderr
        return proc

    run.env = env
    run("clock", "set", "2026-01-16T15:00:00Z")
    run("init-db")
    return run


def test_deploy_prints_the_version_and_is_a_no_op_when_unchanged(raflow):
    first = raflow("deploy", str(TESTLAND)).stdout
    assert first.startswith("deployed testland ") and "(version 1)" in first
    again = raflow("deploy", str(TESTLAND)).stdout
    assert again.startswith("unchanged testland ") and first.split()[2] == again.split()[2]
    listed = json.loads(raflow("versions", "--json").stdout)
    assert [v["id"] for v in listed] == [1]


def test_a_case_started_in_one_process_is_continued_by_another(raflow):
    raflow("deploy", str(TESTLAND))
    raflow("user", "add", "clara", "--role", "clerk", "--jurisdiction", "testland")
    raflow("user", "add", "rob", "--role", "requester", "--jurisdiction", "testland")
    case = json.loads(raflow("case", "start", "--jurisdiction", "testland", "--process", "tl_main",
                             "--as", "rob", "--json").stdout)
    tasks = json.loads(raflow("task", "list", "--as", "clara", "--json").stdout)
    assert [t["title"] for t in tasks] == ["Record the decision"]
    assert tasks[0]["due_at"] == "2026-01-22T05:00:00+00:00"
    raflow("task", "claim", tasks[0]["id"], "--as", "clara")
    raflow("task", "complete", tasks[0]["id"], "--as", "clara", "--data", '{"decision": "approve"}')
    shown = json.loads(raflow("case", "show", str(case["id"]), "--as", "clara", "--json").stdout)
    assert shown["status"] == "closed" and shown["summary"]["outcome"] == "Approved"
    kinds = [e["kind"] for e in shown["history"]]
    assert kinds == ["case_started", "task_opened", "task_claimed", "task_completed", "case_closed"]


def test_simulated_clock_moves_and_the_worker_fires_due_timers(raflow):
    raflow("deploy", str(TESTLAND))
    raflow("user", "add", "clara", "--role", "clerk", "--jurisdiction", "testland")
    raflow("case", "start", "--jurisdiction", "testland", "--process", "tl_main", "--as", "clara")
    assert raflow("worker", "--once").stdout.strip() == "fired 0 timer(s)"
    assert raflow("clock", "advance", "6d").stdout.startswith("2026-01-22T15:00:00")
    assert raflow("clock", "show").stdout.startswith("2026-01-22T15:00:00")
    assert raflow("worker", "--once").stdout.strip() == "fired 1 timer(s)"
    titles = sorted(t["title"] for t in json.loads(raflow("task", "list", "--as", "clara", "--json").stdout))
    assert titles == ["Acknowledge the reminder", "Record the decision"]


def test_task_list_shows_the_first_tasks_and_says_how_many_more(raflow):
    raflow("deploy", str(TESTLAND))
    raflow("user", "add", "clara", "--role", "clerk", "--jurisdiction", "testland")
    for _ in range(3):
        raflow("case", "start", "--jurisdiction", "testland", "--process", "tl_main", "--as", "clara")
    first = raflow("task", "list", "--as", "clara", "--limit", "2")
    assert len(first.stdout.splitlines()) == 2 and len({line.split()[2] for line in first.stdout.splitlines()}) == 2
    assert "2 of 3 tasks shown; use --limit N (up to 200) or --all" in first.stderr
    everything = raflow("task", "list", "--as", "clara", "--all")
    assert len(everything.stdout.splitlines()) == 3 and everything.stderr == ""



_LOADED = """
import json, runpy, sys
sys.argv = ["raflow", *sys.argv[1:]]
try:
    runpy.run_module("api.cli", run_name="__main__")
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} | ({"sqlalchemy.orm"} & set(sys.modules)))),
      file=sys.stderr)
"""


def test_cli_start_up_loads_only_what_the_command_needs(raflow):
    """Issue 9, CLI start-up (the figures are bench/scale.py's): `raflow --help` loads neither SQLAlchemy nor
    Flask, and `raflow task list` reads with SQLAlchemy Core alone: no ORM, no Flask, no SpiffWorkflow."""
    raflow("deploy", str(TESTLAND))
    raflow("user", "add", "clara", "--role", "clerk", "--jurisdiction", "testland")
    raflow("case", "start", "--jurisdiction", "testland", "--process", "tl_main", "--as", "clara")

    def loaded(*args):
        proc = subprocess.run([sys.executable, "-c", _LOADED, *args], env=raflow.env, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout, set(json.loads(proc.stderr.strip().splitlines()[-1]))

    out, modules = loaded("--help")
    assert "task" in out and not modules & {"sqlalchemy", "flask", "SpiffWorkflow"}
    out, modules = loaded("task", "list", "--as", "clara")
    assert "Record the decision" in out and "sqlalchemy" in modules
    assert not modules & {"sqlalchemy.orm", "flask", "SpiffWorkflow", "psycopg", "jinja2"}, modules

@pytest.mark.parametrize("args, message", [
    (["task", "complete", "nope", "--as", "clara"], "no open task 'nope'"),
    (["task", "list", "--as", "nobody"], "unknown user 'nobody'"),
    (["case", "start", "--jurisdiction", "testland", "--process", "tl_main", "--as", "clara", "--data", "{x"],
     "--data is not valid JSON"),
    (["case", "start", "--jurisdiction", "testland", "--process", "tl_main", "--as", "clara", "--data", "[1]"],
     "--data must be a JSON object"),
    (["case", "show", "999", "--as", "clara"], "no case 999"),
    (["user", "add", "x", "--role", "pilot", "--jurisdiction", "testland"], "unknown role(s) pilot"),
    (["deploy", "/nonexistent/folder"], "not a folder"),
    (["clock", "set", "yesterday"], "not an ISO 8601 date-time"),
    (["clock", "advance", "soon"], "not a duration"),
])
def test_errors_are_one_clear_line_and_a_non_zero_exit(raflow, args, message):
    raflow("deploy", str(TESTLAND))
    raflow("user", "add", "clara", "--role", "clerk", "--jurisdiction", "testland")
    proc = raflow(*args, ok=False)
    assert proc.returncode != 0
    assert message in proc.stderr


def test_form_errors_from_the_cli_name_each_field(raflow):
    raflow("deploy", str(TESTLAND))
    raflow("user", "add", "clara", "--role", "clerk", "--jurisdiction", "testland")
    raflow("case", "start", "--jurisdiction", "testland", "--process", "tl_main", "--as", "clara")
    task = json.loads(raflow("task", "list", "--as", "clara", "--json").stdout)[0]
    proc = raflow("task", "complete", task["id"], "--as", "clara", "--data", '{"decision": "perhaps"}', ok=False)
    assert proc.returncode == 1
    assert "decision: choose one of: Approve, Deny, Request documents" in proc.stderr
    assert "perhaps" not in proc.stderr


def test_commands_before_init_db_say_what_to_do(tmp_path):
    env = dict(os.environ, RAFLOW_DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    proc = subprocess.run([sys.executable, "-m", "api.cli", "task", "list", "--as", "x"], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "raflow init-db" in proc.stderr and "Traceback" not in proc.stderr


def test_serve_answers_the_health_page(raflow):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", "1"],
                              env=raflow.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as resp:
                    body = json.loads(resp.read())
                break
            except OSError:
                time.sleep(0.1)
        assert body and body["status"] == "ok" and body["now"].startswith("2026-01-16T15:00:00")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_migration_creates_exactly_the_schema_the_models_describe(sqlite_db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from engine import search

    with sqlite_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": search.is_index_object}),
                                Base.metadata)
    assert diff == []


def test_database_url_defaults_to_sqlite_in_instance(monkeypatch):
    monkeypatch.delenv("RAFLOW_DATABASE_URL", raising=False)
    assert Database().url == "sqlite:///instance/raflow.db"
