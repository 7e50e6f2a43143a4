"""The period a report covers: a quarter, a year or any range of days (local calendar dates)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from workflows.calendar import add_months
from workflows.errors import ValidationFailed, field_error

KINDS = ("quarter", "year", "custom")
# The longest custom period a report reads: ten years of records is more than any form keeps.
LONGEST_YEARS = 10


@dataclass(frozen=True)
class Period:
    kind: str  # quarter | year | custom
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "quarter":
            return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    @property
    def slug(self) -> str:
        return self.label.replace(" – ", "_").replace(" ", "-")

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def months(self) -> list[date]:
        """The first day of each month the period touches, for the hours-over-time series."""
        found, month = [], self.start.replace(day=1)
        while month <= self.end:
            found.append(month)
            month = add_months(month, 1)
        return found


def year(number: int) -> Period:
    return Period("year", date(number, 1, 1), date(number, 12, 31))


def quarter(number: int, which: int) -> Period:
    start = date(number, 3 * (which - 1) + 1, 1)
    return Period("quarter", start, add_months(start, 3) - timedelta(days=1))


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def custom(start: date, end: date) -> Period:
    return Period("custom", start, end)


def _year(raw: str | None, field: str) -> int:
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4 and 1900 < int(text) < 2200):
        raise ValidationFailed([field_error(field, "type_integer")])
    return int(text)


def _day(raw: str | None, field: str) -> date:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        raise ValidationFailed([field_error(field, "format_date")]) from None


def parse_period(
    kind: str | None,
    year_text: str | None,
    quarter_text: str | None,
    start: str | None,
    end: str | None,
    today: date,
) -> Period:
    """The period a report's form asks for; the current year when nothing is asked, a clear field
    error (never a guess) when something is asked wrongly."""
    kind = kind or "year"
    if kind not in KINDS:
        raise ValidationFailed([field_error("period", "enum")])
    if kind == "custom":
        first, last = _day(start, "start"), _day(end, "end")
        if last < first:
            raise ValidationFailed([field_error("end", "date_range", start=first.isoformat())])
        if last > add_months(first, 12 * LONGEST_YEARS):
            raise ValidationFailed([field_error("end", "maximum", limit=f"{LONGEST_YEARS} × 12")])
        return custom(first, last)
    number = _year(year_text, "year") if year_text else today.year
    if kind == "year":
        return year(number)
    text = (quarter_text or "").strip()
    if not text:
        return quarter_of(today) if number == today.year else quarter(number, 1)
    if text not in ("1", "2", "3", "4"):
        raise ValidationFailed([field_error("quarter", "enum")])
    return quarter(number, int(text))
