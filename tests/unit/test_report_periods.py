"""Report periods and fiscal years with real calendar cases, and the fact row derived from a case summary."""

from __future__ import annotations

from datetime import date

import pytest

from engine.errors import ValidationFailed
from engine.report_facts import derive
from engine.reports import check_period, fiscal_year, months


@pytest.mark.parametrize("day, start_month, expected", [
    (date(2025, 9, 30), 10, ("FY2025", date(2024, 10, 1), date(2025, 9, 30))),   # federal FY ends Sep 30
    (date(2025, 10, 1), 10, ("FY2026", date(2025, 10, 1), date(2026, 9, 30))),   # ... and FY2026 starts Oct 1
    (date(2025, 12, 31), 10, ("FY2026", date(2025, 10, 1), date(2026, 9, 30))),  # year end inside the FY
    (date(2026, 6, 30), 7, ("FY2026", date(2025, 7, 1), date(2026, 6, 30))),     # the County: July to June
    (date(2026, 7, 1), 7, ("FY2027", date(2026, 7, 1), date(2027, 6, 30))),
    (date(2028, 2, 29), 1, ("FY2028", date(2028, 1, 1), date(2028, 12, 31))),    # calendar-year setting, leap day
])
def test_fiscal_year(day, start_month, expected):
    assert fiscal_year(day, start_month) == expected


def test_months_cut_the_period_at_its_ends_across_a_year_end_and_a_leap_february():
    assert months(date(2027, 12, 15), date(2028, 3, 2)) == [
        ("2027-12", date(2027, 12, 15), date(2027, 12, 31)), ("2028-01", date(2028, 1, 1), date(2028, 1, 31)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)), ("2028-03", date(2028, 3, 1), date(2028, 3, 2))]
    assert months(date(2026, 5, 5), date(2026, 5, 5)) == [("2026-05", date(2026, 5, 5), date(2026, 5, 5))]


@pytest.mark.parametrize("start, end, by, field", [
    ("2026-03-01", "2026-02-28", None, "to"),
    ("2026-02-29", "2026-03-31", None, "from"),   # 2026 is not a leap year
    ("", "2026-03-31", None, "from"),
    ("2020-01-01", "2026-03-31", None, "to"),     # over three years
    ("2026-01-01", "2026-03-31", "colour", "by"),
])
def test_bad_periods_are_field_errors(start, end, by, field):
    with pytest.raises(ValidationFailed) as err:
        check_period(start, end, by)
    assert field in err.value.errors


def test_a_one_day_period_and_a_leap_day_are_fine():
    assert check_period("2028-02-29", "2028-02-29", "month") == (date(2028, 2, 29), date(2028, 2, 29), "month")


CLOCK = {"start": "2026-01-16", "due": "2026-03-02", "stopped": None, "held": False, "elapsed": 20, "expedited": None}


def test_derive_a_late_case_names_the_step_open_when_the_deadline_passed_not_the_delay_notice():
    summary = {"tracking": {"decision": "approved", "purpose": "apply", "requester_type": "applicant",
                            "component": "NAVSEA"}, "clocks": {"decision": dict(CLOCK)}}
    open_before = [("t1", "Notify the requester of the delay in writing (4-3)", "navy_delay_notice"),
                   ("t2", "Decide on the accommodation (4-1, 4-4)", "navy_accommodation_decision")]
    first = derive(summary, "open", date(2026, 3, 3), None, open_before, set())
    assert (first["state"], first["late_step"], first["delay_notice_sent"]) == (
        "pending", "Decide on the accommodation (4-1, 4-4)", False)
    # the delay notice is completed: sticky from then on
    second = derive(summary, "open", date(2026, 3, 4), first, open_before, {"t1"})
    assert second["delay_notice_sent"] is True and second["late_step"] == first["late_step"]
    summary["clocks"]["decision"].update(stopped="2026-03-07", elapsed=50)
    done = derive(summary, "open", date(2026, 3, 7), second, [], set())
    assert (done["state"], done["decided_on"], done["days_to_process"], done["timely"], done["days_over"]) == (
        "decided", date(2026, 3, 7), 50, False, 5)
    assert done["delay_notice_sent"] and (done["purpose"], done["requester_type"]) == ("apply", "applicant")


def test_derive_a_case_decided_on_its_due_date_is_timely_and_names_no_late_step():
    summary = {"tracking": {}, "clocks": {"decision": dict(CLOCK, stopped="2026-03-02", elapsed=45)}}
    fact = derive(summary, "closed", date(2026, 3, 2), None, [("t", "Implement", None)], set())
    assert (fact["timely"], fact["days_over"], fact["late_step"]) == (True, 0, None)


def test_derive_withdrawal_hold_and_committee_referral():
    held = derive({"clocks": {"decision": dict(CLOCK, due=None, held=True)}}, "open", date(2026, 2, 1), None, [],
                  set())
    assert (held["state"], held["held"], held["due_on"]) == ("pending", True, None)
    gone = derive({"tracking": {"withdrawal_date": "2026-02-03"}, "clocks": {"decision": dict(CLOCK)}},
                  "withdrawn", date(2026, 2, 5), None, [], set())
    assert (gone["state"], gone["withdrawn_on"], gone["disposition"], gone["decided_on"]) == (
        "withdrawn", date(2026, 2, 3), "withdrawn", None)
    referred = derive({"tracking": {"outcome": "referred_to_committee", "path": "industrial"},
                       "clocks": {"decision": dict(CLOCK)}}, "open", date(2026, 2, 1), None, [], set())
    assert referred["referred_to_committee"] and referred["committee_finding"] is None
    assert referred["requester_type"] == "employee"  # the County's employee paths
    found = derive({"tracking": {"outcome": "vacant_same_class_county", "path": "industrial"},
                    "clocks": {"decision": dict(CLOCK, stopped="2026-02-20", elapsed=35)}}, "closed",
                   date(2026, 2, 20), referred, [], set())
    assert (found["committee_finding"], found["disposition"]) == ("vacant_same_class_county",
                                                                 "vacant_same_class_county")
