"""Seats as administrators keep them: a role held by a person in a unit for a period. Adding and
ending seats, who holds what where, and a unit's empty seats with where their tasks go instead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from workflows.cases.models import HumanTask, TaskStatus
from workflows.clock import Clock, today
from workflows.errors import FieldError, NotFound, ValidationFailed, field_error
from workflows.org.audit import Subject, record_change
from workflows.org.authority import require_administration
from workflows.org.models import OrgUnit, Person, RoleAssignment
from workflows.org.rerouting import release_to_seat, reroute_seats
from workflows.org.roles import Role
from workflows.org.seats import holders, open_ancestors, resolve_seat, seats

SEAT_ROLES: tuple[str, ...] = tuple(r.value for r in Role if r != Role.EMPLOYEE)


@dataclass(frozen=True)
class SeatLine:
    id: int
    person_id: int
    person_name: str
    role: str
    org_unit_id: int
    unit_names: dict[str, str]
    valid_from: date | None
    valid_to: date | None
    current: bool


@dataclass(frozen=True)
class EmptySeat:
    """A role nobody holds in the unit: its tasks go to `goes_to_role` in `goes_to_unit_id`."""

    role: str
    goes_to_role: str
    goes_to_unit_id: int
    goes_to_unit_names: dict[str, str]
    goes_to_people: list[str]


@dataclass(frozen=True)
class UnitSeats:
    held: list[SeatLine]
    empty: list[EmptySeat]


def find_person(session: Session, reference: str) -> Person | None:
    """A person by personnel number, IIN or login (as typed into a form)."""
    text = reference.strip()
    if not text or len(text) > 100:
        return None
    return session.scalars(
        select(Person)
        .where(or_(Person.personnel_number == text, Person.iin == text, Person.username == text))
        .order_by(Person.id)
        .limit(1)
    ).first()


def _current(seat: RoleAssignment, on: date) -> bool:
    return (seat.valid_from is None or seat.valid_from <= on) and (
        seat.valid_to is None or seat.valid_to >= on
    )


def _line(seat: RoleAssignment, person: Person, unit: OrgUnit, on: date) -> SeatLine:
    return SeatLine(
        seat.id,
        person.id,
        person.full_name,
        seat.role,
        unit.id,
        unit.names,
        seat.valid_from,
        seat.valid_to,
        _current(seat, on),
    )


def add_seat(
    session: Session,
    actor_id: int | None,
    person_ref: str,
    role: str,
    unit_id: int | None,
    valid_from: date | None,
    valid_to: date | None,
    clock: Clock,
) -> int:
    """`person_ref` (personnel number, IIN or login) holds `role` in the unit from/to the dates."""
    if actor_id is not None:
        require_administration(session, actor_id, today(clock))
    errors: list[FieldError] = []
    person = find_person(session, person_ref)
    if person is None:
        errors.append(field_error("person", "person_unknown"))
    elif not person.is_active:
        errors.append(field_error("person", "person_left"))
    if role not in SEAT_ROLES:
        errors.append(field_error("role", "enum"))
    unit = session.get(OrgUnit, unit_id) if unit_id is not None else None
    if unit is None:
        errors.append(field_error("org_unit_id", "required"))
    elif not unit.is_open:
        errors.append(field_error("org_unit_id", "unit_closed"))
    if valid_from and valid_to and valid_to < valid_from:
        errors.append(field_error("valid_to", "date_range", start=valid_from.isoformat()))
    if not errors and person is not None and unit is not None:
        ends_after = true() if valid_from is None else RoleAssignment.valid_to >= valid_from
        starts_before = true() if valid_to is None else RoleAssignment.valid_from <= valid_to
        overlapping = session.scalars(
            select(RoleAssignment).where(
                RoleAssignment.person_id == person.id,
                RoleAssignment.role == role,
                RoleAssignment.org_unit_id == unit.id,
                or_(RoleAssignment.valid_to.is_(None), ends_after),
                or_(RoleAssignment.valid_from.is_(None), starts_before),
            )
        ).first()
        if overlapping is not None:
            start = overlapping.valid_from.isoformat() if overlapping.valid_from else "—"
            errors.append(field_error("valid_from", "seat_overlap", start=start))
    if errors:
        raise ValidationFailed(errors)
    assert person is not None and unit is not None
    seat = RoleAssignment(
        person_id=person.id, role=Role(role), org_unit_id=unit.id, valid_from=valid_from, valid_to=valid_to
    )
    session.add(seat)
    session.flush()
    record_change(
        session,
        actor_id,
        "seat_added",
        Subject.SEAT,
        seat.id,
        clock,
        {
            "person_id": person.id,
            "role": role,
            "org_unit_id": unit.id,
            "valid_from": valid_from.isoformat() if valid_from else None,
            "valid_to": valid_to.isoformat() if valid_to else None,
        },
    )
    return seat.id


def close_seat(session: Session, seat: RoleAssignment, last_day: date) -> str:
    """End a seat after `last_day`; a seat that had not begun by then is removed. Says which."""
    if seat.valid_to is not None and seat.valid_to <= last_day:
        return "unchanged"
    if seat.valid_from is not None and seat.valid_from > last_day:
        session.delete(seat)
        return "removed"
    seat.valid_to = last_day
    return "ended"


def end_seat(session: Session, actor_id: int | None, seat_id: int, clock: Clock) -> int:
    """End a seat now (its last day was yesterday); its open tasks that nobody else can act on go
    up the tree. Returns how many tasks were re-routed."""
    now = today(clock)
    if actor_id is not None:
        require_administration(session, actor_id, now)
    seat = session.get(RoleAssignment, seat_id)
    if seat is None:
        raise NotFound("No such seat", seat_id=seat_id)
    key, holder = (seat.role, seat.org_unit_id), seat.person_id
    what = close_seat(session, seat, now - timedelta(days=1))
    session.flush()
    claimed = session.scalars(
        select(HumanTask).where(
            HumanTask.status == TaskStatus.OPEN,
            HumanTask.role == key[0],
            HumanTask.org_unit_id == key[1],
            HumanTask.assignee_id == holder,
        )
    ).all()
    if not any(s.role == key[0] and s.org_unit_id == key[1] for s in seats(session, holder, now)):
        for task in claimed:  # taken in the seat they no longer hold: back to the seat
            release_to_seat(session, task, actor_id, clock, "seat_ended")
    moved = reroute_seats(session, actor_id, {key}, now, clock)
    record_change(
        session,
        actor_id,
        f"seat_{what}",
        Subject.SEAT,
        seat_id,
        clock,
        {
            "person_id": seat.person_id,
            "role": seat.role,
            "org_unit_id": seat.org_unit_id,
            "tasks_rerouted": moved,
        },
    )
    return moved


def current_seats(on: date) -> list[ColumnElement[bool]]:
    """The conditions of a seat held on `on`."""
    return [
        or_(RoleAssignment.valid_from.is_(None), RoleAssignment.valid_from <= on),
        or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to >= on),
    ]


def seat_lines(session: Session, on: date, *conditions: ColumnElement[bool]) -> list[SeatLine]:
    rows = session.execute(
        select(RoleAssignment, Person, OrgUnit)
        .join(Person, Person.id == RoleAssignment.person_id)
        .join(OrgUnit, OrgUnit.id == RoleAssignment.org_unit_id)
        .where(*conditions)
        .order_by(
            RoleAssignment.role,
            OrgUnit.name_kk,
            Person.last_name,
            RoleAssignment.valid_from,
            RoleAssignment.id,
        )
    ).all()
    return [_line(seat, person, unit, on) for seat, person, unit in rows]


def person_seats(session: Session, person_id: int, on: date) -> list[SeatLine]:
    return seat_lines(session, on, RoleAssignment.person_id == person_id)


def unit_seats(session: Session, unit_id: int, on: date) -> UnitSeats:
    """Who holds which seat in the unit (past, present and future), and for each role nobody holds
    there today, where its tasks go instead (up the tree, as routing does)."""
    if session.get(OrgUnit, unit_id) is None:
        raise NotFound("No such unit", unit_id=unit_id)
    held = seat_lines(session, on, RoleAssignment.org_unit_id == unit_id)
    held_now = {line.role for line in held if line.current}
    empty = []
    chain = open_ancestors(session, unit_id)
    for role in SEAT_ROLES:
        if role in held_now:
            continue
        goes_role, goes_unit = resolve_seat(session, role, unit_id, None, on, chain)
        target = session.get(OrgUnit, goes_unit)
        people = [
            p.full_name
            for p in session.scalars(
                select(Person).where(Person.id.in_(holders(session, goes_role, goes_unit, on)))
            )
        ]
        empty.append(EmptySeat(role, goes_role, goes_unit, target.names if target else {}, people))
    return UnitSeats(held, empty)
