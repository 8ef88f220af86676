"""Santa Cruz County deadlines on the real county calendar (America/Los_Angeles; California holidays the
County observes, Diwali and Susan B. Anthony Day excluded; processes/santa_cruz/README.md). The manual
sets no day counts; California requires a timely, good-faith interactive process (§ 11068, seeds/000),
so the counts are the policy parameters of jurisdiction.toml. A deadline is the end of its due day,
Pacific time: its reminder fires once that day is over, never before.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest


def _due(sc, spec: str) -> datetime:
    [task] = [t for t in sc.tasks() if t.spec_id == spec]
    return task.due_at


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_decision_clock_is_thirty_calendar_days_from_the_request(sc):
    """PAM II.13.A Procedure II.5-II.6 with policy parameter decision_calendar_days (30) for California's
    timely interactive process: a request on Friday 2026-01-16 is due Sunday 2026-02-15 (calendar days
    count weekends and holidays); the department's decision is due at the end of that day in Santa Cruz
    (08:00Z in winter); once it passes, the WC Program Manager follows up. The overdue follow-up is still
    recorded after the department decides, and the clock shows the decision was late."""
    sc.employee_to_options("industrial")
    sc.options("current_position")
    sc.undue_hardship()  # Policy III before the department decides
    assert sc.clocks("decision")["due"] == "2026-02-15"
    assert _due(sc, "dep_department_decision") == _utc("2026-02-16T08:00")
    assert sc.timers()["dep_decision_overdue"] == sc.end_of_day("2026-02-15")

    sc.at("2026-02-15T23:59:59")
    assert sc.fire() == 0
    assert not sc.has("wc_manager", "ind_followup_decision")
    sc.at("2026-02-16T00:00:01")
    sc.fire()
    followup = sc.task("wc_manager", "ind_followup_decision")
    assert followup.form_key == "overdue_followup"
    assert sc.has("department", "dep_department_decision")  # non-interrupting: the decision is still open

    sc.day(32)
    sc.department_decision(can=True, accommodation_placement="current_position")
    sc.confirm_accommodation()
    assert sc.status == "open" and sc.open() == {"ind_followup_decision"}
    sc.do("wc_manager", "ind_followup_decision", followup_date=sc.today(),
          followup_action="Department was short-staffed; decided today")
    assert sc.status == "closed"
    assert sc.outcome == "Accommodated by the department"
    assert sc.clocks("decision")["stopped"] == "2026-02-17"
    assert sc.clocks("decision")["met"] is False


def test_decision_clock_starts_on_the_day_the_request_was_first_made(sc):
    """PAM II.13.A Procedure I ("direct accommodation requests to the hiring department or Personnel")
    and California's timely process: a request made orally on Monday 2026-01-12 and written down on
    2026-01-16 starts the clock on 2026-01-12; a date in the future is taken as today."""
    sc.request(request_date="2026-01-12")
    assert sc.clocks("decision")["start"] == "2026-01-12"
    assert sc.clocks("decision")["due"] == "2026-02-11"
    sc.request(request_date="2026-02-01")
    assert sc.clocks("decision")["start"] == sc.date(0)


def test_eeo_notice_due_the_next_business_day_skips_cesar_chavez_day(sc):
    """PAM II.13.A Procedure III ("departments should contact the EEO Office immediately"), policy
    parameter department_notify_eeo_business_days (1): PER1100A received Monday 2026-03-30; Tuesday
    2026-03-31 is Cesar Chavez Day, a California holiday the County observes, so the notice is due
    Wednesday 2026-04-01, at the end of that day in Santa Cruz (07:00Z: daylight time); then the
    department gets an overdue follow-up."""
    sc.at("2026-03-30T09:00")
    sc.intake("non_industrial")
    sc.per1100a()
    assert _due(sc, "non_notify_eeo") == _utc("2026-04-02T07:00")
    sc.at("2026-04-01T23:59:59")
    assert sc.fire() == 0
    sc.at("2026-04-02T00:00:01")
    sc.fire()
    assert sc.task("department", "non_followup_eeo_notice").form_key == "overdue_followup"


def test_ohp_examination_due_in_ten_business_days_skips_martin_luther_king_day(sc):
    """PAM II.13.A Procedure I.1-I.2, policy parameter ohp_exam_business_days (10): the job analysis goes
    to the OHP on Friday 2026-01-16; Monday 2026-01-19 (Martin Luther King Jr. Day) and weekends do not
    count, so the post-offer examination is due Monday 2026-02-02 (end of day: 08:00Z on 02-03)."""
    sc.intake("applicant")
    sc.applicant_job_analysis()
    assert _due(sc, "app_ohp_exam") == _utc("2026-02-03T08:00")
    sc.at("2026-02-03T00:00:01")
    sc.fire()
    assert sc.task("ada_coordinator", "app_followup_ohp_exam")
    assert sc.has("ohp", "app_ohp_exam")


def test_interactive_meeting_due_in_ten_business_days_skips_thanksgiving_and_the_day_after(sc):
    """PAM II.13.A Procedure II.4 (the department meets the injured worker), policy parameter
    interactive_meeting_business_days (10): PER1100B completed Friday 2026-11-20; Thanksgiving (11-26)
    and the Day after Thanksgiving (11-27) are County holidays, so the meeting is due Tuesday 2026-12-08,
    at the end of that day in Santa Cruz (08:00Z: standard time)."""
    sc.at("2026-11-20T09:00")
    sc.intake("industrial")
    sc.per1100a()
    sc.evaluation()
    assert _due(sc, "ind_interactive_meeting") == _utc("2026-12-09T08:00")
    sc.at("2026-12-08T23:59:59")
    assert sc.fire() == 0
    sc.at("2026-12-09T00:00:01")
    sc.fire()
    assert sc.task("wc_manager", "ind_followup_meeting")


def test_committee_review_due_in_fifteen_business_days_skips_thanksgiving(sc):
    """PAM II.13.A Procedure IV.1, policy parameter committee_review_business_days (15): referred on
    Wednesday 2026-11-25, the review is due Friday 2026-12-18 (11-26 and 11-27 are holidays); when it
    passes, the ADA Coordinator follows up with the committee."""
    sc.at("2026-11-25T09:00")
    sc.refer_to_committee("non_industrial")
    assert _due(sc, "com_committee_review") == _utc("2026-12-19T08:00")
    sc.at("2026-12-19T00:00:01")
    sc.fire()
    assert sc.task("ada_coordinator", "com_followup_review").form_key == "overdue_followup"


@pytest.mark.parametrize("received, due", [
    ("2027-10-28", "2027-10-29"),  # Thursday; Friday is Diwali: the County is open
    ("2028-02-14", "2028-02-15"),  # Monday; Tuesday is Susan B. Anthony Day: the County is open
    ("2027-02-12", "2027-02-16"),  # Friday; Monday is Presidents' Day (also Susan B. Anthony Day): closed
])
def test_days_the_county_does_not_close_are_business_days(sc, received, due):
    """County calendar (processes/santa_cruz/README.md) on PAM II.13.A Procedure III's EEO notice: Diwali
    and Susan B. Anthony Day are in California's list but the County stays open, so they count as
    business days; Presidents' Day stays a holiday when Susan B. Anthony Day falls on it."""
    sc.at(f"{received}T09:00")
    sc.intake("non_industrial")
    sc.per1100a()
    assert _due(sc, "non_notify_eeo") == sc.end_of_day(due)


def test_reminder_fires_once_just_after_the_due_day_ends(sc):
    """A deadline is the end of its due day (PAM II.13.A Procedure III, department_notify_eeo_business_days):
    the reminder fires after that moment (not at the instant itself, when the act is still on time), once."""
    sc.intake("non_industrial")
    sc.per1100a()  # Friday 2026-01-16; Monday is MLK Day: due Tuesday 2026-01-20
    at = sc.at("2026-01-21T00:00")
    assert sc.fire() == 0
    assert not sc.history("timer_fired")
    sc.clock.set(at + timedelta(microseconds=1))
    assert sc.fire() == 1
    assert sc.has("department", "non_followup_eeo_notice")
    assert sc.fire() == 0
    assert len(sc.history("timer_fired")) == 1
