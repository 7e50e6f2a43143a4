"""Form validation: the JSON Schema of a task's form, then the named checks the diagram asks for."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from workflows.calendar import add_days, days_between
from workflows.errors import FieldError

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"
_DOCUMENT_ID = re.compile(r"^[0-9a-f]{32}$")

_format_checker = FormatChecker()


@_format_checker.checks("document")
def _is_document_id(value: object) -> bool:
    return not isinstance(value, str) or bool(_DOCUMENT_ID.match(value))


def load_forms(directory: Path = FORMS_DIR) -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text("utf-8")) for path in sorted(directory.glob("*.json"))}


def document_fields(schema: dict[str, Any]) -> list[str]:
    return [name for name, prop in schema.get("properties", {}).items() if prop.get("format") == "document"]


def _field_of(error: ValidationError) -> tuple[str, dict[str, Any]]:
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        return (missing[0] if missing else ""), {}
    if error.validator == "additionalProperties":
        return "", {}
    path = [str(part) for part in error.absolute_path]
    return ".".join(path), {"limit": error.validator_value} if not isinstance(
        error.validator_value, dict
    ) else {}


def validate_against(schema: dict[str, Any], data: dict[str, Any]) -> list[FieldError]:
    """Every schema violation, one per field (the first found), in a stable order."""
    validator = Draft202012Validator(schema, format_checker=_format_checker)
    errors: dict[str, FieldError] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: (list(e.absolute_path), e.validator)):
        leaves = (
            error.context if error.validator in {"allOf", "anyOf", "oneOf"} and error.context else [error]
        )
        for leaf in leaves:
            name, params = _field_of(leaf)
            errors.setdefault(name, FieldError(name, str(leaf.validator), leaf.message, params))
    return list(errors.values())


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
    message = (
        f"The course must start at least {lead} days after the application: the earliest start for an "
        f"application today is {params['earliest_start']}; for this course the last day to apply was "
        f"{params['last_day_to_apply']}"
    )
    return [FieldError("start_date", "lead_time", message, params)]


def check_date_range(data: dict[str, Any], ctx: CheckContext) -> list[FieldError]:
    start, end = _date(data, "start_date"), _date(data, "end_date")
    if start is None or end is None or end >= start:
        return []
    return [
        FieldError(
            "end_date", "date_range", "The end date is before the start date", {"start": start.isoformat()}
        )
    ]


def check_funding(data: dict[str, Any], ctx: CheckContext) -> list[FieldError]:
    source, cost = data.get("funding_source"), data.get("cost")
    if source == "university" and not (isinstance(cost, int | float) and cost > 0):
        return [FieldError("cost", "funding_cost_required", "A university-funded course needs its cost")]
    if source == "own" and cost not in (None, 0):
        return [
            FieldError(
                "cost",
                "funding_own_no_cost",
                "With own funds the university pays nothing: leave the cost empty",
            )
        ]
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
