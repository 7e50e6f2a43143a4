"""Who may change the organisation's data, and who may read whose: administrators and HR write;
a head reads their unit's people; everyone reads themselves."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from workflows.errors import Forbidden
from workflows.org.roles import Role
from workflows.org.seats import descendants, seats

ADMINISTERING_ROLES = frozenset({Role.ADMIN, Role.HR})


def administers(session: Session, person_id: int, on: date) -> bool:
    """An administrator or an HR officer (in their own seat or as a deputy)."""
    return any(seat.role in ADMINISTERING_ROLES for seat in seats(session, person_id, on))


def require_administration(session: Session, person_id: int, on: date) -> None:
    """Refuse anyone but an administrator or an HR officer."""
    if not administers(session, person_id, on):
        raise Forbidden("only administrators and HR change the organisation's data", person_id=person_id)


# Heads read the people of their units and of the units below them.
HEAD_ROLES = frozenset({Role.DEPARTMENT_HEAD, Role.INSTITUTE_DIRECTOR})


def readable_units(session: Session, person_id: int, on: date) -> set[int] | None:
    """The units whose people the person may read: None for every unit (administrators and HR),
    a head's units and those below them, or none at all."""
    held = seats(session, person_id, on)
    if any(seat.role in ADMINISTERING_ROLES for seat in held):
        return None
    return descendants(session, {seat.org_unit_id for seat in held if seat.role in HEAD_ROLES})


def may_read_person(session: Session, actor_id: int, person_id: int, unit_id: int, on: date) -> bool:
    if actor_id == person_id:
        return True
    units = readable_units(session, actor_id, on)
    return units is None or unit_id in units


def require_reading_units(session: Session, actor_id: int, on: date) -> set[int] | None:
    """The units the actor reads (as `readable_units`); refuses someone who reads nobody else's."""
    units = readable_units(session, actor_id, on)
    if units is not None and not units:
        raise Forbidden(
            "only administrators, HR and heads read the organisation's people", person_id=actor_id
        )
    return units
