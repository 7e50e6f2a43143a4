"""A collective internship (001 §7.7): one case, one order, several employees. The start form names
the other participants by personnel number; they are resolved here to active people, so that the
order's notice, the reminders and the training file reach each of them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.errors import FieldError, ValidationFailed, field_error
from workflows.forms.checks import participant_numbers
from workflows.org.models import Person

PARTICIPANTS_FIELD = "participants"


def resolve_participants(
    session: Session, schema: dict[str, Any], data: dict[str, Any], applicant_id: int
) -> dict[str, Any]:
    """The case data the participants add (ids and names); empty for a form without the field.
    An unknown or inactive number, or the applicant's own, is refused naming it."""
    if PARTICIPANTS_FIELD not in (schema.get("properties") or {}):
        return {}
    numbers = participant_numbers(data)
    found = {
        p.personnel_number: p
        for p in session.scalars(select(Person).where(Person.personnel_number.in_(numbers)))
        if p.is_active
    }
    errors: list[FieldError] = []
    for number in numbers:
        person = found.get(number)
        if person is None:
            errors.append(field_error(PARTICIPANTS_FIELD, "participant_unknown", number=number))
        elif person.id == applicant_id:
            errors.append(field_error(PARTICIPANTS_FIELD, "participant_is_applicant"))
    if errors:
        raise ValidationFailed(errors[:1])
    people = [found[n] for n in numbers]
    return {"participant_ids": [p.id for p in people], "participant_names": [p.full_name for p in people]}
