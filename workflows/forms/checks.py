"""Validating a submission: the JSON Schema of the task's form, then the named checks the diagram asks
for (the lead time before a course, a date range, funding and cost)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from workflows.calendar import add_days, days_between
from workflows.errors import FieldError, field_error
from workflows.forms.schema import validate_against


@dataclass(frozen=True)
class CheckContext:
    today: date
    policy: dict[str, Any]


Check = Callable[[dict[str, Any], CheckContext], list[FieldError]]


def _date(data: dict[str, Any], name: str) -> date | None:
    try:
        return date.fromisoformat(data[name])
    except (KeyError, TypeError, ValueError):
        return None  # the schema already reports a missing or malformed date


def check_lead_time(data: dict[str, Any], ctx: CheckContext) -> list[FieldError]:
    """001 §7.1: the application is filed no later than N calendar days before the start."""
    start = _date(data, "start_date")
    lead = int(ctx.policy.get("lead_time_days", 0))
    if start is None or days_between(ctx.today, start) >= lead:
        return []
    params = {
        "lead_days": lead,
        "earliest_start": add_days(ctx.today, lead).isoformat(),
        "last_day_to_apply": add_days(start, -lead).isoformat(),
    }
    return [field_error("start_date", "lead_time", "", **params)]


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


CHECKS: dict[str, Check] = {
    "lead_time": check_lead_time,
    "date_range": check_date_range,
    "funding": check_funding,
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
