"""Local dates (UTC+5) and the Kazakhstan working-day calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from workflows.calendar import (
    LOCAL_TZ,
    WorkingCalendar,
    add_days,
    add_months,
    day_start,
    days_between,
    local_date,
)


def test_local_zone_is_a_fixed_utc_plus_five() -> None:
    assert LOCAL_TZ.utcoffset(datetime(2026, 1, 15)) == timedelta(hours=5)
    assert LOCAL_TZ.utcoffset(datetime(2026, 7, 15)) == timedelta(hours=5)


def test_local_date_across_the_utc_midnight_boundary() -> None:
    assert local_date(datetime(2026, 3, 20, 18, 59, tzinfo=UTC)) == date(2026, 3, 20)
    assert local_date(datetime(2026, 3, 20, 19, 0, tzinfo=UTC)) == date(2026, 3, 21)
    assert local_date(datetime(2026, 3, 20, 19, 30, tzinfo=UTC)) == date(2026, 3, 21)
    # Any aware zone works, not only UTC.
    new_york = timezone(timedelta(hours=-5))
    assert local_date(datetime(2026, 3, 20, 14, 30, tzinfo=new_york)) == date(2026, 3, 21)


def test_local_date_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime(2026, 3, 20, 19, 30))


def test_day_start_is_local_midnight_in_utc() -> None:
    start = day_start(date(2026, 3, 21))
    assert start == datetime(2026, 3, 20, 19, 0, tzinfo=UTC)
    assert start.utcoffset() == timedelta(0)
    assert local_date(start) == date(2026, 3, 21)
    assert local_date(start - timedelta(microseconds=1)) == date(2026, 3, 20)


def test_add_days_and_days_between() -> None:
    assert add_days(date(2026, 2, 27), 2) == date(2026, 3, 1)
    assert add_days(date(2026, 1, 1), -1) == date(2025, 12, 31)
    assert days_between(date(2026, 3, 1), date(2026, 3, 21)) == 20
    assert days_between(date(2026, 3, 21), date(2026, 3, 1)) == -20
    assert days_between(date(2025, 12, 31), date(2026, 1, 1)) == 1


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 11, 30), 2, date(2027, 1, 30)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 5, 31), -15, date(2025, 2, 28)),
        (date(2026, 5, 31), 0, date(2026, 5, 31)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_holidays_of_2026() -> None:
    expected = {
        date(2026, 1, 1),
        date(2026, 1, 2),
        date(2026, 1, 7),
        date(2026, 3, 8),  # Sunday
        date(2026, 3, 9),  # ... so Monday is off
        date(2026, 3, 21),  # Saturday
        date(2026, 3, 22),  # Sunday
        date(2026, 3, 23),
        date(2026, 3, 24),  # moved from 21 March
        date(2026, 3, 25),  # moved from 22 March
        date(2026, 5, 1),
        date(2026, 5, 7),
        date(2026, 5, 9),  # Saturday
        date(2026, 5, 11),  # moved from 9 May
        date(2026, 5, 27),  # Kurban Ait
        date(2026, 7, 6),
        date(2026, 8, 30),  # Sunday
        date(2026, 8, 31),  # moved from 30 August
        date(2026, 10, 25),  # Sunday
        date(2026, 10, 26),  # moved from 25 October
        date(2026, 12, 16),
    }
    assert WorkingCalendar().holidays(2026) == expected
    assert date(2026, 12, 17) not in expected  # no longer a holiday since 2022


def test_secular_holiday_on_a_weekend_frees_the_next_working_day() -> None:
    calendar = WorkingCalendar()
    # 16 December 2028 is a Saturday, 2029 a Sunday.
    assert date(2028, 12, 16).weekday() == 5
    assert not calendar.is_working_day(date(2028, 12, 18))
    assert calendar.is_working_day(date(2028, 12, 19))
    assert date(2029, 12, 16).weekday() == 6
    assert not calendar.is_working_day(date(2029, 12, 17))
    # 1-2 January 2028 are Saturday and Sunday: each frees its own day.
    assert {date(2028, 1, 3), date(2028, 1, 4)} <= calendar.holidays(2028)
    assert calendar.is_working_day(date(2028, 1, 5))


def test_religious_holidays_are_not_moved() -> None:
    calendar = WorkingCalendar()
    # Orthodox Christmas 2029 and Kurban Ait 2027 fall on Sundays.
    assert date(2029, 1, 7).weekday() == 6
    assert calendar.is_working_day(date(2029, 1, 8))
    assert date(2027, 5, 16).weekday() == 6
    assert calendar.is_working_day(date(2027, 5, 17))
    assert not calendar.is_working_day(date(2026, 5, 27))  # a Wednesday Kurban Ait is off


def test_weekends_are_not_working_days() -> None:
    calendar = WorkingCalendar()
    assert calendar.is_working_day(date(2026, 4, 10))  # Friday
    assert not calendar.is_working_day(date(2026, 4, 11))
    assert not calendar.is_working_day(date(2026, 4, 12))
    assert calendar.is_working_day(date(2026, 4, 13))


def test_add_working_days_across_nauryz() -> None:
    calendar = WorkingCalendar()
    # Friday 20 March 2026; 21-25 March are off, 26 March is the first working day.
    assert calendar.add_working_days(date(2026, 3, 20), 1) == date(2026, 3, 26)
    assert calendar.add_working_days(date(2026, 3, 19), 3) == date(2026, 3, 27)


def test_add_working_days_across_a_weekend() -> None:
    calendar = WorkingCalendar()
    assert calendar.add_working_days(date(2026, 4, 9), 2) == date(2026, 4, 13)  # Thursday -> Monday
    assert calendar.add_working_days(date(2026, 4, 11), 1) == date(2026, 4, 13)  # from a Saturday
    assert calendar.add_working_days(date(2026, 4, 6), 10) == date(2026, 4, 20)


def test_add_working_days_backwards_and_zero() -> None:
    calendar = WorkingCalendar()
    assert calendar.add_working_days(date(2026, 3, 26), -1) == date(2026, 3, 20)
    assert calendar.add_working_days(date(2026, 4, 13), -1) == date(2026, 4, 10)
    assert calendar.add_working_days(date(2026, 4, 11), 0) == date(2026, 4, 11)
    assert calendar.add_working_days(date(2026, 4, 8), 0) == date(2026, 4, 8)


def test_government_transfers() -> None:
    # A decree makes Friday 3 July 2026 a day off and Saturday 11 July a working day.
    calendar = WorkingCalendar(extra_holidays=[date(2026, 7, 3)], extra_working_days=[date(2026, 7, 11)])
    assert date(2026, 7, 3) in calendar.holidays(2026)
    assert not calendar.is_working_day(date(2026, 7, 3))
    assert calendar.is_working_day(date(2026, 7, 11))
    assert date(2026, 7, 3) not in WorkingCalendar().holidays(2026)
    # Thursday 2 July + 1 -> Tuesday 7 July (3rd off, weekend, 6th is Capital Day).
    assert calendar.add_working_days(date(2026, 7, 2), 1) == date(2026, 7, 7)
    # Friday 10 July + 1 -> the working Saturday.
    assert calendar.add_working_days(date(2026, 7, 10), 1) == date(2026, 7, 11)


def test_a_day_cannot_be_both_holiday_and_working_day() -> None:
    with pytest.raises(ValueError, match="2026-07-03"):
        WorkingCalendar(extra_holidays=[date(2026, 7, 3)], extra_working_days=[date(2026, 7, 3)])


def test_year_without_kurban_ait_entry_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="workflows.calendar"):
        days_off = WorkingCalendar().holidays(2031)
    assert "Kurban Ait 2031" in caplog.text
    assert date(2031, 12, 16) in days_off
