"""What the admin area's pages show, each read in one call: the unit tree, a unit, a person, and
one's own deputies. Each checks who may read it (`authority`) and says whether the reader writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from workflows.errors import Forbidden, NotFound
from workflows.org.authority import administers, readable_units, require_reading_units
from workflows.org.delegations import Delegations, delegations_of
from workflows.org.models import Person, RoleAssignment
from workflows.org.people import PeoplePage, PeopleQuery, PersonView, person_view, search_people
from workflows.org.seat_admin import (
    SEAT_ROLES,
    SeatLine,
    UnitSeats,
    current_seats,
    person_seats,
    seat_lines,
    unit_seats,
)
from workflows.org.seats import ancestors
from workflows.org.units import KindOption, UnitNode, get_unit, unit_kinds, unit_tree


@dataclass(frozen=True)
class TreePage:
    units: list[UnitNode]
    kinds: list[KindOption]
    writable: bool


@dataclass(frozen=True)
class UnitPage:
    unit: UnitNode
    path: list[UnitNode]  # from the root down to the unit's parent
    people: PeoplePage
    seats: UnitSeats
    kinds: list[KindOption]
    tree: list[UnitNode]  # where the unit can be moved (writers only)
    writable: bool


@dataclass(frozen=True)
class PersonPage:
    person: PersonView
    seats: list[SeatLine]
    delegations: Delegations
    units: list[UnitNode]  # the open units a writer may put the person in
    writable: bool
    is_self: bool


def tree_page(session: Session, actor_id: int, on: date) -> TreePage:
    within = require_reading_units(session, actor_id, on)
    writable = within is None
    return TreePage(unit_tree(session, within), unit_kinds(session) if writable else [], writable)


def unit_page(session: Session, actor_id: int, unit_id: int, on: date, page: int = 1) -> UnitPage:
    within = require_reading_units(session, actor_id, on)
    unit = get_unit(session, unit_id)
    if within is not None and unit.id not in within:
        raise Forbidden("This unit is not open to you", unit_id=unit_id)
    writable = within is None
    chain = ancestors(session, unit.id)[1:]
    path = [get_unit(session, u) for u in reversed(chain)]
    people = search_people(session, actor_id, PeopleQuery(unit_id=unit.id, page=page, per_page=50), on)
    tree = [n for n in unit_tree(session) if n.closed_on is None] if writable else []
    return UnitPage(
        unit,
        path,
        people,
        unit_seats(session, unit.id, on),
        unit_kinds(session) if writable else [],
        tree,
        writable,
    )


def person_page(session: Session, actor_id: int, person_id: int, on: date) -> PersonPage:
    person = person_view(session, actor_id, person_id, on)
    tree = [n for n in unit_tree(session) if n.closed_on is None] if person.writable else []
    return PersonPage(
        person,
        person_seats(session, person.id, on),
        delegations_of(session, person.id, on),
        tree,
        person.writable,
        person.id == actor_id,
    )


def new_person_page(session: Session, actor_id: int, on: date) -> list[UnitNode]:
    """The open units a new person can be put in; only for administrators and HR."""
    if not administers(session, actor_id, on):
        raise Forbidden("only administrators and HR add people", person_id=actor_id)
    return [n for n in unit_tree(session) if n.closed_on is None]


@dataclass(frozen=True)
class MyDelegations:
    delegations: Delegations
    has_seats: bool


def my_delegations(session: Session, actor_id: int, on: date) -> MyDelegations:
    """One's own absences and deputies, and whom one stands in for."""
    if session.get(Person, actor_id) is None:
        raise NotFound("No such person", person_id=actor_id)
    return MyDelegations(delegations_of(session, actor_id, on), bool(person_seats(session, actor_id, on)))


def reads_admin_area(session: Session, actor_id: int, on: date) -> bool:
    """Administrators, HR and heads: the admin area's link is for them."""
    units = readable_units(session, actor_id, on)
    return units is None or bool(units)


@dataclass(frozen=True)
class SeatsPage:
    seats: list[SeatLine]
    role: str | None
    writable: bool


def seats_page(session: Session, actor_id: int, role: str | None, on: date) -> SeatsPage:
    """Who holds what where today (within the reader's units), one role or all."""
    within = require_reading_units(session, actor_id, on)
    conditions = [*current_seats(on)]
    if role in SEAT_ROLES:
        conditions.append(RoleAssignment.role == role)
    if within is not None:
        conditions.append(RoleAssignment.org_unit_id.in_(within))
    return SeatsPage(
        seat_lines(session, on, *conditions), role if role in SEAT_ROLES else None, within is None
    )
