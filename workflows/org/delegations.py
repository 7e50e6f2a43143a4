"""Deputies: "I am away from … to …; my deputy is …". The deputy acts in the person's seats for the
period (`seats.seats`), and the case history records on whose behalf. A person sets their own;
HR and administrators set anyone's. Self, overlapping and chained (the deputy is away too)
delegations are refused with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from workflows.clock import Clock, today
from workflows.errors import FieldError, Forbidden, NotFound, ValidationFailed, field_error
from workflows.org.audit import Subject, record_change
from workflows.org.authority import administers
from workflows.org.models import Delegation, Person
from workflows.org.seat_admin import find_person


@dataclass(frozen=True)
class DelegationLine:
    id: int
    from_person_id: int
    from_name: str
    to_person_id: int
    to_name: str
    valid_from: date
    valid_to: date
    current: bool
    ended: bool


@dataclass(frozen=True)
class Delegations:
    away: list[DelegationLine]  # the person's own absences and their deputies
    deputising: list[DelegationLine]  # whom the person stands in for


def _may_manage(session: Session, actor_id: int | None, person_id: int, on: date) -> None:
    if actor_id is not None and actor_id != person_id and not administers(session, actor_id, on):
        raise Forbidden("Only the person, HR or an administrator set a person's deputy", person_id=person_id)


def _overlapping(session: Session, person_id: int, start: date, end: date) -> Delegation | None:
    return session.scalars(
        select(Delegation)
        .where(
            Delegation.from_person_id == person_id, Delegation.valid_to >= start, Delegation.valid_from <= end
        )
        .order_by(Delegation.valid_from)
        .limit(1)
    ).first()


def set_delegation(
    session: Session,
    actor_id: int | None,
    person_id: int,
    deputy_ref: str,
    valid_from: date | None,
    valid_to: date | None,
    clock: Clock,
) -> int:
    """The person is away from `valid_from` to `valid_to` (both days included); the deputy (a
    personnel number, IIN or login) acts in their seats meanwhile. Returns the delegation's id."""
    now = today(clock)
    _may_manage(session, actor_id, person_id, now)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("No such person", person_id=person_id)
    errors: list[FieldError] = []
    deputy = find_person(session, deputy_ref)
    if deputy is None:
        errors.append(field_error("deputy", "person_unknown"))
    elif not deputy.is_active:
        errors.append(field_error("deputy", "person_left"))
    elif deputy.id == person_id:
        errors.append(field_error("deputy", "self_delegation"))
    if valid_from is None:
        errors.append(field_error("valid_from", "required"))
    if valid_to is None:
        errors.append(field_error("valid_to", "required"))
    if valid_from and valid_to and valid_to < valid_from:
        errors.append(field_error("valid_to", "date_range", start=valid_from.isoformat()))
    elif valid_to and valid_to < now:
        errors.append(field_error("valid_to", "period_over", today=now.isoformat()))
    if not errors and valid_from and valid_to and deputy is not None:
        clash = _overlapping(session, person_id, valid_from, valid_to)
        if clash is not None:
            errors.append(
                field_error(
                    "valid_from",
                    "delegation_overlap",
                    start=clash.valid_from.isoformat(),
                    end=clash.valid_to.isoformat(),
                )
            )
        away = _overlapping(session, deputy.id, valid_from, valid_to)
        if away is not None:
            errors.append(
                field_error(
                    "deputy", "deputy_away", start=away.valid_from.isoformat(), end=away.valid_to.isoformat()
                )
            )
    if errors:
        raise ValidationFailed(errors)
    assert deputy is not None and valid_from is not None and valid_to is not None
    delegation = Delegation(
        from_person_id=person_id,
        to_person_id=deputy.id,
        valid_from=valid_from,
        valid_to=valid_to,
        created_by_id=actor_id,
        created_at=clock.now(),
    )
    session.add(delegation)
    session.flush()
    record_change(
        session,
        actor_id,
        "delegation_set",
        Subject.DELEGATION,
        delegation.id,
        clock,
        {
            "from_person_id": person_id,
            "to_person_id": deputy.id,
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat(),
        },
    )
    return delegation.id


def close_delegation(session: Session, delegation: Delegation, last_day: date) -> str:
    """End a delegation after `last_day`; one that had not begun is removed. Says which."""
    if delegation.valid_to <= last_day:
        return "unchanged"
    if delegation.valid_from > last_day:
        session.delete(delegation)
        return "removed"
    delegation.valid_to = last_day
    return "ended"


def end_delegation(session: Session, actor_id: int | None, delegation_id: int, clock: Clock) -> int:
    """The person is back: the deputy stops acting today. Returns the person's id."""
    now = today(clock)
    delegation = session.get(Delegation, delegation_id)
    if delegation is None:
        raise NotFound("No such delegation", delegation_id=delegation_id)
    person_id = delegation.from_person_id
    _may_manage(session, actor_id, person_id, now)
    data = {"from_person_id": person_id, "to_person_id": delegation.to_person_id}
    what = close_delegation(session, delegation, now - timedelta(days=1))
    record_change(session, actor_id, f"delegation_{what}", Subject.DELEGATION, delegation_id, clock, data)
    session.flush()
    return person_id


def delegations_of(session: Session, person_id: int, on: date) -> Delegations:
    """The person's absences with their deputies, and whom they stand in for (newest first);
    the caller has checked that the reader may read the person."""
    giver, deputy = aliased(Person), aliased(Person)
    rows = session.execute(
        select(Delegation, giver.full_name, deputy.full_name)
        .join(giver, giver.id == Delegation.from_person_id)
        .join(deputy, deputy.id == Delegation.to_person_id)
        .where((Delegation.from_person_id == person_id) | (Delegation.to_person_id == person_id))
        .order_by(Delegation.valid_from.desc(), Delegation.id.desc())
    ).all()
    lines = [
        DelegationLine(
            d.id,
            d.from_person_id,
            from_name,
            d.to_person_id,
            to_name,
            d.valid_from,
            d.valid_to,
            d.valid_from <= on <= d.valid_to,
            d.valid_to < on,
        )
        for d, from_name, to_name in rows
    ]
    return Delegations(
        [line for line in lines if line.from_person_id == person_id],
        [line for line in lines if line.to_person_id == person_id],
    )
