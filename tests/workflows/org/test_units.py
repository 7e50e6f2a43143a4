"""The org tree as administrators keep it: create, rename, move (no cycles), close (history kept,
no new tasks: routing goes up)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from tests.conftest import Demo
from tests.workflows.flow import Flow
from workflows.clock import FrozenClock
from workflows.errors import Forbidden, ValidationFailed
from workflows.org.audit import Subject, audit_trail
from workflows.org.models import OrgUnit, Person, RoleAssignment
from workflows.org.units import (
    UnitInput,
    close_unit,
    create_unit,
    move_unit,
    rename_unit,
    unit_kinds,
    unit_tree,
)


def _codes(exc: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[str, str]]:
    return {(e.field, e.code) for e in exc.value.errors}


def _unit(db: Session, code: str) -> OrgUnit:
    return db.scalars(select(OrgUnit).where(OrgUnit.code == code)).one()


def _new(db: Session, actor: int, clock: FrozenClock, code: str = "phys", parent: str = "eng") -> int:
    data = UnitInput(code, "department", "Физика кафедрасы", "Кафедра физики", "", _unit(db, parent).id)
    return create_unit(db, actor, data, clock)


def test_an_administrator_creates_a_unit_and_the_audit_log_says_who(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    unit_id = _new(db, demo["admin"], clock)
    unit = db.get(OrgUnit, unit_id)
    assert unit is not None and unit.parent_id == _unit(db, "eng").id
    assert unit.name_en == "Кафедра физики"  # no English name: the Russian one stands in
    [line] = audit_trail(db, Subject.UNIT, unit_id)
    assert (line.action, line.actor_name, line.at) == ("unit_created", "Администратор", clock.now())
    tree = unit_tree(db)
    assert [n.code for n in tree][:2] == ["uni", "eng"]
    assert next(n for n in tree if n.code == "phys").depth == 2


def test_kinds_come_from_the_reference_table(db: Session) -> None:
    assert {"university", "institute", "department"} <= {k.code for k in unit_kinds(db)}


@pytest.mark.parametrize("who", ["teacher", "head", "director", "rector"])
def test_only_administrators_and_hr_change_the_tree(
    who: str, db: Session, demo: Demo, clock: FrozenClock
) -> None:
    with pytest.raises(Forbidden):
        _new(db, demo[who], clock)
    assert _new(db, demo["hr"], clock, "by-hr")


def test_bad_unit_input_is_refused_field_by_field(db: Session, demo: Demo, clock: FrozenClock) -> None:
    with pytest.raises(ValidationFailed) as exc:
        create_unit(db, demo["admin"], UnitInput("cs", "planet", " ", "", "", 999999), clock)
    assert _codes(exc) == {
        ("code", "code_taken"),
        ("kind", "enum"),
        ("name_kk", "required"),
        ("name_ru", "required"),
        ("parent_id", "required"),
    }
    with pytest.raises(ValidationFailed) as exc:
        create_unit(db, demo["admin"], UnitInput("a b/ç", "department", "А", "А", "", None), clock)
    assert ("code", "code_form") in _codes(exc)


def test_rename_in_three_languages_keeps_the_old_names_in_the_log(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    cs = _unit(db, "cs")
    names = {
        "name_kk": "Бағдарламалау кафедрасы",
        "name_ru": "Кафедра программирования",
        "name_en": "Programming",
    }
    rename_unit(db, demo["hr"], cs.id, names, None, clock)
    assert cs.names == {"kk": names["name_kk"], "ru": names["name_ru"], "en": "Programming"}
    [line] = audit_trail(db, Subject.UNIT, cs.id)
    assert line.data["name_kk"] == ["Информатика кафедрасы", "Бағдарламалау кафедрасы"]


def test_a_unit_moves_but_never_under_itself_or_its_children(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    eng, cs, uni = _unit(db, "eng"), _unit(db, "cs"), _unit(db, "uni")
    for target in (eng.id, cs.id):
        with pytest.raises(ValidationFailed) as exc:
            move_unit(db, demo["admin"], eng.id, target, clock)
        assert _codes(exc) == {("parent_id", "unit_cycle")}
    with pytest.raises(ValidationFailed) as exc:
        move_unit(db, demo["admin"], uni.id, eng.id, clock)
    assert _codes(exc) == {("parent_id", "root_unit")}
    move_unit(db, demo["admin"], cs.id, uni.id, clock)
    assert cs.parent_id == uni.id


def test_a_unit_with_open_units_or_people_is_not_closed(db: Session, demo: Demo, clock: FrozenClock) -> None:
    eng, cs = _unit(db, "eng"), _unit(db, "cs")
    with pytest.raises(ValidationFailed) as exc:
        close_unit(db, demo["admin"], eng.id, None, clock)
    assert ("closed_on", "unit_has_units") in _codes(exc)
    with pytest.raises(ValidationFailed) as exc:
        close_unit(db, demo["admin"], cs.id, None, clock)
    assert _codes(exc) == {("closed_on", "unit_has_people")}
    assert cs.closed_on is None


def test_a_closed_unit_gets_no_new_tasks_and_keeps_its_cases(flow: Flow) -> None:
    case = flow.start()  # the teacher of cs: endorsed by her head
    with flow.factory() as s:
        cs = _unit(s, "cs")
        for person in s.scalars(select(Person).where(Person.org_unit_id == cs.id)):
            person.org_unit_id = _unit(s, "math").id
        s.flush()
        moved = close_unit(s, flow.demo["admin"], cs.id, None, flow.clock)
        assert moved == 1
        s.commit()
    task = flow.task(case, "endorse")
    with flow.factory() as s:
        # cs's head seat ended with the unit; the director of the institute above takes the task
        assert (task.role, task.org_unit_id) == ("institute_director", _unit(s, "eng").id)
        assert _unit(s, "cs").closed_on == flow.clock.now().date()
        head_seat = s.scalars(
            select(RoleAssignment).where(RoleAssignment.person_id == flow.demo["head"])
        ).one()
        assert head_seat.valid_to == date(2026, 2, 28)  # the seat ended with the unit, and stays on record
    with flow.factory() as s:
        with pytest.raises(ValidationFailed) as exc:
            create_unit(
                s,
                flow.demo["admin"],
                UnitInput("sub", "department", "А", "А", "", _unit(s, "cs").id),
                flow.clock,
            )
        assert _codes(exc) == {("parent_id", "unit_closed")}


def test_routing_skips_a_closed_unit_that_still_has_a_seat(flow: Flow) -> None:
    with flow.factory() as s:
        sub = factories.unit(s, _unit(s, "cs"))
        person = factories.person(s, sub.id)
        factories.seat(s, factories.person(s, sub.id).id, "department_head", sub.id)
        person.org_unit_id = _unit(s, "cs").id
        sub.closed_on = flow.clock.now().date()
        applicant = factories.person(s, _unit(s, "cs").id, username="applicant")
        applicant.org_unit_id = sub.id  # a person of the closed unit (history) applies
        s.commit()
        flow.demo.ids["applicant"] = applicant.id
    case = flow.start(username="applicant")
    with flow.factory() as s:
        assert flow.task(case, "endorse").org_unit_id == _unit(s, "cs").id
