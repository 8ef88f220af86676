"""Santa Cruz County policy parameters are data: the manual leaves the day counts to the County, so policy
staff change jurisdiction.toml and deploy; new cases get the new deadlines, running cases keep the
version they started on (docs/authoring.md), with no code change."""

from __future__ import annotations

import re

from engine.definitions import deploy, read_folder


def _set(folder, name: str, value: int) -> None:
    config = folder / "jurisdiction.toml"
    text, n = re.subn(rf"(?m)^{name} = \d+$", f"{name} = {value}", config.read_text())
    assert n == 1, name
    config.write_text(text)


def _to_meeting(sc) -> None:
    """Procedure III from PER1100A to PER1100B (III, III.1-III.4)."""
    sc.per1100a()
    sc.notify_eeo()
    sc.qpwd()
    sc.evaluation()


def test_parameter_change_applies_to_new_cases_not_running_ones(santa_cruz, santa_cruz_copy):
    """PAM II.13.A (no day counts: County policy parameters) on Procedure III: the decision clock and the
    interactive meeting deadline (III.5) come from decision_calendar_days and
    interactive_meeting_business_days. A case started before the change keeps 30 days and 10 business
    days, even for a step it reaches after the new version is deployed; a case started after gets
    20 days and 5 business days."""
    sc = santa_cruz(santa_cruz_copy)
    sc.intake("non_industrial")
    running = sc.case_id
    assert sc.clocks("decision")["due"] == "2026-02-15"  # Friday 2026-01-16 + 30

    _set(santa_cruz_copy, "decision_calendar_days", 20)
    _set(santa_cruz_copy, "interactive_meeting_business_days", 5)
    _, created = deploy(sc.db, read_folder(santa_cruz_copy))
    assert created

    sc.day(4)  # Tuesday 2026-01-20 (Monday was Martin Luther King Jr. Day)
    sc.intake("non_industrial")
    new = sc.case_id
    assert sc.clocks("decision")["due"] == "2026-02-09"  # 2026-01-20 + 20
    _to_meeting(sc)
    # PER1100B on Tuesday 2026-01-20: 5 business days -> Tuesday 2026-01-27
    assert sc.timers()["non_meeting_overdue"] == sc.end_of_day("2026-01-27")

    sc.use(running)  # the running case reaches the meeting only now, after the change
    _to_meeting(sc)
    assert sc.clocks("decision")["due"] == "2026-02-15"
    # 10 business days -> Tuesday 2026-02-03
    assert sc.timers()["non_meeting_overdue"] == sc.end_of_day("2026-02-03")

    started = {case: sc.use(case).history("case_started")[0]["detail"]["version"] for case in (running, new)}
    assert started[running] != started[new]
