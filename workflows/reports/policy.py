"""Reading and changing the reports' policy (one row): how many days after a quarter's end its data
is asked for, how many days the heads have to send it, and from how many rows an export is made in
the background. HR and administrators change it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.clock import Clock
from workflows.errors import FieldError, ValidationFailed, field_error
from workflows.org.authority import require_administration
from workflows.reports.kept import ReportsSetting

# The range each number may take (a sanity bound on what HR types, not the policy itself).
LIMITS = {
    "quarterly_opens_after_days": (0, 60),
    "quarterly_due_days": (1, 90),
    "export_background_rows": (1, 1_000_000),
}


@dataclass(frozen=True)
class ReportsPolicy:
    quarterly_opens_after_days: int
    quarterly_due_days: int
    export_background_rows: int


def reports_policy(session: Session) -> ReportsSetting:
    found = session.get(ReportsSetting, 1)
    if found is None:
        found = ReportsSetting(id=1)
        session.add(found)
        session.flush()
    return found


def current_policy(session: Session) -> ReportsPolicy:
    s = reports_policy(session)
    return ReportsPolicy(s.quarterly_opens_after_days, s.quarterly_due_days, s.export_background_rows)


def whole_number(name: str, raw: str, low: int, high: int, errors: list[FieldError]) -> int | None:
    """A whole number typed into a policy form, between `low` and `high`; None and an error if not."""
    text = raw.strip()
    if not text:
        errors.append(field_error(name, "required"))
    elif not text.isascii() or not text.isdigit() or len(text) > 7:
        errors.append(field_error(name, "type_integer"))
    elif int(text) < low:
        errors.append(field_error(name, "minimum", limit=low))
    elif int(text) > high:
        errors.append(field_error(name, "maximum", limit=high))
    else:
        return int(text)
    return None


def change_reports_policy(
    session: Session, actor_id: int, clock: Clock, form: dict[str, str]
) -> ReportsPolicy:
    """Set the policy from the form's texts; refused wholesale when any value is wrong."""
    require_administration(session, actor_id, local_date(clock.now()))
    errors: list[FieldError] = []
    values = {name: whole_number(name, form.get(name, ""), *LIMITS[name], errors) for name in LIMITS}
    if errors:
        raise ValidationFailed(errors)
    setting = reports_policy(session)
    for name, value in values.items():
        setattr(setting, name, value)
    setting.updated_at, setting.updated_by_id = clock.now(), actor_id
    session.flush()
    return current_policy(session)
