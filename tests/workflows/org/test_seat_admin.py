"""Seats held in a unit with date ranges, a unit's empty seats and where their tasks go, and
deputies ("away from … to …, my deputy is …")."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from tests.conftest import Demo
from tests.workflows.flow import Flow
from workflows.cases.inbox import inbox
from workflows.clock import FrozenClock
from workflows.errors import Forbidden, ValidationFailed
from workflows.org.audit import Subject, audit_trail
from workflows.org.delegations import delegations_of, end_delegation, set_delegation
from workflows.org.models import Delegation, OrgUnit, Person, RoleAssignment
from workflows.org.seat_admin import add_seat, end_seat, person_seats, unit_seats
from workflows.org.seats import has_role

TODAY = date(2026, 3, 1)


def _unit(db: Session, code: str) -> int:
    return db.scalars(select(OrgUnit.id).where(OrgUnit.code == code)).one()


def _codes(exc: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[str, str]]:
    return {(e.field, e.code) for e in exc.value.errors}


def test_a_seat_is_added_by_login_and_listed_with_its_dates(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    seat_id = add_seat(db, demo["hr"], "teacher", "hr", _unit(db, "cs"), TODAY, date(2026, 6, 30), clock)
    assert has_role(db, demo["teacher"], "hr", TODAY)
    [line] = [s for s in person_seats(db, demo["teacher"], TODAY) if s.id == seat_id]
    assert (line.role, line.valid_to, line.current) == ("hr", date(2026, 6, 30), True)
    assert audit_trail(db, Subject.SEAT, seat_id)[0].data["person_id"] == demo["teacher"]


def test_bad_seats_are_refused_with_reasons(db: Session, demo: Demo, clock: FrozenClock) -> None:
    with pytest.raises(ValidationFailed) as exc:
        add_seat(db, demo["admin"], "nobody", "employee", 999999, date(2026, 5, 1), TODAY, clock)
    assert _codes(exc) == {
        ("person", "person_unknown"),
        ("role", "enum"),
        ("org_unit_id", "required"),
        ("valid_to", "date_range"),
    }
    with pytest.raises(ValidationFailed) as exc:
        add_seat(db, demo["admin"], "head", "department_head", _unit(db, "cs"), TODAY, None, clock)
    assert _codes(exc) == {("valid_from", "seat_overlap")}
    with pytest.raises(ValidationFailed) as exc:
        add_seat(db, demo["admin"], "teacher", "hr", _unit(db, "cs"), date(2026, 5, 1), TODAY, clock)
    assert _codes(exc) == {("valid_to", "date_range")}
    cs = db.get(OrgUnit, _unit(db, "cs"))
    teacher = db.get(Person, demo["teacher"])
    assert cs is not None and teacher is not None
    cs.closed_on, teacher.is_active = TODAY, False
    with pytest.raises(ValidationFailed) as exc:
        add_seat(db, demo["admin"], "teacher", "hr", cs.id, None, None, clock)
    assert _codes(exc) == {("person", "person_left"), ("org_unit_id", "unit_closed")}
    with pytest.raises(Forbidden):
        add_seat(db, demo["head"], "teacher2", "hr", _unit(db, "cs"), None, None, clock)


def test_a_units_empty_seats_say_where_their_tasks_go(db: Session, demo: Demo) -> None:
    seats = unit_seats(db, _unit(db, "cs"), TODAY)
    assert [(s.role, s.person_name) for s in seats.held] == [
        ("department_head", "Дәурен Асқарұлы Жақсыбеков")
    ]
    empty = {s.role: s for s in seats.empty}
    assert "department_head" not in empty
    hr = empty["hr"]
    assert (hr.goes_to_role, hr.goes_to_unit_id, hr.goes_to_people) == (
        "hr",
        _unit(db, "uni"),
        ["Әсем Болатқызы Жұмабаева"],
    )
    assert empty["institute_director"].goes_to_unit_id == _unit(db, "eng")


def test_ending_the_only_seat_sends_its_open_tasks_up(flow: Flow) -> None:
    case = flow.start()
    with flow.factory() as s:
        seat = s.scalars(select(RoleAssignment).where(RoleAssignment.person_id == flow.demo["head"])).one()
        assert end_seat(s, flow.demo["admin"], seat.id, flow.clock) == 1
        s.commit()
    assert flow.task(case, "endorse").role == "institute_director"
    with flow.factory() as s:
        assert [i.task_id for i in inbox(s, flow.demo["director"], flow.clock).items] == [
            flow.task(case, "endorse").id
        ]


def test_a_person_sets_their_deputy_and_the_deputy_acts_for_them(flow: Flow) -> None:
    case = flow.start()
    with flow.factory() as s:
        set_delegation(s, flow.demo["head"], flow.demo["head"], "head2", TODAY, date(2026, 3, 10), flow.clock)
        s.commit()
    with flow.factory() as s:
        [item] = inbox(s, flow.demo["head2"], flow.clock).items
        assert item.on_behalf_of == flow.demo["head"]
        lists = delegations_of(s, flow.demo["head"], TODAY)
        assert [(d.to_name, d.current) for d in lists.away] == [("Гүлнар Маратқызы Әлиева", True)]
        assert [d.from_name for d in delegations_of(s, flow.demo["head2"], TODAY).deputising] == [
            "Дәурен Асқарұлы Жақсыбеков"
        ]
    flow.do("head2", case, "endorse", decision="approve")
    assert flow.open_elements(case) == ["rector_visa"]


def test_self_overlapping_and_chained_delegations_are_refused(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    head = demo["head"]
    with pytest.raises(ValidationFailed) as exc:
        set_delegation(db, head, head, "head", TODAY, date(2026, 3, 5), clock)
    assert _codes(exc) == {("deputy", "self_delegation")}
    with pytest.raises(ValidationFailed) as exc:
        set_delegation(db, head, head, "head2", date(2026, 2, 1), date(2026, 2, 5), clock)
    assert _codes(exc) == {("valid_to", "period_over")}
    with pytest.raises(ValidationFailed) as exc:
        set_delegation(db, head, head, "nobody", date(2026, 3, 6), date(2026, 3, 5), clock)
    assert _codes(exc) == {("deputy", "person_unknown"), ("valid_to", "date_range")}
    set_delegation(db, head, head, "head2", date(2026, 3, 2), date(2026, 3, 10), clock)
    with pytest.raises(ValidationFailed) as exc:
        set_delegation(db, demo["hr"], head, "director", date(2026, 3, 9), date(2026, 3, 20), clock)
    [error] = exc.value.errors
    assert (error.code, error.params) == ("delegation_overlap", {"start": "2026-03-02", "end": "2026-03-10"})
    with pytest.raises(ValidationFailed) as exc:  # the head, away himself then, cannot stand in
        set_delegation(db, demo["head2"], demo["head2"], "head", date(2026, 3, 1), date(2026, 3, 3), clock)
    assert _codes(exc) == {("deputy", "deputy_away")}


def test_only_the_person_hr_or_an_administrator_set_a_deputy(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    with pytest.raises(Forbidden):
        set_delegation(db, demo["teacher"], demo["head"], "teacher", TODAY, TODAY, clock)
    delegation_id = set_delegation(db, demo["hr"], demo["head"], "teacher", TODAY, date(2026, 3, 4), clock)
    with pytest.raises(Forbidden):
        end_delegation(db, demo["teacher"], delegation_id, clock)
    end_delegation(db, demo["head"], delegation_id, clock)
    assert db.get(Delegation, delegation_id) is None  # it began today: nothing of it stays but the log
    actions = [line.action for line in audit_trail(db, Subject.DELEGATION, delegation_id)]
    assert actions == ["delegation_removed", "delegation_set"]


def test_ending_a_running_delegation_keeps_its_past(db: Session, demo: Demo, clock: FrozenClock) -> None:
    delegation = factories.deputy(db, demo["head"], demo["teacher"], date(2026, 2, 20), date(2026, 3, 20))
    end_delegation(db, demo["admin"], delegation.id, clock)
    assert delegation.valid_to == date(2026, 2, 28)


def test_a_task_taken_in_an_ended_seat_goes_back_to_the_seat(flow: Flow) -> None:
    from workflows.cases.tasks import claim_task

    case = flow.start()
    with flow.factory() as s:
        second = factories.colleague(s, flow.demo["head"], "department_head")
        s.commit()
    task = flow.task(case, "endorse")
    with flow.factory() as s:
        claim_task(s, task.id, flow.demo["head"], flow.clock)
        seat = s.scalars(select(RoleAssignment).where(RoleAssignment.person_id == flow.demo["head"])).one()
        assert end_seat(s, flow.demo["hr"], seat.id, flow.clock) == 0  # the other head still holds it
        s.commit()
    after = flow.task(case, "endorse")
    assert (after.assignee_id, after.role) == (None, "department_head")
    with flow.factory() as s:
        assert [i.task_id for i in inbox(s, second.id, flow.clock).items] == [task.id]
