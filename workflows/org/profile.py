"""What a person's own account page shows: their seats with dates, their delegations both ways,
their language and how they are reached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from workflows.calendar import local_date
from workflows.clock import Clock
from workflows.errors import NotFound
from workflows.org.models import Delegation, OrgUnit, Person, RoleAssignment


@dataclass(frozen=True)
class ProfileSeat:
    role: str
    unit_names: dict[str, str]
    valid_from: date | None
    valid_to: date | None
    on_behalf_of: str | None  # the holder's name when held as their deputy


@dataclass(frozen=True)
class ProfileDelegation:
    outgoing: bool  # True: the person is away and `other` stands in; False: they stand in for `other`
    other: str
    valid_from: date
    valid_to: date


@dataclass(frozen=True)
class Profile:
    username: str
    full_name: str
    personnel_number: str | None
    email: str | None
    locale: str
    seats: list[ProfileSeat]
    delegations: list[ProfileDelegation]


def _current(valid_to: object, on: date) -> bool:
    return valid_to is None or (isinstance(valid_to, date) and valid_to >= on)


def profile(session: Session, person_id: int, clock: Clock) -> Profile:
    """Seats held now or from a later date, and delegations that have not ended, soonest first."""
    person = session.get(Person, person_id)
    if person is None or not person.is_active:
        raise NotFound("no such person", person_id=person_id)
    today = local_date(clock.now())
    own = session.execute(
        select(RoleAssignment, OrgUnit)
        .join(OrgUnit, OrgUnit.id == RoleAssignment.org_unit_id)
        .where(
            RoleAssignment.person_id == person_id,
            or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to >= today),
        )
        .order_by(RoleAssignment.valid_from, RoleAssignment.id)
    ).all()
    seats = [ProfileSeat(a.role, unit.names, a.valid_from, a.valid_to, None) for a, unit in own]
    other = aliased(Person)
    delegations = session.execute(
        select(Delegation, other.full_name)
        .join(
            other,
            or_(
                (Delegation.from_person_id == person_id) & (other.id == Delegation.to_person_id),
                (Delegation.to_person_id == person_id) & (other.id == Delegation.from_person_id),
            ),
        )
        .where(Delegation.valid_to >= today)
        .order_by(Delegation.valid_from, Delegation.id)
    ).all()
    found = [
        ProfileDelegation(d.from_person_id == person_id, name, d.valid_from, d.valid_to)
        for d, name in delegations
    ]
    for d, name in delegations:
        if d.to_person_id == person_id and d.valid_from <= today:
            held = session.execute(
                select(RoleAssignment, OrgUnit)
                .join(OrgUnit, OrgUnit.id == RoleAssignment.org_unit_id)
                .where(RoleAssignment.person_id == d.from_person_id)
            ).all()
            seats.extend(
                ProfileSeat(a.role, unit.names, d.valid_from, d.valid_to, name)
                for a, unit in held
                if _current(a.valid_to, today)
            )
    return Profile(
        person.username,
        person.full_name,
        person.personnel_number,
        person.email,
        person.locale,
        seats,
        found,
    )
