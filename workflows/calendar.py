"""Local dates and the Kazakhstan working-day calendar.

This module owns every conversion between stored instants (aware datetimes,
normally UTC) and the local calendar dates that deadlines are expressed in,
plus the statutory list of public holidays and the rule that moves a secular
holiday falling on a weekend to the next working day.

The holiday table reflects the Labour Code as in force since 2022 (Republic
Day on 25 October became a day off, 17 December stopped being one). Kurban
Ait follows the lunar calendar, so its first day is listed explicitly; for a
year missing from that table the day is left out and a warning is logged, and
callers should pass it through ``extra_holidays`` until the table is extended.
Individual day transfers announced by the government each year are not
derivable from any rule and are supplied through ``extra_holidays`` /
``extra_working_days``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import NamedTuple

__all__ = [
    "KURBAN_AIT",
    "LOCAL_TZ",
    "PUBLIC_HOLIDAYS",
    "Holiday",
    "WorkingCalendar",
    "add_days",
    "add_months",
    "day_start",
    "days_between",
    "local_date",
]

log = logging.getLogger(__name__)

# The whole country has been on UTC+5 since 1 March 2024. A fixed offset is
# used instead of ZoneInfo("Asia/Almaty") because servers with a tz database
# older than 2024a would still apply UTC+6 to Almaty and shift every local
# date computed near midnight. Kazakhstan has no daylight saving time, so a
# fixed offset is exact for all dates from that switch onwards.
LOCAL_TZ: tzinfo = timezone(timedelta(hours=5), "Asia/Almaty")


class Holiday(NamedTuple):
    month: int
    day: int
    name: str
    # Religious holidays are not moved when they fall on a weekend.
    religious: bool = False


PUBLIC_HOLIDAYS: tuple[Holiday, ...] = (
    Holiday(1, 1, "New Year"),
    Holiday(1, 2, "New Year"),
    Holiday(1, 7, "Orthodox Christmas", religious=True),
    Holiday(3, 8, "International Women's Day"),
    Holiday(3, 21, "Nauryz"),
    Holiday(3, 22, "Nauryz"),
    Holiday(3, 23, "Nauryz"),
    Holiday(5, 1, "Kazakhstan People's Unity Day"),
    Holiday(5, 7, "Defender of the Fatherland Day"),
    Holiday(5, 9, "Victory Day"),
    Holiday(7, 6, "Capital Day"),
    Holiday(8, 30, "Constitution Day"),
    Holiday(10, 25, "Republic Day"),
    Holiday(12, 16, "Independence Day"),
)

# First day of Kurban Ait (Eid al-Adha), as announced for Kazakhstan.
KURBAN_AIT: dict[int, date] = {
    2024: date(2024, 6, 16),
    2025: date(2025, 6, 6),
    2026: date(2026, 5, 27),
    2027: date(2027, 5, 16),
    2028: date(2028, 5, 5),
    2029: date(2029, 4, 24),
    2030: date(2030, 4, 13),
}

_SATURDAY = 5


def local_date(moment: datetime) -> date:
    """Return the Kazakhstan calendar date of an aware instant."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("local_date() needs an aware datetime; naive datetimes are ambiguous")
    return moment.astimezone(LOCAL_TZ).date()


def day_start(day: date) -> datetime:
    """Return local midnight at the start of ``day`` as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ).astimezone(UTC)


def add_days(day: date, n: int) -> date:
    return day + timedelta(days=n)


def _month_length(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - timedelta(days=1)).day


def add_months(day: date, n: int) -> date:
    """Shift by ``n`` calendar months, clamping to the last day of a shorter month."""
    index = day.year * 12 + (day.month - 1) + n
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return date(year, month, min(day.day, _month_length(year, month)))


def days_between(a: date, b: date) -> int:
    """Return ``b - a`` in days (negative when ``b`` is earlier)."""
    return (b - a).days


def _is_weekend(day: date) -> bool:
    return day.weekday() >= _SATURDAY


class WorkingCalendar:
    """Working days under the five-day week with Kazakhstan public holidays."""

    def __init__(
        self,
        extra_holidays: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
    ) -> None:
        self._extra_holidays = frozenset(extra_holidays)
        self._extra_working_days = frozenset(extra_working_days)
        overlap = self._extra_holidays & self._extra_working_days
        if overlap:
            listed = ", ".join(sorted(d.isoformat() for d in overlap))
            raise ValueError(f"dates declared both holiday and working day: {listed}")
        self._cache: dict[int, frozenset[date]] = {}

    def holidays(self, year: int) -> frozenset[date]:
        """Days off of ``year`` due to holidays, whatever the weekday they fall on.

        That is the statutory holidays, the days freed by the weekend rule and
        ``extra_holidays``, minus anything listed in ``extra_working_days``.
        """
        cached = self._cache.get(year)
        if cached is None:
            statutory = _statutory_days_off(year)
            extra = {d for d in self._extra_holidays if d.year == year}
            cached = frozenset((statutory | extra) - self._extra_working_days)
            self._cache[year] = cached
        return cached

    def is_working_day(self, day: date) -> bool:
        if day in self._extra_working_days:
            return True
        return not _is_weekend(day) and day not in self.holidays(day.year)

    def add_working_days(self, day: date, n: int) -> date:
        """Return the ``n``-th working day after ``day`` (before it when ``n`` < 0).

        ``day`` itself is never counted, so the result of a non-zero shift is
        always a working day; ``n == 0`` returns ``day`` unchanged.
        """
        step = 1 if n > 0 else -1
        remaining = abs(n)
        current = day
        while remaining:
            current += timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        return current


def _statutory_days_off(year: int) -> frozenset[date]:
    fixed = [(date(year, h.month, h.day), h.religious) for h in PUBLIC_HOLIDAYS]
    kurban = KURBAN_AIT.get(year)
    if kurban is None:
        log.warning("Kurban Ait %d is not in the holiday table; pass it via extra_holidays", year)
    else:
        fixed.append((kurban, True))

    days_off = {d for d, _ in fixed}
    # Labour Code art. 85: a secular holiday on a weekend moves the day off to
    # the next working day after it. Consecutive holidays (1-2 January,
    # Nauryz) each need their own free day, hence processing in date order
    # and skipping days already taken.
    for holiday, religious in sorted(fixed):
        if religious or not _is_weekend(holiday):
            continue
        moved = holiday + timedelta(days=1)
        while _is_weekend(moved) or moved in days_off:
            moved += timedelta(days=1)
        days_off.add(moved)
    return frozenset(days_off)
