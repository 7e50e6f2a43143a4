"""Time as a dependency: every rule that depends on "now" gets a clock passed in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from workflows.calendar import local_date


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware UTC datetime."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to; tests and the demo move time with it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)


def today(clock: Clock) -> date:
    """The institution's local calendar date now."""
    return local_date(clock.now())
