"""Reading and changing the records policy (one row): certificate validity, when certificates are
flagged as expiring, how many months ahead people are reminded, and the day of the year next
year's list goes out. HR and administrators change it; every change is in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.clock import Clock
from workflows.errors import FieldError, ValidationFailed, field_error
from workflows.org.audit import Subject, changes, record_change
from workflows.org.authority import require_administration
from workflows.records.settings import records_setting

# The range each number may take (a sanity bound on what HR types, not the policy itself).
LIMITS = {
    "certificate_validity_years": (1, 50),
    "expiring_within_months": (0, 60),
    "remind_months": (0, 60),
}
LEAP_YEAR = 2024  # "02-29" is a day of the year


@dataclass(frozen=True)
class RecordsPolicy:
    certificate_validity_years: int
    expiring_within_months: int
    remind_months: int
    next_year_list_on: str  # MM-DD


def records_policy(session: Session, actor_id: int, on: date) -> RecordsPolicy:
    """The policy as its settings page shows it (to HR and administrators only)."""
    require_administration(session, actor_id, on)
    return _policy(session)


def _policy(session: Session) -> RecordsPolicy:
    s = records_setting(session)
    return RecordsPolicy(
        s.certificate_validity_years, s.expiring_within_months, s.remind_months, s.next_year_list_on
    )


def _number(name: str, raw: str, errors: list[FieldError]) -> int | None:
    low, high = LIMITS[name]
    text = raw.strip()
    if not text:
        errors.append(field_error(name, "required"))
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        errors.append(field_error(name, "type_integer"))
        return None
    value = int(text)
    if value < low:
        errors.append(field_error(name, "minimum", limit=low))
    elif value > high:
        errors.append(field_error(name, "maximum", limit=high))
    else:
        return value
    return None


def _day_of_year(raw: str, errors: list[FieldError]) -> str | None:
    text = raw.strip()
    try:
        month, day = text.split("-")
        if not (month.isascii() and day.isascii() and len(month) == 2 and len(day) == 2):
            raise ValueError(text)
        date(LEAP_YEAR, int(month), int(day))
    except ValueError:
        errors.append(field_error("next_year_list_on", "day_of_year", "Enter a day of the year as MM-DD."))
        return None
    return text


def change_records_policy(
    session: Session, actor_id: int, clock: Clock, form: dict[str, str]
) -> RecordsPolicy:
    """Set the policy from the form's texts; refused wholesale when any value is wrong."""
    require_administration(session, actor_id, local_date(clock.now()))
    errors: list[FieldError] = []
    values: dict[str, Any] = {name: _number(name, form.get(name, ""), errors) for name in LIMITS}
    values["next_year_list_on"] = _day_of_year(form.get("next_year_list_on", ""), errors)
    if errors:
        raise ValidationFailed(errors)
    setting = records_setting(session)
    before = {name: getattr(setting, name) for name in values}
    for name, value in values.items():
        setattr(setting, name, value)
    setting.updated_at, setting.updated_by_id = clock.now(), actor_id
    changed = changes(before, values)
    if changed:
        record_change(
            session, actor_id, "records_policy_changed", Subject.RECORDS_SETTING, setting.id, clock, changed
        )
    session.flush()
    return _policy(session)
