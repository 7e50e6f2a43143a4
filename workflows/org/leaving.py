"""A person leaves: deactivated with a leaving date. Their seats and deputies end the day before,
the tasks they had claimed go back to their seat, and tasks whose seat has emptied go up the tree.
The cases they are the subject of stay as they are, readable as before; an active training
agreement whose term runs past the leaving date raises a refund case."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workflows.cases.models import HumanTask, TaskStatus
from workflows.clock import Clock, today
from workflows.errors import FieldError, NotFound, ValidationFailed, field_error
from workflows.org.audit import Subject, record_change
from workflows.org.authority import require_administration
from workflows.org.delegations import close_delegation
from workflows.org.models import Delegation, Person, RoleAssignment
from workflows.org.rerouting import release_to_seat, reroute_seats
from workflows.org.roles import EMPLOYEE
from workflows.org.seat_admin import close_seat


def _check(person: Person, left_on: date | None, now: date) -> date:
    errors: list[FieldError] = []
    if not person.is_active:
        errors.append(field_error("left_on", "already_left", left_on=(person.left_on or now).isoformat()))
    if left_on is None:
        errors.append(field_error("left_on", "required"))
    elif left_on > now:
        errors.append(field_error("left_on", "future_date", today=now.isoformat()))
    elif person.employment_start and left_on < person.employment_start:
        errors.append(field_error("left_on", "before_start", start=person.employment_start.isoformat()))
    if errors:
        raise ValidationFailed(errors)
    assert left_on is not None
    return left_on


def deactivate_person(
    session: Session, actor_id: int | None, person_id: int, left_on: date | None, clock: Clock
) -> int:
    """Deactivate on leaving (`left_on`, today or earlier); returns how many open tasks moved."""
    now = today(clock)
    if actor_id is not None:
        require_administration(session, actor_id, now)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("No such person", person_id=person_id)
    left_on = _check(person, left_on, now)
    released, moved = person_leaves(session, actor_id, person, left_on, clock)
    record_change(
        session,
        actor_id,
        "person_deactivated",
        Subject.PERSON,
        person.id,
        clock,
        {"left_on": left_on.isoformat(), "tasks_released": released, "tasks_rerouted": moved},
    )
    session.flush()
    return moved + released


def person_leaves(
    session: Session, actor_id: int | None, person: Person, left_on: date, clock: Clock
) -> tuple[int, int]:
    """The person is inactive from `left_on`: their sessions end, their seats and deputies end the
    day before, the tasks they had claimed go back to their seat and tasks whose seat has emptied go
    up the tree (the admin's deactivation and the staff import both leave this way). Returns how
    many tasks went back to their seat and how many were re-routed."""
    last_day = left_on - timedelta(days=1)
    person.is_active, person.left_on = False, left_on
    person.session_generation += 1  # their sessions end with them
    emptied: set[tuple[str, int]] = set()
    for seat in session.scalars(select(RoleAssignment).where(RoleAssignment.person_id == person.id)):
        emptied.add((seat.role, seat.org_unit_id))
        close_seat(session, seat, last_day)
    for delegation in session.scalars(
        select(Delegation).where(
            or_(Delegation.from_person_id == person.id, Delegation.to_person_id == person.id)
        )
    ):
        close_delegation(session, delegation, last_day)
    session.flush()
    claimed = session.scalars(
        select(HumanTask).where(
            HumanTask.status == TaskStatus.OPEN,
            HumanTask.assignee_id == person.id,
            HumanTask.role != EMPLOYEE,
        )
    ).all()
    for task in claimed:
        emptied.add((task.role, task.org_unit_id or 0))
        release_to_seat(session, task, actor_id, clock, "left")
    moved = reroute_seats(session, actor_id, emptied, today(clock), clock)
    # Leaving within a training agreement's term: HR and legal get the refund case (001 §3.8).
    from workflows.agreements.refunds import raise_refunds  # the cases import the org package

    raise_refunds(session, person, left_on, clock)
    return len(claimed), moved
