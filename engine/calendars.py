"""Business and calendar days per jurisdiction, and legal clocks held in abeyance.

Pure domain code: deadlines are legal obligations (Navy 1-4 "two business days", 4-1 "45 calendar
days less abeyance"), so this module is small, dependency-light and exhaustively tested.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAY = timedelta(days=1)


def parse_date(value) -> date:
    """A `date` from a date or a strict "YYYY-MM-DD" string; ValueError naming the value otherwise.

    Used on untrusted diagram and form input, so datetimes (a date subclass that would silently
    miss holiday lookups) and the looser ISO forms `date.fromisoformat` accepts are refused.
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"not a real calendar date: {shown}") from None
    raise ValueError(f"expected a date as YYYY-MM-DD, got {shown}")


class Calendar:
    """Business and calendar day arithmetic for one jurisdiction, in its time zone.

    Dates may be given as `date` or "YYYY-MM-DD" strings (diagram helpers pass strings).
    """

    def __init__(self, timezone: str, country: str = "US", subdiv: str | None = None,
                 categories: tuple[str, ...] | None = None, extra: tuple[date, ...] = (),
                 exclude: tuple[str, ...] = ()):
        try:
            self.tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValueError(f"unknown time zone: {timezone!r}") from None
        try:
            # Built once with no years: `expand` adds a year on first lookup (see _year).
            self._holidays = holidays.country_holidays(
                country, subdiv=subdiv or None, categories=tuple(categories) if categories else None)
        except (NotImplementedError, ValueError) as e:
            raise ValueError(f"holidays: {e}") from None
        self._extra = {parse_date(d): "Closure" for d in extra}
        # Holidays the package lists but the employer does not close for (e.g. California's Diwali).
        self._exclude = {name.casefold() for name in exclude}
        self._years: dict[int, dict[date, str]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: dict) -> Calendar:
        """From a parsed jurisdiction.toml (`timezone` and the optional `[holidays]` table)."""
        h = config.get("holidays", {})
        return cls(config["timezone"], country=h.get("country", "US"), subdiv=h.get("subdiv") or None,
                   categories=tuple(h["categories"]) if h.get("categories") else None,
                   extra=tuple(parse_date(d) for d in h.get("extra", ())),
                   exclude=tuple(h.get("exclude", ())))

    def _excluded(self, name: str) -> bool:
        """Excluded only if every holiday on that date is excluded ("Presidents' Day; Susan B. Anthony Day")."""
        return all(part.replace("(observed)", "").strip().casefold() in self._exclude for part in name.split(";"))

    def _year(self, year: int) -> dict[date, str]:
        """Holidays and closures of one year; cached because the holidays object is slow to query."""
        table = self._years.get(year)
        if table is None:
            with self._lock:
                date(year, 1, 1) in self._holidays  # noqa: B015 - populates the year (expand=True)
                table = {d: n for d, n in self._holidays.items()
                         if d.year == year and not self._excluded(n)}
                for d, n in self._extra.items():
                    if d.year == year:
                        table.setdefault(d, n)
                self._years[year] = table
        return table

    def holiday_name(self, d: date) -> str | None:
        d = parse_date(d)
        return self._year(d.year).get(d)

    def _is_business_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self._year(d.year)

    def is_business_day(self, d: date) -> bool:
        return self._is_business_day(parse_date(d))

    def add_calendar_days(self, d: date, n: int) -> date:
        return parse_date(d) + timedelta(days=n)

    def add_business_days(self, d: date, n: int) -> date:
        """The n-th business day after d (d never counts); n == 0 is d or the next business day."""
        d = parse_date(d)
        if n < 0:
            raise ValueError(f"business days to add must be >= 0, got {n}")
        if n == 0:
            while not self._is_business_day(d):
                d += _DAY
            return d
        while n:
            d += _DAY
            if self._is_business_day(d):
                n -= 1
        return d

    def business_days_between(self, a: date, b: date) -> int:
        """Business days in (a, b]; negative if b < a. Weekdays by arithmetic, then less holidays."""
        a, b = parse_date(a), parse_date(b)
        if b < a:
            return -self.business_days_between(b, a)

        def weekdays_through(d: date) -> int:  # weekdays from 0001-01-01 (a Monday) to d inclusive
            weeks, rest = divmod(d.toordinal(), 7)
            return weeks * 5 + min(rest, 5)

        closed = sum(1 for y in range(a.year, b.year + 1) for h in self._year(y)
                     if a < h <= b and h.weekday() < 5)
        return weekdays_through(b) - weekdays_through(a) - closed

    def calendar_days_between(self, a: date, b: date) -> int:
        return (parse_date(b) - parse_date(a)).days

    def local_date(self, instant: datetime) -> date:
        if not isinstance(instant, datetime) or instant.utcoffset() is None:
            raise ValueError(f"expected a timezone-aware datetime, got {instant!r}")
        return instant.astimezone(self.tz).date()

    def end_of_day(self, d: date) -> datetime:
        """The UTC instant local day d ends: local midnight starting d + 1 (DST-safe via zoneinfo)."""
        return datetime.combine(parse_date(d) + _DAY, time(0), tzinfo=self.tz).astimezone(UTC)


class ClockError(ValueError):
    """A clock operation that makes no sense (resume when not held, unknown clock...)."""


@dataclass
class Hold:
    reason: str
    start: date
    end: date | None = None


@dataclass
class LegalClock:
    """A deadline counted in calendar days from a start date, held in abeyance while the case waits
    on the requester (Navy 2-7/2-8), optionally expedited (4-2), stopped when the act happens."""

    name: str
    start: date
    days: int
    holds: list[Hold] = field(default_factory=list)
    expedited_due: date | None = None
    expedite_reason: str | None = None
    stopped: date | None = None

    def __post_init__(self):
        self.start = parse_date(self.start)
        if isinstance(self.days, bool) or not isinstance(self.days, int) or self.days < 0:
            raise ClockError(f"clock {self.name!r}: days must be a whole number >= 0, got {self.days!r}")

    def _not_before(self, on: date, what: str) -> date:
        """Dates only move forward: an act dated before the last recorded event would double count."""
        on = parse_date(on)
        last = max([self.start, *(h.end or h.start for h in self.holds)])
        if on < last:
            raise ClockError(f"clock {self.name!r}: cannot {what} on {on}, before {last}")
        return on

    def hold(self, reason: str, on: date) -> None:
        if self.stopped is not None:
            raise ClockError(f"clock {self.name!r} is stopped")
        if self.is_held:
            raise ClockError(f"clock {self.name!r} is already held")
        self.holds.append(Hold(reason, self._not_before(on, "hold")))

    def resume(self, on: date) -> None:
        if not self.is_held:
            raise ClockError(f"clock {self.name!r} is not held")
        self.holds[-1].end = self._not_before(on, "resume")

    def expedite(self, due: date, reason: str) -> None:
        due = parse_date(due)
        if self.stopped is not None:
            raise ClockError(f"clock {self.name!r} is stopped")
        normal = self.start + timedelta(days=self.days)
        if not self.start <= due <= normal:
            raise ClockError(f"clock {self.name!r}: expedited due {due} must be between {self.start} "
                             f"and the normal due date {normal}")
        self.expedited_due, self.expedite_reason = due, reason

    def stop(self, on: date) -> None:
        if self.stopped is not None:
            raise ClockError(f"clock {self.name!r} is already stopped")
        on = self._not_before(on, "stop")
        if self.is_held:
            self.holds[-1].end = on
        self.stopped = on

    @property
    def is_held(self) -> bool:
        return bool(self.holds) and self.holds[-1].end is None

    def days_held(self, as_of: date | None = None) -> int:
        """Days in abeyance; with as_of, only those up to as_of (an open hold counts to as_of)."""
        if as_of is None:
            return sum((h.end - h.start).days for h in self.holds if h.end is not None)
        as_of = parse_date(as_of)
        return sum(max(0, (min(h.end or as_of, as_of) - h.start).days) for h in self.holds)

    def due_date(self) -> date | None:
        """None while held: how long the requester takes is unknown until the clock resumes."""
        if self.is_held:
            return None
        base = self.expedited_due or self.start + timedelta(days=self.days)
        return base + timedelta(days=self.days_held())

    def elapsed(self, as_of: date) -> int:
        end = parse_date(as_of)
        if self.stopped is not None and self.stopped < end:
            end = self.stopped
        return (end - self.start).days - self.days_held(end)

    def met(self) -> bool | None:
        return None if self.stopped is None else self.stopped <= self.due_date()

    def to_dict(self) -> dict:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {"name": self.name, "start": iso(self.start), "days": self.days,
                "holds": [{"reason": h.reason, "start": iso(h.start), "end": iso(h.end)} for h in self.holds],
                "expedited_due": iso(self.expedited_due), "expedite_reason": self.expedite_reason,
                "stopped": iso(self.stopped)}

    @classmethod
    def from_dict(cls, d: dict) -> LegalClock:
        opt = lambda v: parse_date(v) if v is not None else None  # noqa: E731
        return cls(name=d["name"], start=parse_date(d["start"]), days=d["days"],
                   holds=[Hold(h["reason"], parse_date(h["start"]), opt(h.get("end")))
                          for h in d.get("holds", [])],
                   expedited_due=opt(d.get("expedited_due")), expedite_reason=d.get("expedite_reason"),
                   stopped=opt(d.get("stopped")))
