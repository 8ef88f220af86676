"""raflow's clock: frozen in tests, a file in demos, and the one SpiffWorkflow's timers read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from support import run_cli

from engine import clock
from engine.clock import FileClock, FrozenClock, SystemClock, clock_from_env, parse_duration, parse_instant

T0 = datetime(2026, 1, 16, 15, 0, tzinfo=UTC)


# -- FrozenClock ---------------------------------------------------------------------------------------

def test_frozen_clock_stands_still_until_moved():
    fc = FrozenClock(T0)
    assert fc.now() == T0
    assert fc.now() == T0
    fc.advance(timedelta(days=3, hours=2))
    assert fc.now() == datetime(2026, 1, 19, 17, 0, tzinfo=UTC)
    fc.set(datetime(2026, 7, 3, 12, 0, tzinfo=UTC))
    assert fc.now() == datetime(2026, 7, 3, 12, 0, tzinfo=UTC)


def test_frozen_clock_reads_naive_times_as_utc_and_reports_utc():
    fc = FrozenClock(datetime(2026, 1, 16, 15, 0))
    assert fc.now() == T0
    assert fc.now().utcoffset() == timedelta(0)
    fc.set(datetime(2026, 1, 16, 10, 0, tzinfo=timezone(timedelta(hours=-5))))
    assert fc.now() == T0
    assert fc.now().tzinfo == UTC


def test_module_now_follows_the_installed_clock(frozen):
    assert clock.now() == T0
    frozen.advance(timedelta(hours=1))
    assert clock.now() == T0 + timedelta(hours=1)
    assert clock.get_clock() is frozen


# -- FileClock -------------------------------------------------------------------------------------

def test_file_clock_runs_in_real_time_until_set(tmp_path):
    fc = FileClock(tmp_path / "clock.txt")
    before = datetime.now(UTC)
    now = fc.now()
    assert before <= now <= datetime.now(UTC)
    assert not (tmp_path / "clock.txt").exists()


def test_file_clock_set_persists_for_other_processes(tmp_path):
    path = tmp_path / "demo" / "clock.txt"
    FileClock(path).set(T0)
    assert path.read_text().strip() == "2026-01-16T15:00:00+00:00"
    assert FileClock(path).now() == T0
    assert not path.with_suffix(".tmp").exists()


def test_file_clock_advance_is_seen_by_every_instance(tmp_path):
    path = tmp_path / "clock.txt"
    reader, writer = FileClock(path), FileClock(path)
    writer.set(T0)
    assert reader.now() == T0
    writer.advance(timedelta(days=2))
    assert reader.now() == T0 + timedelta(days=2)
    reader.advance(timedelta(hours=12))
    assert writer.now() == T0 + timedelta(days=2, hours=12)
    assert FileClock(path).now() == T0 + timedelta(days=2, hours=12)


def test_file_clock_reads_an_instant_written_by_hand(tmp_path):
    path = tmp_path / "clock.txt"
    path.write_text("2026-03-02T09:30:00Z\n")
    assert FileClock(path).now() == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


# -- RAFLOW_CLOCK ---------------------------------------------------------------------------------------

def test_clock_setting_empty_or_system_is_real_time():
    assert isinstance(clock_from_env(""), SystemClock)
    assert isinstance(clock_from_env("system"), SystemClock)


def test_clock_setting_file_path_is_a_file_clock():
    fc = clock_from_env("file:/x")
    assert isinstance(fc, FileClock)
    assert fc.path == Path("/x")


@pytest.mark.parametrize("value", ["file:", "fake", "System", "frozen:2026-01-01", "/tmp/clock"])
def test_bad_clock_setting_is_refused(value):
    with pytest.raises(ValueError, match="RAFLOW_CLOCK must be 'system' or 'file:PATH'"):
        clock_from_env(value)


def test_clock_setting_is_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("RAFLOW_CLOCK", f"file:{tmp_path / 'c.txt'}")
    assert clock_from_env().path == tmp_path / "c.txt"
    monkeypatch.delenv("RAFLOW_CLOCK")
    assert isinstance(clock_from_env(), SystemClock)


# -- durations and instants ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "delta"), [
    ("3d", timedelta(days=3)), ("12h", timedelta(hours=12)), ("2w", timedelta(weeks=2)),
    ("30m", timedelta(minutes=30)), ("45s", timedelta(seconds=45)), (" 1.5D ", timedelta(hours=36)),
])
def test_durations_are_understood(text, delta):
    assert parse_duration(text) == delta


@pytest.mark.parametrize("text", ["", "3", "d", "3 days", "3y", "P3D", "three days", "3d12h"])
def test_bad_duration_is_refused_with_examples(text):
    with pytest.raises(ValueError, match="not a duration like 3d, 12h, 30m, 2w"):
        parse_duration(text)


def test_instants_without_offset_are_utc():
    assert parse_instant("2026-01-16T15:00:00") == T0
    assert parse_instant("2026-01-16T15:00:00Z") == T0
    assert parse_instant("2026-01-16T10:00:00-05:00") == T0
    with pytest.raises(ValueError, match="not an ISO 8601 date-time"):
        parse_instant("next tuesday")


# -- SpiffWorkflow's timers ------------------------------------------------------------------------------

def test_spiffworkflow_timers_see_the_frozen_time(frozen):
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    # The timer module calls datetime.now(timezone.utc); datetime.UTC is that same object.
    assert timer.datetime.now(UTC) == T0
    frozen.advance(timedelta(days=45))
    assert timer.datetime.now(UTC) == T0 + timedelta(days=45)
    assert timer.datetime.now(timezone(timedelta(hours=-5))) == T0 + timedelta(days=45)
    assert timer.datetime.now().tzinfo is not None
    # Other datetime features SpiffWorkflow uses still work.
    assert timer.datetime.fromisoformat("2026-01-16T15:00:00+00:00") == T0


def test_install_is_idempotent(frozen):
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    clock.install()
    clock.install()
    assert timer.datetime.now(UTC) == T0


# -- `raflow clock` --------------------------------------------------------------------------------------

@pytest.fixture
def raflow(monkeypatch, tmp_path, capsys):
    """Run `raflow ...`; returns (exit code, stdout, stderr). The CLI sets the global clock: restore it."""
    monkeypatch.delenv("RAFLOW_CLOCK", raising=False)
    monkeypatch.setenv("RAFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    previous = clock.get_clock()

    yield lambda *argv: run_cli(capsys, *argv)
    clock.set_clock(previous)


def test_raflow_clock_set_advance_show_move_the_demo_clock(raflow, monkeypatch, tmp_path):
    path = tmp_path / "clock.txt"
    monkeypatch.setenv("RAFLOW_CLOCK", f"file:{path}")
    assert raflow("clock", "set", "2026-03-02T09:00:00Z") == (0, "2026-03-02T09:00:00+00:00\n", "")
    assert raflow("clock", "advance", "3d") == (0, "2026-03-05T09:00:00+00:00\n", "")
    assert raflow("clock", "advance", "12h") == (0, "2026-03-05T21:00:00+00:00\n", "")
    assert raflow("clock", "show") == (0, "2026-03-05T21:00:00+00:00\n", "")
    assert FileClock(path).now() == datetime(2026, 3, 5, 21, 0, tzinfo=UTC)


def test_raflow_clock_show_is_real_time_before_the_demo_clock_is_set(raflow, monkeypatch, tmp_path):
    monkeypatch.setenv("RAFLOW_CLOCK", f"file:{tmp_path / 'clock.txt'}")
    before = datetime.now(UTC)
    code, out, _ = raflow("clock", "show")
    assert code == 0
    assert before <= datetime.fromisoformat(out.strip()) <= datetime.now(UTC)


def test_raflow_clock_set_without_a_file_clock_explains_how(raflow):
    for argv in (("clock", "set", "2026-03-02T09:00:00Z"), ("clock", "advance", "3d")):
        code, out, err = raflow(*argv)
        assert code == 1
        assert out == ""
        assert err == ("raflow: the clock is real time; set RAFLOW_CLOCK=file:PATH to simulate time "
                       "for training or demos\n")


def test_raflow_clock_refuses_bad_input_in_one_line(raflow, monkeypatch, tmp_path):
    path = tmp_path / "clock.txt"
    monkeypatch.setenv("RAFLOW_CLOCK", f"file:{path}")
    code, _, err = raflow("clock", "advance", "3 days")
    assert code == 1
    assert err == "raflow: not a duration like 3d, 12h, 30m, 2w: '3 days'\n"
    code, _, err = raflow("clock", "set", "next tuesday")
    assert code == 1
    assert err == "raflow: not an ISO 8601 date-time: 'next tuesday'\n"
    assert not path.exists()


def test_raflow_refuses_a_bad_clock_setting(raflow, monkeypatch):
    monkeypatch.setenv("RAFLOW_CLOCK", "sometimes")
    code, _, err = raflow("clock", "show")
    assert code == 1
    assert err == "raflow: RAFLOW_CLOCK must be 'system' or 'file:PATH', not 'sometimes'\n"


TIMER_DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Defs_wait" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="wait" isExecutable="true">
    <bpmn:startEvent id="wait_start" />
    <bpmn:sequenceFlow id="w1" sourceRef="wait_start" targetRef="until_tuesday" />
    <bpmn:intermediateCatchEvent id="until_tuesday">
      <bpmn:timerEventDefinition id="until_tuesday_def">
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">"2026-01-20T15:00:00Z"</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="w2" sourceRef="until_tuesday" targetRef="wait_end" />
    <bpmn:endEvent id="wait_end" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_diagram_timer_fires_only_when_the_frozen_clock_passes_it(frozen, tmp_path):
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

    from engine.scripting import SandboxScriptEngine

    path = tmp_path / "wait.bpmn"
    path.write_text(TIMER_DIAGRAM)
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(path))
    workflow = BpmnWorkflow(parser.get_spec("wait"), script_engine=SandboxScriptEngine(lambda task: {}))
    workflow.do_engine_steps()
    frozen.advance(timedelta(days=3, hours=23))
    workflow.refresh_timers()
    workflow.do_engine_steps()
    assert not workflow.is_completed()
    frozen.advance(timedelta(hours=2))
    workflow.refresh_timers()
    workflow.do_engine_steps()
    assert workflow.is_completed()
