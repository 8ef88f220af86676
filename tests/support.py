"""Small helpers shared by tests (import as `from support import ...`)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from engine.cases import CaseService

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_ALL = os.environ.get("RAFLOW_REQUIRE_ALL") == "1"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TESTLAND = FIXTURES / "processes" / "testland"


def unavailable(reason: str):
    """Skip, or fail under RAFLOW_REQUIRE_ALL=1 (CI), when a real component is missing."""
    if REQUIRE_ALL:
        pytest.fail(f"RAFLOW_REQUIRE_ALL=1 but {reason}")
    pytest.skip(reason)


def task_named(svc: CaseService, user: str, title: str):
    matches = [t for t in svc.list_tasks(user) if t.title == title]
    assert matches, f"{user} has no task {title!r}: {[t.title for t in svc.list_tasks(user)]}"
    return matches[0]


def copy_testland(tmp_path: Path) -> Path:
    """A writable copy of the fixture jurisdiction (processes/testland + forms/testland)."""
    target = tmp_path / "processes" / "testland"
    shutil.copytree(TESTLAND, target)
    shutil.copytree(FIXTURES / "forms" / "testland", tmp_path / "forms" / "testland")
    return target


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    """Run `raflow ARGV...` in-process; returns (exit code, stdout, stderr)."""
    from api.cli import main

    try:
        main(list(argv))
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err
