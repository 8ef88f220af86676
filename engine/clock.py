"""The single source of "now" for raflow and SpiffWorkflow's timers.

SpiffWorkflow's timer module calls `datetime.now(timezone.utc)` through its own module name
`datetime`; `install()` rebinds that name to a subclass whose `now()` reads our clock, so timers,
calendars and the worker always agree. Tests freeze and advance it; demos use a file clock
(`RAFLOW_CLOCK=file:PATH`) that `raflow clock set|advance` moves.
"""

from __future__ import annotations

import os
import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to."""

    def __init__(self, at: datetime):
        self._at = _aware(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = _aware(at)

    def advance(self, delta: timedelta) -> None:
        self._at += delta


class FileClock:
    """Simulated time for training and demos: now is the ISO instant stored in a file.

    If the file does not exist yet, the clock runs in real time until someone sets it.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._cache: tuple[float, datetime] | None = None

    def now(self) -> datetime:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            return datetime.now(UTC)
        if self._cache is None or self._cache[0] != mtime:
            self._cache = (mtime, parse_instant(self.path.read_text().strip()))
        return self._cache[1]

    def set(self, at: datetime) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(_aware(at).isoformat() + "\n")
        tmp.replace(self.path)

    def advance(self, delta: timedelta) -> None:
        self.set(self.now() + delta)


_lock = threading.Lock()
_current: SystemClock | FrozenClock | FileClock = SystemClock()


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return _current.now()


def get_clock():
    return _current


def set_clock(clock) -> None:
    global _current
    with _lock:
        _current = clock


def clock_from_env(value: str | None = None):
    """Build the clock named by RAFLOW_CLOCK: unset or "system" is real time, "file:PATH" simulated."""
    value = os.environ.get("RAFLOW_CLOCK", "") if value is None else value
    if not value or value == "system":
        return SystemClock()
    if value.startswith("file:") and len(value) > 5:
        return FileClock(value[5:])
    raise ValueError(f"RAFLOW_CLOCK must be 'system' or 'file:PATH', not {value!r}")


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; without an offset it is read as UTC."""
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 date-time: {text!r}") from None
    return _aware(dt)


_DURATION = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(d|h|m|s|w)\s*$", re.IGNORECASE)
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_duration(text: str) -> timedelta:
    """`3d`, `12h`, `30m`, `45s`, `2w` (what `raflow clock advance` takes)."""
    m = _DURATION.match(text or "")
    if not m:
        raise ValueError(f"not a duration like 3d, 12h, 30m, 2w: {text!r}")
    return timedelta(**{_UNITS[m.group(2).lower()]: float(m.group(1))})


def _aware(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


class _ClockDatetime(datetime):
    """Stands in for `datetime` inside SpiffWorkflow's timer module."""

    @classmethod
    def now(cls, tz=None):
        current = _current.now()
        return current if tz is None or tz is UTC else current.astimezone(tz)


_installed = False


def install() -> None:
    """Point SpiffWorkflow's timer module at our clock (idempotent)."""
    global _installed
    if _installed:
        return
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    timer.datetime = _ClockDatetime
    _installed = True


def wall_now() -> datetime:
    """Real time, for security timers (sessions, sign-in throttle) that a simulated clock must not move."""
    return datetime.now(UTC)
