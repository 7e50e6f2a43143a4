"""What a completed case tells the training file: the application's form and mode in the file's
terms, and the certificate as the competence centre verified it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

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


def case_training(data: dict[str, Any], validity_years: int) -> CaseTraining:
    """The file's fields from a case's data; validity defaults to the issue date (or the course's
    end) plus the policy's years."""
    form = _FORMS.get(str(data.get("training_form") or ""))
    mode = _MODES.get(str(data.get("mode") or ""))
    if data.get("training_form") == "online_course":
        mode = TrainingMode.ONLINE
    issued = _day(data.get("certificate_issued_on"))
    until = _day(data.get("valid_until"))
    if until is None:
        base = issued or _day(data.get("end_date"))
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
