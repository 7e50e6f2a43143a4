"""What a completed case tells the training file: the application's form and mode in the file's
terms, and the certificate as the competence centre verified it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, String, cast, func, literal, literal_column

from workflows.calendar import add_months
from workflows.records.models import CertificateType, TrainingForm, TrainingMode

# The application form's choices (forms/application.json) → the file's.
_FORMS = {
    "course": TrainingForm.COURSE,
    "internship": TrainingForm.INTERNSHIP,
    "seminar": TrainingForm.SEMINAR,
    "conference": TrainingForm.CONFERENCE,
    "online_course": TrainingForm.COURSE,
    "webinar": TrainingForm.WEBINAR,
    "retraining": TrainingForm.RETRAINING,
    "dissertation_defence": TrainingForm.OTHER,
    "other": TrainingForm.OTHER,
}
_MODES = {
    "without_leaving_work": TrainingMode.OFFLINE,
    "leaving_work_paid": TrainingMode.OFFLINE,
    "abroad": TrainingMode.OFFLINE,
    "blended": TrainingMode.BLENDED,
    "distance": TrainingMode.ONLINE,
}


@dataclass(frozen=True)
class CaseTraining:
    form: TrainingForm | None
    mode: TrainingMode | None
    certificate_type: CertificateType | None
    certificate_number: str | None
    certificate_issued_on: date | None
    valid_until: date | None
    matches_disciplines: bool
    management: bool


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def valid_until(issued_on: date, validity_years: int) -> date:
    return add_months(issued_on, 12 * validity_years)


def _certificate_type(value: Any) -> CertificateType | None:
    try:
        return CertificateType(value) if value else None
    except ValueError:
        return None


def validity_base(data: dict[str, Any]) -> date | None:
    """The day a certificate's validity counts from: its issue date, else the course's end."""
    return _day(data.get("certificate_issued_on")) or _day(data.get("end_date"))


def valid_until_in_sql(issued_on: date, validity_years: Any, dialect: str) -> Any:
    """`valid_until(issued_on, years)` as the database works it out, for `validity_years` read in
    the same statement: whole years on, the 29th of February becoming the last day of February
    as `add_months` makes it (PostgreSQL's date arithmetic does so itself)."""
    if dialect == "postgresql":
        interval = validity_years * literal_column("INTERVAL '1 year'")
        return cast(cast(literal(issued_on, Date), Date) + interval, Date)
    years = literal("+").concat(cast(validity_years, String)).concat(" years")
    day = issued_on.isoformat()
    if (issued_on.month, issued_on.day) == (2, 29):
        return func.date(day, "start of month", years, "+1 month", "-1 day")
    return func.date(day, years)


def case_training(data: dict[str, Any], validity_years: int | None) -> CaseTraining:
    """The file's fields from a case's data; validity defaults to the issue date (or the course's
    end) plus the policy's years (left None without `validity_years`, for the caller to work out)."""
    form = _FORMS.get(str(data.get("training_form") or ""))
    mode = _MODES.get(str(data.get("mode") or ""))
    if data.get("training_form") == "online_course":
        mode = TrainingMode.ONLINE
    issued = _day(data.get("certificate_issued_on"))
    until = _day(data.get("valid_until"))
    if until is None and validity_years is not None:
        base = validity_base(data)
        until = valid_until(base, validity_years) if base else None
    number = str(data.get("certificate_number") or "").strip() or None
    return CaseTraining(
        form=form,
        mode=mode,
        certificate_type=_certificate_type(data.get("certificate_type")),
        certificate_number=number,
        certificate_issued_on=issued,
        valid_until=until,
        matches_disciplines=bool(data.get("matches_disciplines")),
        management=bool(data.get("management_training")),
    )
