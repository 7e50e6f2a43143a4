"""People as HR keeps them: validated create and edit, reading rights, search, and leaving."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from tests.conftest import Demo
from tests.workflows.flow import Flow
from workflows.cases.detail import case_detail
from workflows.cases.models import Event, HumanTask
from workflows.clock import FrozenClock
from workflows.errors import Forbidden, ValidationFailed
from workflows.org.audit import Subject, audit_trail
from workflows.org.leaving import deactivate_person
from workflows.org.models import Delegation, OrgUnit, Person, RoleAssignment
from workflows.org.people import (
    PeopleQuery,
    PersonInput,
    create_person,
    edit_person,
    person_view,
    search_people,
)
from workflows.org.seats import seats

IIN = "900101300027"  # a valid check digit


def _unit(db: Session, code: str) -> int:
    return db.scalars(select(OrgUnit.id).where(OrgUnit.code == code)).one()


def _input(db: Session, **overrides: object) -> PersonInput:
    values: dict[str, object] = {
        "last_name": "Сәрсенова",
        "first_name": "Жібек",
        "patronymic": "Қанатқызы",
        "personnel_number": "T-1001",
        "iin": IIN,
        "email": "zhibek@demo.biliktilik.kz",
        "locale": "kk",
        "position": "Оқытушы",
        "staff_category": "teaching",
        "disciplines": ["Алгоритмдер", " "],
        "employment_start": date(2020, 9, 1),
        "org_unit_id": _unit(db, "cs"),
    }
    return PersonInput(**{**values, **overrides})  # type: ignore[arg-type]


def _codes(exc: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[str, str]]:
    return {(e.field, e.code) for e in exc.value.errors}


def test_hr_creates_a_person_who_signs_in_with_their_number(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    person_id = create_person(db, demo["hr"], _input(db), clock)
    person = db.get(Person, person_id)
    assert person is not None
    assert (person.full_name, person.username, person.disciplines) == (
        "Жібек Қанатқызы Сәрсенова",
        "T-1001",
        ["Алгоритмдер"],
    )
    [line] = audit_trail(db, Subject.PERSON, person_id)
    assert line.action == "person_created" and line.data["iin"] == [None, IIN]


def test_every_bad_field_is_named_and_nothing_is_created(db: Session, demo: Demo, clock: FrozenClock) -> None:
    create_person(db, demo["hr"], _input(db), clock)
    before = db.scalars(select(Person.id)).all()
    bad = _input(
        db,
        last_name=" ",
        iin="900101300021",
        email="not an email",
        locale="de",
        staff_category="student",
        org_unit_id=999999,
    )
    with pytest.raises(ValidationFailed) as exc:
        create_person(db, demo["hr"], bad, clock)
    assert _codes(exc) == {
        ("last_name", "required"),
        ("iin", "iin_checksum"),
        ("personnel_number", "personnel_number_taken"),
        ("email", "email_form"),
        ("locale", "enum"),
        ("staff_category", "enum"),
        ("org_unit_id", "required"),
        ("username", "login_taken"),
    }
    with pytest.raises(ValidationFailed) as exc:
        create_person(db, demo["hr"], _input(db, personnel_number="T-2", username="x"), clock)
    assert _codes(exc) == {("iin", "iin_taken")}
    with pytest.raises(ValidationFailed) as exc:
        create_person(db, demo["hr"], _input(db, personnel_number="", email="", iin=""), clock)
    assert _codes(exc) == {("username", "no_login")}
    assert db.scalars(select(Person.id)).all() == before


@pytest.mark.parametrize("who", ["teacher", "head", "rector"])
def test_only_administrators_and_hr_write_people(
    who: str, db: Session, demo: Demo, clock: FrozenClock
) -> None:
    with pytest.raises(Forbidden):
        create_person(db, demo[who], _input(db), clock)
    with pytest.raises(Forbidden):
        edit_person(db, demo[who], demo[who], _input(db), clock)


def test_an_edit_is_logged_field_by_field(db: Session, demo: Demo, clock: FrozenClock) -> None:
    person_id = create_person(db, demo["admin"], _input(db), clock)
    view = person_view(db, demo["admin"], person_id, clock.now().date())
    edit_person(db, demo["admin"], person_id, replace(view.as_input(), position="Аға оқытушы"), clock)
    newest = audit_trail(db, Subject.PERSON, person_id)[0]
    assert (newest.action, newest.data) == ("person_edited", {"position": ["Оқытушы", "Аға оқытушы"]})


def test_a_head_reads_their_units_people_and_an_employee_only_themselves(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    today = clock.now().date()
    assert person_view(db, demo["head"], demo["teacher"], today).writable is False
    with pytest.raises(Forbidden):
        person_view(db, demo["head"], demo["teacher2"], today)  # another department's
    assert person_view(db, demo["director"], demo["teacher2"], today).full_name  # the institute's
    assert person_view(db, demo["teacher"], demo["teacher"], today).full_name
    with pytest.raises(Forbidden):
        person_view(db, demo["teacher"], demo["head"], today)
    with pytest.raises(Forbidden):
        search_people(db, demo["teacher"], PeopleQuery(), today)
    names = {p.full_name for p in search_people(db, demo["head"], PeopleQuery(), today).items}
    assert names == {"Айгүл Серікқызы Нұрланова", "Дәурен Асқарұлы Жақсыбеков"}


def test_search_by_name_in_any_case_iin_number_and_unit(db: Session, demo: Demo, clock: FrozenClock) -> None:
    today = clock.now().date()
    create_person(db, demo["hr"], _input(db), clock)

    def found(**query: object) -> list[str]:
        return [p.full_name for p in search_people(db, demo["hr"], PeopleQuery(**query), today).items]  # type: ignore[arg-type]

    assert found(text="сәрсенова") == ["Жібек Қанатқызы Сәрсенова"]
    assert found(text="ЖІБЕК сәрс") == ["Жібек Қанатқызы Сәрсенова"]
    assert found(text=IIN) == ["Жібек Қанатқызы Сәрсенова"]
    assert found(text="T-1001") == ["Жібек Қанатқызы Сәрсенова"]
    assert found(text="100%_") == []
    assert "Жібек Қанатқызы Сәрсенова" not in found(unit_id=_unit(db, "math"))
    assert "Жібек Қанатқызы Сәрсенова" in found(unit_id=_unit(db, "eng"))  # and the units below
    page = search_people(db, demo["hr"], PeopleQuery(per_page=5, page=2), today)
    assert (page.total, len(page.items), page.pages) == (14, 5, 3)  # the demo university and its new member


def test_leaving_releases_claimed_tasks_and_moves_empty_seats_up(flow: Flow) -> None:
    from workflows.cases.tasks import claim_task

    case = flow.start()
    other = flow.start(username="teacher2")  # head2's endorsement: nothing to do with the leaver
    task = flow.task(case, "endorse")
    with flow.factory() as s:
        claim_task(s, task.id, flow.demo["head"], flow.clock)
        factories.deputy(s, flow.demo["head"], flow.demo["teacher2"], date(2026, 3, 5), date(2026, 3, 9))
        s.commit()
    with flow.factory() as s:
        with pytest.raises(ValidationFailed) as exc:
            deactivate_person(s, flow.demo["hr"], flow.demo["head"], date(2026, 3, 2), flow.clock)
        assert _codes(exc) == {("left_on", "future_date")}
        assert deactivate_person(s, flow.demo["hr"], flow.demo["head"], date(2026, 3, 1), flow.clock) == 2
        s.commit()
    moved = flow.task(case, "endorse")
    assert (moved.role, moved.assignee_id) == ("institute_director", None)
    assert flow.task(other, "endorse").role == "department_head"
    with flow.factory() as s:
        head = s.get(Person, flow.demo["head"])
        assert head is not None and (head.is_active, head.left_on) == (False, date(2026, 3, 1))
        assert seats(s, flow.demo["head"], date(2026, 3, 1)) == []
        assert s.scalars(
            select(RoleAssignment).where(RoleAssignment.person_id == head.id)
        ).one().valid_to == date(2026, 2, 28)
        assert s.scalars(select(Delegation).where(Delegation.from_person_id == head.id)).all() == []
        kinds = [e.kind for e in s.scalars(select(Event).where(Event.instance_id == case).order_by(Event.id))]
        assert kinds[-2:] == ["task_reassigned", "task_reassigned"]
        with pytest.raises(ValidationFailed) as exc:
            deactivate_person(s, flow.demo["hr"], flow.demo["head"], date(2026, 3, 1), flow.clock)
        assert ("left_on", "already_left") in _codes(exc)


def test_a_leavers_own_case_stays_readable(flow: Flow) -> None:
    case = flow.start()
    with flow.factory() as s:
        deactivate_person(s, flow.demo["admin"], flow.demo["teacher"], date(2026, 3, 1), flow.clock)
        s.commit()
    with flow.factory() as s:
        assert case_detail(s, flow.demo["hr"], case, flow.clock).business_key
        assert s.scalars(select(HumanTask.status).where(HumanTask.instance_id == case)).all() == ["open"]
