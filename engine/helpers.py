"""The functions diagrams may call from scripts, conditions and timer texts (docs/authoring.md).

Dates cross the sandbox boundary as "YYYY-MM-DD" strings and instants as ISO strings in UTC with
"Z", so task data stays plain JSON and timer texts are what SpiffWorkflow expects. Case clocks live
in the top workflow's data under "clocks" (LegalClock dicts), so they persist with the case.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from . import clock
from .calendars import Calendar, ClockError, LegalClock, parse_date
from .errors import ClockRefused, FieldError, ScriptError

CLOCKS_KEY = "clocks"
TRACKING_KEY = "tracking"
# A held clock has no due date; its timers wait here until it resumes.
FAR_FUTURE = "9999-12-31T00:00:00Z"


def iso_instant(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _d(value) -> date:
    try:
        return parse_date(value)
    except ValueError as err:
        raise ScriptError(str(err)) from None


class CaseHelpers:
    """Helpers bound to one jurisdiction and one running case (its top workflow's data)."""

    def __init__(self, calendar: Calendar, parameters: dict, case_data: dict):
        self.calendar = calendar
        self.parameters = parameters
        self.data = case_data

    # -- dates -----------------------------------------------------------------------------
    def today(self) -> str:
        return self.calendar.local_date(clock.now()).isoformat()

    def now(self) -> str:
        return iso_instant(clock.now())

    def add_calendar_days(self, d, n) -> str:
        return self.calendar.add_calendar_days(_d(d), int(n)).isoformat()

    def add_business_days(self, d, n) -> str:
        return self.calendar.add_business_days(_d(d), int(n)).isoformat()

    def today_plus_calendar_days(self, n) -> str:
        return self.add_calendar_days(self.today(), n)

    def is_business_day(self, d) -> bool:
        return self.calendar.is_business_day(_d(d))

    def calendar_days_between(self, a, b) -> int:
        return self.calendar.calendar_days_between(_d(a), _d(b))

    def business_days_between(self, a, b) -> int:
        return self.calendar.business_days_between(_d(a), _d(b))

    def end_of_day(self, d) -> str:
        return iso_instant(self.calendar.end_of_day(_d(d)))

    def param(self, name):
        if name not in self.parameters:
            raise ScriptError(f"unknown policy parameter {name!r}; define it in jurisdiction.toml [parameters]")
        return self.parameters[name]

    # -- clocks ----------------------------------------------------------------------------
    def _clocks(self) -> dict:
        return self.data.setdefault(CLOCKS_KEY, {})

    def _clock(self, name) -> LegalClock:
        raw = self._clocks().get(name)
        if raw is None:
            raise ScriptError(f"clock {name!r} has not been started (call clock_start first)")
        return LegalClock.from_dict(raw)

    def _save(self, lc: LegalClock) -> None:
        self._clocks()[lc.name] = lc.to_dict()

    def _change(self, name, action) -> None:
        lc = self._clock(name)
        try:
            action(lc)
        except ClockError as err:  # the message names the clock already
            raise ClockRefused(str(err)) from None
        self._save(lc)

    def clock_start(self, name, start_date, days) -> str:
        lc = LegalClock(name=str(name), start=_d(start_date), days=int(days))
        self._save(lc)
        return lc.due_date().isoformat()

    def clock_hold(self, name, reason, d=None) -> None:
        self._change(name, lambda lc: lc.hold(str(reason), _d(d or self.today())))

    def clock_resume(self, name, d=None) -> None:
        self._change(name, lambda lc: lc.resume(_d(d or self.today())))

    def clock_expedite(self, name, due_date, reason) -> None:
        self._change(name, lambda lc: lc.expedite(_d(due_date), str(reason)))

    def clock_stop(self, name, d=None) -> None:
        self._change(name, lambda lc: lc.stop(_d(d or self.today())))

    def clock_due_date(self, name) -> str | None:
        due = self._clock(name).due_date()
        return due.isoformat() if due else None

    def clock_due(self, name) -> str:
        due = self._clock(name).due_date()
        return FAR_FUTURE if due is None else self.end_of_day(due)

    def clock_is_running(self, name) -> bool:
        """Whether the clock was started and not stopped yet (a held clock is running): read-only."""
        raw = (self.data.get(CLOCKS_KEY) or {}).get(name)
        return raw is not None and raw.get("stopped") is None

    def clock_elapsed(self, name, d=None) -> int:
        return self._clock(name).elapsed(_d(d or self.today()))

    def track(self, name, value) -> None:
        if not isinstance(name, str) or not name or name.startswith("_"):
            raise ScriptError(f"track() needs a field name, not {name!r}")
        self.data.setdefault(TRACKING_KEY, {})[name] = value

    def field_error(self, name, message) -> None:
        """Refuse the step: `name` is the form field at fault, `message` what is wrong (no medical detail)."""
        if not isinstance(name, str) or not re.match(r"^[a-z][a-z0-9_]*$", name):
            raise ScriptError(f"field_error() needs a field name, not {name!r}")
        raise FieldError(name, str(message)[:300])

    NAMES = (
        "today", "now", "add_calendar_days", "add_business_days", "today_plus_calendar_days",
        "is_business_day", "calendar_days_between", "business_days_between", "end_of_day", "param",
        "clock_start", "clock_hold", "clock_resume", "clock_expedite", "clock_stop", "clock_due_date",
        "clock_due", "clock_elapsed", "clock_is_running", "track", "field_error",
    )

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.NAMES}


HELPER_NAMES = frozenset(CaseHelpers.NAMES)
