"""Who may change the organisation's data, and who may read whose: administrators and HR write;
a head reads their unit's people; everyone reads themselves."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from workflows.errors import Forbidden
from workflows.org.roles import Role
from workflows.org.seats import seats

ADMINISTERING_ROLES = frozenset({Role.ADMIN, Role.HR})


def administers(session: Session, person_id: int, on: date) -> bool:
    """An administrator or an HR officer (in their own seat or as a deputy)."""
    return any(seat.role in ADMINISTERING_ROLES for seat in seats(session, person_id, on))


def require_administration(session: Session, person_id: int, on: date) -> None:
    """Refuse anyone but an administrator or an HR officer."""
    if not administers(session, person_id, on):
        raise Forbidden("only administrators and HR change the organisation's data", person_id=person_id)
