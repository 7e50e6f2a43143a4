"""Who may see a person's training file, and what else they may do with it.

The person sees their own file; a head (department head, institute director) sees the files of the
people of the units at or below their seat; HR, the competence centre, the rector and administrators
see everyone's. HR and the centre keep the file (enter a record by hand, strike a wrong one); the
person, HR and administrators issue and revoke its extracts. Anyone else is told the file does not
exist: ids are not secrets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from workflows.errors import NotFound
from workflows.org.models import Person
from workflows.org.roles import Role
from workflows.org.seats import Seat, ancestors, seats

HEADS = frozenset({Role.DEPARTMENT_HEAD, Role.INSTITUTE_DIRECTOR})
SEES_EVERYONE = frozenset({Role.HR, Role.COMPETENCE_CENTRE, Role.RECTOR, Role.ADMIN})
KEEPS_FILES = frozenset({Role.HR, Role.COMPETENCE_CENTRE})
ISSUES_EXTRACTS = frozenset({Role.HR, Role.ADMIN})


@dataclass(frozen=True)
class FileAccess:
    person_id: int
    own: bool  # the reader's own file
    can_keep: bool  # enter records by hand, strike records
    can_issue: bool  # issue and revoke extracts


def _roles(held: list[Seat]) -> set[str]:
    return {s.role for s in held}


def file_access(session: Session, actor_id: int, person_id: int, on: date) -> FileAccess:
    """What `actor_id` may do with `person_id`'s file; NotFound when they may not see it (whether or
    not the person exists)."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("No such training file", person_id=person_id)
    held = seats(session, actor_id, on)
    roles = _roles(held)
    own = actor_id == person_id
    if not own and not roles & SEES_EVERYONE:
        heads = {s.org_unit_id for s in held if s.role in HEADS}
        if not heads or not heads & set(ancestors(session, person.org_unit_id)):
            raise NotFound("No such training file", person_id=person_id)
    return FileAccess(
        person_id=person_id,
        own=own,
        can_keep=bool(roles & KEEPS_FILES),
        can_issue=own or bool(roles & ISSUES_EXTRACTS),
    )
