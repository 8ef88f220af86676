"""Calendars and legal clocks on real 2026/2027 dates: the deadlines requesters and coordinators see."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine.calendars import Calendar, ClockError, Hold, LegalClock, parse_date

NAVY = Calendar("America/New_York")
CA = Calendar("America/Los_Angeles", subdiv="CA", extra=(date(2026, 12, 24), date(2026, 12, 31)))
D = date.fromisoformat


def utc(s: str) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=UTC)


# --- business days ---------------------------------------------------------------------------------

def test_forwarding_deadline_skips_mlk_monday():
    # Navy 1-4: request on Friday before MLK Day, forwarded "within 2 business days" -> Wednesday.
    assert NAVY.add_business_days(D("2026-01-16"), 2) == D("2026-01-21")
    assert NAVY.holiday_name(D("2026-01-19")) == "Martin Luther King Jr. Day"


def test_weekend_is_skipped():
    assert NAVY.add_business_days(D("2026-01-08"), 2) == D("2026-01-12")  # Thu -> Mon
    assert not NAVY.is_business_day(D("2026-01-10"))
    assert not NAVY.is_business_day(D("2026-01-11"))
    assert NAVY.is_business_day(D("2026-01-12"))


def test_observed_independence_day_friday_is_a_day_off():
    assert NAVY.holiday_name(D("2026-07-03")) == "Independence Day (observed)"
    assert not NAVY.is_business_day(D("2026-07-03"))
    assert NAVY.add_business_days(D("2026-07-02"), 1) == D("2026-07-06")


def test_christmas_eve_deadline_lands_after_christmas_weekend():
    assert NAVY.add_business_days(D("2026-12-24"), 2) == D("2026-12-29")


def test_new_year_across_the_year_boundary():
    assert NAVY.add_business_days(D("2026-12-31"), 1) == D("2027-01-04")
    assert NAVY.holiday_name(D("2027-01-01")) == "New Year's Day"
    # 2027's New Year's Day (observed) falls on Friday 2027-12-31, a day off in the old year.
    assert not NAVY.is_business_day(D("2027-12-31"))


def test_zero_business_days_from_saturday_is_next_business_day():
    assert NAVY.add_business_days(D("2026-01-17"), 0) == D("2026-01-20")  # Sat, Mon is MLK Day
    assert NAVY.add_business_days(D("2026-01-15"), 0) == D("2026-01-15")


def test_negative_business_days_refused():
    with pytest.raises(ValueError):
        NAVY.add_business_days(D("2026-01-15"), -1)


def test_business_days_between_counts_around_a_holiday():
    assert NAVY.business_days_between(D("2026-01-16"), D("2026-01-21")) == 2
    assert NAVY.business_days_between(D("2026-01-21"), D("2026-01-16")) == -2
    assert NAVY.business_days_between(D("2026-01-05"), D("2026-01-12")) == 5
    assert NAVY.business_days_between(D("2026-01-16"), D("2026-01-16")) == 0
    # 261 weekdays in 2026, 11 federal holidays on weekdays (July 4 is a Saturday, July 3 observed).
    assert NAVY.business_days_between(D("2025-12-31"), D("2026-12-31")) == 250


def test_calendar_days_and_iso_strings():
    assert NAVY.add_calendar_days(D("2026-03-02"), 45) == D("2026-04-16")
    assert NAVY.calendar_days_between(D("2026-03-02"), D("2026-04-16")) == 45
    assert NAVY.calendar_days_between(D("2026-04-16"), D("2026-03-02")) == -45
    assert NAVY.add_business_days("2026-01-16", 2) == D("2026-01-21")


# --- time zones ------------------------------------------------------------------------------------

@pytest.mark.parametrize("cal, day, ends", [
    (NAVY, "2026-01-15", "2026-01-16T05:00"),  # EST
    (NAVY, "2026-07-15", "2026-07-16T04:00"),  # EDT
    (NAVY, "2026-03-07", "2026-03-08T05:00"),
    (NAVY, "2026-03-08", "2026-03-09T04:00"),  # spring forward: a 23-hour day
    (NAVY, "2026-10-31", "2026-11-01T04:00"),
    (NAVY, "2026-11-01", "2026-11-02T05:00"),  # fall back: a 25-hour day
    (CA, "2026-01-15", "2026-01-16T08:00"),
    (CA, "2026-07-15", "2026-07-16T07:00"),
    (CA, "2026-03-08", "2026-03-09T07:00"),
    (CA, "2026-11-01", "2026-11-02T08:00"),
])
def test_deadline_timer_fires_at_local_midnight(cal, day, ends):
    got = cal.end_of_day(D(day))
    assert got == utc(ends) and got.utcoffset() == timedelta(0)


def test_dst_days_have_23_and_25_hours():
    assert NAVY.end_of_day(D("2026-03-08")) - NAVY.end_of_day(D("2026-03-07")) == timedelta(hours=23)
    assert NAVY.end_of_day(D("2026-11-01")) - NAVY.end_of_day(D("2026-10-31")) == timedelta(hours=25)


def test_local_date_is_the_jurisdictions_date():
    assert NAVY.local_date(utc("2026-01-16T03:00")) == D("2026-01-15")
    assert CA.local_date(utc("2026-01-16T07:59")) == D("2026-01-15")
    assert NAVY.local_date(utc("2026-01-16T05:00")) == D("2026-01-16")
    with pytest.raises(ValueError):
        NAVY.local_date(datetime(2026, 1, 16, 3))


# --- California and configuration ------------------------------------------------------------------

def test_california_state_holidays_are_days_off():
    assert CA.holiday_name(D("2026-03-31")) == "Cesar Chavez Day"
    assert not CA.is_business_day(D("2026-03-31"))
    assert NAVY.is_business_day(D("2026-03-31"))
    assert CA.holiday_name(D("2026-11-27")) == "Day After Thanksgiving"
    assert CA.add_business_days(D("2026-11-25"), 1) == D("2026-11-30")
    # The package's California list has no Columbus Day.
    assert CA.is_business_day(D("2026-10-12")) and not NAVY.is_business_day(D("2026-10-12"))


def test_extra_closure_dates_are_days_off():
    assert CA.holiday_name(D("2026-12-24")) == "Closure"
    assert NAVY.is_business_day(D("2026-12-24")) and not CA.is_business_day(D("2026-12-24"))
    assert CA.add_business_days(D("2026-12-23"), 1) == D("2026-12-28")
    assert CA.business_days_between(D("2026-12-23"), D("2026-12-31")) == 3  # 28, 29, 30


def test_from_config_reads_jurisdiction_toml():
    cal = Calendar.from_config({"timezone": "America/Los_Angeles", "holidays": {
        "country": "US", "subdiv": "CA", "categories": ["public"], "extra": ["2026-08-14"]}})
    assert not cal.is_business_day(D("2026-03-31")) and cal.holiday_name(D("2026-08-14")) == "Closure"
    cal = Calendar.from_config({"timezone": "America/New_York", "holidays": {"subdiv": "", "extra": []}})
    assert cal.is_business_day(D("2026-03-31")) and not cal.is_business_day(D("2026-01-19"))
    assert Calendar.from_config({"timezone": "UTC"}).holiday_name(D("2026-12-25")) == "Christmas Day"


@pytest.mark.parametrize("config", [
    {"timezone": "Mars/Olympus"}, {"timezone": "../etc/passwd"},
    {"timezone": "UTC", "holidays": {"country": "XX"}},
    {"timezone": "UTC", "holidays": {"subdiv": "ZZ"}},
    {"timezone": "UTC", "holidays": {"extra": ["2026-13-01"]}},
])
def test_bad_config_is_a_value_error(config):
    with pytest.raises(ValueError):
        Calendar.from_config(config)


@settings(deadline=None)
@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)), st.integers(0, 30))
def test_adding_business_days_round_trips(d, n):
    assume(NAVY.is_business_day(d))
    result = NAVY.add_business_days(d, n)
    assert NAVY.is_business_day(result)
    assert NAVY.business_days_between(d, result) == n


# --- legal clocks ----------------------------------------------------------------------------------

def clock(**kw) -> LegalClock:
    return LegalClock("decision", D("2026-03-02"), 45, **kw)


def test_decision_due_45_calendar_days_after_request():
    assert clock().due_date() == D("2026-04-16")


def test_medical_documentation_abeyance_moves_due_date():
    c = clock()
    c.hold("medical documentation requested", D("2026-03-07"))  # day 5
    assert c.is_held and c.due_date() is None  # unknown until the documents arrive
    c.resume(D("2026-03-27"))  # day 25
    assert not c.is_held and c.days_held() == 20
    assert c.due_date() == D("2026-05-06")  # day 65


def test_holiday_inside_a_hold_counts_like_any_held_day():
    c = LegalClock("decision", D("2026-05-11"), 45)
    c.hold("medical documentation requested", D("2026-05-20"))
    c.resume(D("2026-05-27"))  # Memorial Day 5/25 inside: calendar days, 7 held
    assert c.due_date() == D("2026-06-25") + timedelta(days=7)


def test_two_holds_add_up():
    c = clock()
    c.hold("medical documentation requested", D("2026-03-07"))
    c.resume(D("2026-03-27"))
    c.hold("supplemental medical information", D("2026-04-10"))
    c.resume(D("2026-04-15"))
    assert c.days_held() == 25 and c.due_date() == D("2026-05-11")


def test_elapsed_excludes_abeyance():
    c = clock()
    c.hold("medical documentation requested", D("2026-03-07"))
    assert c.elapsed(D("2026-03-17")) == 5  # frozen while held
    assert c.days_held() == 0 and c.days_held(D("2026-03-17")) == 10
    c.resume(D("2026-03-27"))
    assert c.elapsed(D("2026-04-01")) == 10
    assert c.elapsed(D("2026-03-10")) == 5  # looking back to a day inside the hold
    c.stop(D("2026-04-06"))
    assert c.elapsed(D("2026-12-01")) == 15  # counts only to the stop


def test_expedite_shortens_and_holds_still_move_it():
    c = clock()
    c.expedite(D("2026-03-20"), "training starts 3/23")
    assert c.due_date() == D("2026-03-20") and c.expedite_reason == "training starts 3/23"
    c.hold("medical documentation requested", D("2026-03-10"))
    c.resume(D("2026-03-13"))
    assert c.due_date() == D("2026-03-23")


def test_stop_before_due_meets_it_and_after_misses_it():
    c = clock()
    assert c.met() is None
    c.stop(D("2026-04-16"))
    assert c.met() is True
    late = clock()
    late.stop(D("2026-04-17"))
    assert late.met() is False


def test_stop_while_held_closes_the_hold():
    c = clock()
    c.hold("medical documentation requested", D("2026-03-07"))
    c.stop(D("2026-03-10"))  # e.g. withdrawal while waiting for documents
    assert not c.is_held and c.holds[-1].end == D("2026-03-10")
    assert c.due_date() == D("2026-04-19") and c.met() is True


@pytest.mark.parametrize("act", [
    lambda c: c.resume(D("2026-03-10")),  # not held
    lambda c: (c.hold("a", D("2026-03-07")), c.hold("b", D("2026-03-08"))),  # held twice
    lambda c: c.hold("a", D("2026-03-01")),  # before the start
    lambda c: (c.hold("a", D("2026-03-07")), c.resume(D("2026-03-06"))),  # resume before hold
    lambda c: (c.hold("a", D("2026-03-07")), c.resume(D("2026-03-27")), c.hold("b", D("2026-03-20"))),
    lambda c: c.expedite(D("2026-04-17"), "later than normal due"),
    lambda c: c.expedite(D("2026-03-01"), "before start"),
    lambda c: (c.stop(D("2026-03-10")), c.stop(D("2026-03-11"))),
    lambda c: (c.stop(D("2026-03-10")), c.hold("a", D("2026-03-11"))),
])
def test_nonsense_clock_operations_are_refused(act):
    with pytest.raises(ClockError):
        act(clock())


def test_clock_refuses_a_datetime_from_untrusted_input():
    with pytest.raises(ValueError, match="2026-03-07T00:00"):
        clock().hold("a", "2026-03-07T00:00")


def test_bad_days_refused():
    with pytest.raises(ClockError):
        LegalClock("decision", D("2026-03-02"), -1)


def test_clock_survives_json_round_trip():
    c = clock()
    c.hold("medical documentation requested", D("2026-03-07"))
    c.resume(D("2026-03-27"))
    c.hold("supplemental medical information", D("2026-04-10"))
    c.expedite(D("2026-04-01"), "time-bound need")
    data = json.loads(json.dumps(c.to_dict()))
    assert data["holds"][1] == {"reason": "supplemental medical information", "start": "2026-04-10",
                                "end": None}
    back = LegalClock.from_dict(data)
    assert back == c and back.holds[0] == Hold("medical documentation requested", D("2026-03-07"),
                                               D("2026-03-27"))
    back.resume(D("2026-04-12"))
    back.stop(D("2026-04-20"))
    assert LegalClock.from_dict(json.loads(json.dumps(back.to_dict()))) == back


# --- parse_date ------------------------------------------------------------------------------------

def test_parse_date_accepts_dates_and_iso_strings():
    assert parse_date(D("2026-01-16")) == parse_date("2026-01-16") == D("2026-01-16")


@pytest.mark.parametrize("bad", [
    "2026-02-30", "2026/01/16", "20260116", "2026-W03-5", " 2026-01-16", "", None, 20260116,
    datetime(2026, 1, 16), "x" * 500,
])
def test_parse_date_rejects_with_the_value_named(bad):
    with pytest.raises(ValueError) as e:
        parse_date(bad)
    assert repr(bad)[:20] in str(e.value) and len(str(e.value)) < 120


def test_excluded_holidays_are_business_days_for_that_employer():
    """California's list has Diwali and Susan B. Anthony Day; a county that stays open excludes them."""
    ca = Calendar("America/Los_Angeles", subdiv="CA")
    county = Calendar.from_config({"timezone": "America/Los_Angeles",
                                   "holidays": {"subdiv": "CA", "exclude": ["Diwali", "Susan B. Anthony Day"]}})
    assert not ca.is_business_day(date(2028, 10, 17)) and county.is_business_day(date(2028, 10, 17))
    assert not ca.is_business_day(date(2028, 2, 15)) and county.is_business_day(date(2028, 2, 15))
    assert not county.is_business_day(date(2028, 3, 31))  # Cesar Chavez Day stays a holiday
    assert not county.is_business_day(date(2028, 11, 10))  # Veterans Day (observed) stays too


def test_a_date_shared_by_an_excluded_and_an_observed_holiday_stays_a_holiday():
    """2027-02-15 is both Presidents' Day and Susan B. Anthony Day in California's list."""
    county = Calendar.from_config({"timezone": "America/Los_Angeles",
                                   "holidays": {"subdiv": "CA", "exclude": ["Diwali", "Susan B. Anthony Day"]}})
    assert not county.is_business_day(date(2027, 2, 15))
    assert not county.is_business_day(date(2034, 11, 10))  # Veterans Day (observed) and Diwali
