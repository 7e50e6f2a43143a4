"""Factories for the rows tests need beside the demo university: units, people, seats, deputies.

Each takes a session and only the fields the test cares about; the rest get plausible defaults
(unique where the schema says so). They flush, so the new row has its id; the caller commits.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.org.models import Delegation, OrgUnit, Person, RoleAssignment
from workflows.org.roles import Role
from workflows.records.models import RecordSource, TrainingForm, TrainingMode, TrainingRecord

_sequence = itertools.count(1)


def university(session: Session) -> OrgUnit:
    """The root of the org tree (the demo university)."""
    return session.scalars(select(OrgUnit).where(OrgUnit.parent_id.is_(None))).one()


def unit(
    session: Session, parent: OrgUnit | None = None, kind: str = "department", name: str | None = None
) -> OrgUnit:
    n = next(_sequence)
    text = name or f"Бөлім {n}"
    found = OrgUnit(
        code=f"unit-{n}",
        parent_id=(parent or university(session)).id,
        kind=kind,
        name_kk=text,
        name_ru=text,
        name_en=text,
    )
    session.add(found)
    session.flush()
    return found


def person(
    session: Session,
    org_unit_id: int | None = None,
    full_name: str | None = None,
    username: str | None = None,
    staff_category: str = "teaching",
    locale: str = "kk",
) -> Person:
    n = next(_sequence)
    found = Person(
        username=username or f"person{n}",
        full_name=full_name or f"Қызметкер {n}",
        email=f"person{n}@demo.biliktilik.kz",
        org_unit_id=org_unit_id if org_unit_id is not None else university(session).id,
        staff_category=staff_category,
        locale=locale,
    )
    session.add(found)
    session.flush()
    return found


def seat(
    session: Session,
    person_id: int,
    role: Role | str,
    org_unit_id: int,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> RoleAssignment:
    """`person_id` holds `role` in the unit (for the dates given, open-ended otherwise)."""
    found = RoleAssignment(
        person_id=person_id,
        role=Role(role),
        org_unit_id=org_unit_id,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    session.add(found)
    session.flush()
    return found


def deputy(session: Session, holder_id: int, deputy_id: int, valid_from: date, valid_to: date) -> Delegation:
    """While `holder_id` is away, `deputy_id` acts in their seats."""
    found = Delegation(
        from_person_id=holder_id, to_person_id=deputy_id, valid_from=valid_from, valid_to=valid_to
    )
    session.add(found)
    session.flush()
    return found


def colleague(session: Session, of: int, role: Role | str, full_name: str | None = None) -> Person:
    """A second holder of `role` in the unit of person `of` (two HR officers, two process owners)."""
    existing = session.get(Person, of)
    assert existing is not None
    found = person(session, existing.org_unit_id, full_name)
    seat(session, found.id, role, existing.org_unit_id)
    return found


def training_record(session: Session, person_id: int, **fields: object) -> TrainingRecord:
    """A training in `person_id`'s file (an imported one unless `source` says otherwise)."""
    values: dict[str, object] = {
        "source": RecordSource.IMPORT,
        "course": f"Курс {next(_sequence)}",
        "provider": "Назарбаев Университеті",
        "form": TrainingForm.COURSE,
        "mode": TrainingMode.OFFLINE,
        "start_date": date(2025, 2, 10),
        "end_date": date(2025, 2, 20),
        "hours": 72,
        "recorded_at": datetime(2025, 2, 21, tzinfo=UTC),
        **fields,
    }
    found = TrainingRecord(person_id=person_id, **values)
    session.add(found)
    session.flush()
    return found
