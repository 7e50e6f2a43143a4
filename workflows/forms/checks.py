"""Validating a submission: the JSON Schema of the task's form, then the named checks the diagram asks
for (the lead time before a course, a date range, funding and cost)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workflows.calendar import add_days, days_between
from workflows.errors import FieldError, field_error
from workflows.forms.schema import validate_against


@dataclass(frozen=True)
class CheckContext:
    today: date
    policy: dict[str, Any]
    case: dict[str, Any] = field(default_factory=dict)  # the case's data so far; empty when applying


Check = Callable[[dict[str, Any], CheckContext], list[FieldError]]


def _date(data: dict[str, Any], name: str) -> date | None:
    try:
        return date.fromisoformat(data[name])
    except (KeyError, TypeError, ValueError):
        return None  # the schema already reports a missing or malformed date


def check_lead_time(data: dict[str, Any], ctx: CheckContext) -> list[FieldError]:
    """001 §7.1: the application is filed no later than N calendar days before the start.

    Counted from the first submission: an application returned for changes and sent again is
    late only if its new dates are too early for the day it was first filed.
    """
    start = _date(data, "start_date")
    lead = int(ctx.policy.get("lead_time_days", 0))
    filed = _date(ctx.case, "submitted_on") or ctx.today
    if start is None or days_between(filed, start) >= lead:
        return []
    params = {
        "lead_days": lead,
        "earliest_start": add_days(filed, lead).isoformat(),
        "last_day_to_apply": add_days(start, -lead).isoformat(),
    }
    code = "lead_time" if filed == ctx.today else "lead_time_first_filed"
    return [field_error("start_date", code, "", filed_on=filed.isoformat(), **params)]


def _limit(ctx: CheckContext, name: str) -> int | None:
    value = ctx.policy.get(name)
    return int(value) if isinstance(value, int | float) else None


def check_course_limits(data: dict[str, Any], ctx: CheckContext) -> list[FieldError]:
    """Dates and hours a real course can have, by the process's limits (abroad at most a year, 002 §3)."""
    start, end, hours = _date(data, "start_date"), _date(data, "end_date"), data.get("hours")
    errors: list[FieldError] = []
    ahead = _limit(ctx, "max_start_days_ahead")
    if start is not None and ahead is not None and days_between(ctx.today, start) > ahead:
        latest = add_days(ctx.today, ahead).isoformat()
        errors.append(field_error("start_date", "start_too_far", "", latest_start=latest, days=ahead))
    if start is None or end is None or end < start:
        return errors  # date_range reports an end before the start
    days = days_between(start, end) + 1
    longest = _limit(ctx, "max_course_days")
    if longest is not None and days > longest:
        errors.append(field_error("end_date", "course_too_long", "", days=days, max_days=longest))
    per_day = _limit(ctx, "max_hours_per_day")
    if isinstance(hours, int) and per_day is not None and hours > per_day * days:
        errors.append(
            field_error("hours", "too_many_hours", "", hours=hours, days=days, max_hours=per_day * days)
        )
    return errors


def check_order_date(data: dict[str, Any], ctx: CheckContext) -> list[FieldError]:
    """The order is dated between the application and today; dated after the course has started it
    needs the reason for the delay (the employee is not to be blamed for it)."""
    issued = _date(data, "order_date")
    if issued is None:
        return []
    filed = _date(ctx.case, "submitted_on")
    if issued > ctx.today:
        return [field_error("order_date", "order_in_future", "", today=ctx.today.isoformat())]
    if filed is not None and issued < filed:
        return [field_error("order_date", "order_before_application", "", filed_on=filed.isoformat())]
    start = _date(ctx.case, "start_date")
    if start is not None and issued > start and not str(data.get("late_reason") or "").strip():
        return [field_error("late_reason", "order_late_reason", "", start=start.isoformat())]
    return []


def check_counted_hours(data: dict[str, Any], ctx: CheckContext) -> list[FieldError]:
    """The hours counted in the record never exceed the course's own."""
    counted, hours = data.get("counted_hours"), ctx.case.get("hours")
    if isinstance(counted, int) and isinstance(hours, int) and counted > hours:
        return [field_error("counted_hours", "counted_over_course", "", hours=hours)]
    return []


def check_certificate_dates(data: dict[str, Any], ctx: CheckContext) -> list[FieldError]:
    """A certificate is issued no earlier than its course began and no later than today, and is
    valid from its issue date on."""
    issued, until = _date(data, "certificate_issued_on"), _date(data, "valid_until")
    start = _date(data, "start_date") or _date(ctx.case, "start_date")
    errors: list[FieldError] = []
    if issued is not None and issued > ctx.today:
        errors.append(
            field_error("certificate_issued_on", "issued_in_future", "", today=ctx.today.isoformat())
        )
    elif issued is not None and start is not None and issued < start:
        errors.append(
            field_error("certificate_issued_on", "issued_before_course", "", start=start.isoformat())
        )
    if issued is not None and until is not None and until < issued:
        errors.append(field_error("valid_until", "valid_before_issued", "", issued_on=issued.isoformat()))
    return errors


def check_date_range(data: dict[str, Any], ctx: CheckContext) -> list[FieldError]:
    start, end = _date(data, "start_date"), _date(data, "end_date")
    if start is None or end is None or end >= start:
        return []
    return [field_error("end_date", "date_range", "", start=start.isoformat())]


def check_funding(data: dict[str, Any], ctx: CheckContext) -> list[FieldError]:
    source, cost = data.get("funding_source"), data.get("cost")
    if source == "university" and not (isinstance(cost, int | float) and cost > 0):
        return [field_error("cost", "funding_cost_required")]
    if source == "own" and cost not in (None, 0):
        return [field_error("cost", "funding_own_no_cost")]
    return []


def check_journal_dates(data: dict[str, Any], ctx: CheckContext) -> list[FieldError]:
    """The nonconformity journal: a meeting is not held in the future, an action is not due in the past."""
    held, due = _date(data, "analysed_on"), _date(data, "action_due")
    errors: list[FieldError] = []
    if held is not None and held > ctx.today:
        errors.append(field_error("analysed_on", "held_in_future", "", today=ctx.today.isoformat()))
    if due is not None and due < ctx.today:
        errors.append(field_error("action_due", "due_in_past", "", today=ctx.today.isoformat()))
    return errors


def check_foreign_lead_time(data: dict[str, Any], ctx: CheckContext) -> list[FieldError]:
    """001 §7.5: the documents for an internship abroad are due well before it starts (the process's
    foreign_lead_days, counted from the first submission like the ordinary lead time)."""
    if data.get("host_location") != "abroad":
        return []
    start = _date(data, "start_date")
    lead = int(ctx.policy.get("foreign_lead_days", 0))
    filed = _date(ctx.case, "submitted_on") or ctx.today
    if start is None or days_between(filed, start) >= lead:
        return []
    params = {"lead_days": lead, "last_day_to_apply": add_days(start, -lead).isoformat()}
    return [field_error("start_date", "foreign_lead_time", "", **params)]


def participant_numbers(data: dict[str, Any]) -> list[str]:
    """The personnel numbers of a collective internship's other participants, one a line."""
    raw = str(data.get("participants") or "")
    return [line.strip() for line in raw.replace(",", "\n").splitlines() if line.strip()]


def check_participants(data: dict[str, Any], ctx: CheckContext) -> list[FieldError]:
    """001 §7.7: a collective internship names its other participants (at most the process's
    max_participants, none twice); an individual one names none."""
    numbers = participant_numbers(data)
    if data.get("internship_kind") != "collective":
        return [field_error("participants", "participants_individual")] if numbers else []
    limit = int(ctx.policy.get("max_participants", 0)) or None
    if limit is not None and len(numbers) > limit:
        return [field_error("participants", "participants_too_many", limit=limit)]
    if len(set(numbers)) != len(numbers):
        return [field_error("participants", "participants_twice")]
    return []


CHECKS: dict[str, Check] = {
    "lead_time": check_lead_time,
    "date_range": check_date_range,
    "funding": check_funding,
    "course_limits": check_course_limits,
    "order_date": check_order_date,
    "counted_hours": check_counted_hours,
    "certificate_dates": check_certificate_dates,
    "journal_dates": check_journal_dates,
    "foreign_lead_time": check_foreign_lead_time,
    "participants": check_participants,
}


def parse_checks(value: str | None) -> list[str]:
    return [name.strip() for name in (value or "").split(",") if name.strip()]


def validate_submission(
    schema: dict[str, Any], checks: list[str], data: dict[str, Any], ctx: CheckContext
) -> list[FieldError]:
    errors = validate_against(schema, data)
    failed = {e.field for e in errors}
    for name in checks:
        errors.extend(e for e in CHECKS[name](data, ctx) if e.field not in failed)
    return errors
