"""`raflow scenario run`: the scenario files policy staff write (processes/<j>/scenarios/*.yaml).

The shipped files pass on the shipped diagrams; a failing step says what was expected and what happened,
located by file and line; a malformed file is a one-line located error.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import ROOT, run_cli


def copy_jurisdiction(tmp_path: Path, key: str) -> Path:
    target = tmp_path / "processes" / key
    shutil.copytree(ROOT / "processes" / key, target)
    shutil.copytree(ROOT / "forms" / key, tmp_path / "forms" / key)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def line_of(path: Path, needle: str) -> int:
    text = path.read_text()
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize("key, count", [("navy", 2), ("santa_cruz", 1)])
def test_the_shipped_scenarios_pass_on_the_shipped_diagrams(capsys, key, count):
    code, out, err = run_cli(capsys, "scenario", "run", "--draft", str(ROOT / "processes" / key))
    assert code == 0, out + err
    assert out.count("PASS ") == count and "FAIL" not in out
    assert f"{count} passed, 0 failed" in err


def test_a_wrong_due_date_fails_with_expected_and_actual_at_its_line(tmp_path, capsys):
    folder = copy_jurisdiction(tmp_path, "navy")
    scenario = folder / "scenarios" / "approval.yaml"
    edit(scenario, "due: { task_decision: 2026-03-02 }", "due: { task_decision: 2026-03-03 }")
    code, out, err = run_cli(capsys, "scenario", "run", "--draft", str(folder))
    assert code == 1
    expect_line = line_of(scenario, "due: { task_decision: 2026-03-03 }") - 2  # the "- expect:" item
    assert (f"FAIL {scenario}:{expect_line}: Approved and implemented within 45 days (Navy 1-4, 4-1): step 10 "
            "(expect): expected 'task_decision' due 2026-03-03; got 2026-03-02") in out
    assert "PASS" in out  # the other scenario still runs and passes
    assert "1 passed, 1 failed" in err


def test_a_step_that_is_not_open_names_the_steps_that_are(tmp_path, capsys):
    folder = copy_jurisdiction(tmp_path, "navy")
    scenario = folder / "scenarios" / "withdrawal.yaml"
    edit(scenario, "open: task_withdrawal_letter", "open: task_forward")
    code, out, _ = run_cli(capsys, "scenario", "run", "--draft", str(folder))
    assert code == 1
    assert ("step 4 (expect): expected step 'task_forward' open; got open steps task_withdrawal_letter (coordinator)"
            in out)


def test_form_data_the_form_refuses_is_reported_with_its_field(tmp_path, capsys):
    folder = copy_jurisdiction(tmp_path, "navy")
    scenario = folder / "scenarios" / "approval.yaml"
    edit(scenario, "decision: approve\n", "decision: yes please\n")
    code, out, _ = run_cli(capsys, "scenario", "run", "--draft", str(folder))
    assert code == 1
    assert "step 12 (do): expected the form of 'task_decision' to accept the data; got errors: decision: choose" in out


def test_a_changed_timer_in_the_draft_is_caught_by_the_scenario(tmp_path, capsys):
    """The point of scenarios: a diagram edit that moves a legal deadline fails the scenario that pins it."""
    folder = copy_jurisdiction(tmp_path, "navy")
    edit(folder / "jurisdiction.toml", "forward_business_days = 2 ", "forward_business_days = 3 ")
    code, out, _ = run_cli(capsys, "scenario", "run", "--draft", str(folder))
    assert code == 1
    assert "expected 'task_forward' due 2026-01-21; got 2026-01-22" in out


@pytest.mark.parametrize("text, message", [
    ("name: x\nstart: 2026-01-16T10:00\nsteps:\n  - do: task_forward\n    as: [\n", "not valid YAML"),
    ("name: x\nsteps:\n  - jump: 3d\n", ":3: a step needs exactly one of do, advance, at, withdraw, expect"),
    ("name: x\nsteps:\n  - advance: soon\n", ":3: advance: not a duration"),
    ("steps:\n  - advance: 1d\n", ":1: name is required"),
    ("name: x\nsteps:\n  - expect: { opened: a }\n", ":3: expect is a mapping of open, not_open"),
])
def test_a_malformed_scenario_file_is_a_located_one_line_error(tmp_path, capsys, text, message):
    folder = copy_jurisdiction(tmp_path, "navy")
    bad = folder / "scenarios" / "zz_bad.yaml"
    bad.write_text(text)
    code, out, err = run_cli(capsys, "scenario", "run", "--draft", str(folder))
    assert code == 1 and out == ""
    assert err.startswith(f"raflow: {bad}:") and message in err
    assert len(err.strip().splitlines()) == 1


def test_without_draft_the_scenarios_run_against_the_deployed_version(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'raflow.db'}"
    folder = copy_jurisdiction(tmp_path, "navy")
    assert run_cli(capsys, "--database", url, "init-db")[0] == 0
    code, _, err = run_cli(capsys, "--database", url, "scenario", "run", str(folder))
    assert code == 1 and "no version of 'navy' is deployed" in err
    assert run_cli(capsys, "--database", url, "deploy", str(folder))[0] == 0
    # the folder now differs from what is deployed: without --draft, the deployed version is what runs
    edit(folder / "jurisdiction.toml", "forward_business_days = 2 ", "forward_business_days = 3 ")
    code, out, _ = run_cli(capsys, "--database", url, "scenario", "run", str(folder))
    assert code == 0 and out.count("PASS") == 2
    code, out, _ = run_cli(capsys, "--database", url, "scenario", "run", "--draft", str(folder))
    assert code == 1
