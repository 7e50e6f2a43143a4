"""Which kinds of notice a person also wants by email. The in-app notices always appear; the worker
skips the email of a kind the person switched off (`email.compose`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from workflows.errors import NotFound, ValidationFailed, field_error
from workflows.messaging.models import NoticeKind
from workflows.org.models import Person


@dataclass(frozen=True)
class EmailChoice:
    kind: str
    by_email: bool


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None or not person.is_active:
        raise NotFound("no such person", person_id=person_id)
    return person


def email_choices(session: Session, person_id: int) -> list[EmailChoice]:
    """Every notice kind, in the order the product knows them, and whether it comes by email."""
    off = _person(session, person_id).email_notices or {}
    return [EmailChoice(kind.value, off.get(kind.value) is not False) for kind in NoticeKind]


def set_email_choices(session: Session, person_id: int, wanted: Iterable[str]) -> list[EmailChoice]:
    """Emails for the kinds in `wanted`, none for the others; an unknown kind changes nothing."""
    person = _person(session, person_id)
    chosen = set(wanted)
    known = {kind.value for kind in NoticeKind}
    if not chosen <= known:
        raise ValidationFailed([field_error("email", "enum")])
    person.email_notices = {kind: False for kind in sorted(known - chosen)}
    session.flush()
    return email_choices(session, person_id)
