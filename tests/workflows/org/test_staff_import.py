"""Importing staff: the preview lists what would change and every problem; applying is all or
nothing, matched by personnel number (else IIN), idempotent, audited, and refused when the file
has any error or is not the one previewed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests import factories
from tests.conftest import Demo
from tests.staff_files import csv_bytes, iins, staff_row, xlsx_bytes
from workflows.clock import FrozenClock
from workflows.errors import Forbidden, NotAllowedNow
from workflows.org.models import AuditEntry, OrgUnit, Person, RoleAssignment
from workflows.org.staff_import import StaffApplied, apply_staff, preview_staff
from workflows.org.staff_plan import ImportFile, StaffPreview

LIMIT = 5 * 1024 * 1024
CS = "Инженерия институты / Информатика кафедрасы"


def _preview(db: Session, demo: Demo, clock: FrozenClock, data: bytes, full: bool = False) -> StaffPreview:
    return preview_staff(db, demo["hr"], ImportFile(data, LIMIT, full), clock)


def _apply(db: Session, demo: Demo, clock: FrozenClock, data: bytes, full: bool = False) -> StaffApplied:
    return apply_staff(db, demo["hr"], ImportFile(data, LIMIT, full), clock)


def _person(db: Session, number: str) -> Person:
    return db.scalars(select(Person).where(Person.personnel_number == number)).one()


def test_new_people_and_units_are_previewed_then_added_and_a_second_import_changes_nothing(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    first, second = next(iins()), list(iins())[1]
    data = csv_bytes(
        [
            staff_row("T100", first, patronymic="Болатұлы", disciplines="Алгоритмдер, Деректер қоры"),
            staff_row(
                "T101",
                second,
                last="Ахметова",
                first="Дина",
                unit_path="Инженерия институты / Робототехника кафедрасы",
                roles="department_head@Робототехника кафедрасы",
                staff_category="ППС",
                language="ru",
            ),
        ]
    )
    preview = _preview(db, demo, clock, data)
    assert preview.ok and preview.rows == 2
    assert [c.personnel_number for c in preview.to_add] == ["T100", "T101"]
    assert preview.new_units == ["Инженерия институты / Робототехника кафедрасы"]
    assert preview.to_add[1].seats_added == ["department_head@Инженерия институты / Робототехника кафедрасы"]
    assert db.scalar(select(func.count()).select_from(Person).where(Person.personnel_number == "T100")) == 0

    applied = _apply(db, demo, clock, data)
    assert (applied.added, applied.updated, applied.units_created) == (2, 0, 1)
    person = _person(db, "T100")
    assert (person.full_name, person.username, person.iin) == ("Ержан Болатұлы Садықов", "T100", first)
    assert person.disciplines == ["Алгоритмдер", "Деректер қоры"]
    assert person.employment_start == date(2020, 9, 1) and person.org_unit.code == "cs"
    head = _person(db, "T101")
    assert (head.locale, head.staff_category, head.org_unit.kind) == ("ru", "teaching", "department")
    [seat] = db.scalars(select(RoleAssignment).where(RoleAssignment.person_id == head.id))
    assert (seat.role, seat.org_unit_id) == ("department_head", head.org_unit_id)

    again = _preview(db, demo, clock, data)
    assert (again.to_add, again.to_update, again.to_deactivate, again.new_units) == ([], [], [], [])
    assert again.unchanged == 2
    before = db.scalars(select(func.count()).select_from(AuditEntry)).one()
    _apply(db, demo, clock, data)
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == before + 1  # the import's own entry


def test_xlsx_and_russian_unit_names_import_the_same_way(db: Session, demo: Demo, clock: FrozenClock) -> None:
    data = xlsx_bytes([staff_row("T200", next(iins()), unit_path="Инженерный институт / Кафедра математики")])
    _apply(db, demo, clock, data)
    assert _person(db, "T200").org_unit.code == "math"


def test_changes_are_listed_field_by_field_and_applied(db: Session, demo: Demo, clock: FrozenClock) -> None:
    iin = next(iins())
    _apply(db, demo, clock, csv_bytes([staff_row("T300", iin)]))
    moved = csv_bytes(
        [staff_row("T300", iin, position="Доцент", unit_path="Инженерия институты / Математика кафедрасы")]
    )
    [change] = _preview(db, demo, clock, moved).to_update
    assert change.changes == {
        "position": ["Оқытушы", "Доцент"],
        "unit_path": [CS, "Инженерия институты / Математика кафедрасы"],
    }
    _apply(db, demo, clock, moved)
    person = _person(db, "T300")
    assert (person.position, person.org_unit.code) == ("Доцент", "math")
    entry = db.scalars(
        select(AuditEntry).where(AuditEntry.subject_id == person.id, AuditEntry.action == "person_updated")
    ).one()
    assert entry.data["position"] == ["Оқытушы", "Доцент"] and entry.actor_id == demo["hr"]


def test_a_person_without_a_number_is_found_by_iin_and_gets_the_number(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    iin = next(iins())
    person = factories.person(db)
    person.iin = iin
    db.flush()
    [change] = _preview(db, demo, clock, csv_bytes([staff_row("T400", iin)])).to_update
    assert change.person_id == person.id and change.changes["personnel_number"] == [None, "T400"]


def test_seats_follow_the_roles_column(db: Session, demo: Demo, clock: FrozenClock) -> None:
    iin = next(iins())
    _apply(
        db, demo, clock, csv_bytes([staff_row("T500", iin, roles="hr@Демо университеті, department_head")])
    )
    person = _person(db, "T500")
    seats = {
        (s.role, s.org_unit.code)
        for s in db.scalars(select(RoleAssignment).where(RoleAssignment.person_id == person.id))
    }
    assert seats == {("hr", "uni"), ("department_head", "cs")}
    [change] = _preview(
        db, demo, clock, csv_bytes([staff_row("T500", iin, roles="hr@Демо университеті")])
    ).to_update
    assert change.seats_ended == [f"department_head@{CS}"]
    _apply(db, demo, clock, csv_bytes([staff_row("T500", iin, roles="hr@Демо университеті")]))
    ended = db.scalars(
        select(RoleAssignment).where(
            RoleAssignment.person_id == person.id, RoleAssignment.role == "department_head"
        )
    ).one()
    assert ended.valid_to == date(2026, 2, 28)


def test_a_leaving_date_deactivates_the_person_and_ends_their_seats(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    iin = next(iins())
    _apply(db, demo, clock, csv_bytes([staff_row("T600", iin, roles="department_head")]))
    header = (*csv_bytes([]).decode().strip().split(";"), "left_on")
    leaving = csv_bytes([[*staff_row("T600", iin), "2026-02-27"]], header)
    preview = _preview(db, demo, clock, leaving)
    assert [c.personnel_number for c in preview.to_deactivate] == ["T600"] and preview.to_update == []
    _apply(db, demo, clock, leaving)
    person = _person(db, "T600")
    assert (person.is_active, person.left_on) == (False, date(2026, 2, 27))
    # the seat began on the import day, after their last day (the day before leaving), so it goes,
    # as it does when they leave by hand
    assert db.scalars(select(RoleAssignment).where(RoleAssignment.person_id == person.id)).all() == []
    assert _preview(db, demo, clock, leaving).to_deactivate == []  # idempotent


def test_a_full_register_deactivates_who_is_missing_but_never_hand_made_accounts(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    codes = iter(iins())
    _apply(db, demo, clock, csv_bytes([staff_row("T700", next(codes)), staff_row("T701", next(codes))]))
    kept = csv_bytes(
        [
            staff_row(
                "T700", db.scalars(select(Person.iin).where(Person.personnel_number == "T700")).one() or ""
            )
        ]
    )
    assert _preview(db, demo, clock, kept).to_deactivate == []
    by_hand = factories.person(db)  # no personnel number, no IIN
    preview = _preview(db, demo, clock, kept, full=True)
    leaving = {c.personnel_number for c in preview.to_deactivate}
    assert "T701" in leaving and "D0001" in leaving and "T700" not in leaving  # D0001: the demo's teacher
    assert by_hand.id not in {c.person_id for c in preview.to_deactivate}
    _apply(db, demo, clock, kept, full=True)
    assert _person(db, "T701").is_active is False and _person(db, "D0001").left_on == date(2026, 3, 1)
    assert by_hand.is_active


def test_every_rule_is_a_row_error_and_nothing_is_applied(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    codes = iter(iins())
    taken = next(codes)
    _apply(db, demo, clock, csv_bytes([staff_row("T800", taken)]))
    closed = factories.unit(db, name="Жабық кафедра")
    closed.closed_on = date(2025, 1, 1)
    db.flush()
    header = (*csv_bytes([]).decode().strip().split(";"), "left_on")
    rows = [
        [*staff_row("T801", next(codes)), ""],
        [*staff_row("T801", next(codes)), ""],  # 2: a duplicate number
        [*staff_row("T803", "850101300002"), ""],  # 3: a bad checksum
        [*staff_row("T804", next(codes), staff_category="dean"), ""],
        [*staff_row("T805", next(codes), roles="rector@Жоқ бөлім"), ""],
        [*staff_row("T806", next(codes), language="de"), ""],
        [*staff_row("T807", next(codes), unit_path="Жабық кафедра / Зертхана"), ""],
        [*staff_row("T808", next(codes), roles="hr"), "2026-01-31"],  # 8: a seat for a leaver
        [*staff_row("T809", taken), ""],  # 9: another's IIN
        [*staff_row("T810", next(codes), roles="owner@Демо университеті"), ""],
    ]
    preview = _preview(db, demo, clock, csv_bytes(rows, header))
    assert {(p.row, p.column, p.code) for p in preview.problems} == {
        (2, "personnel_number", "duplicate_number"),
        (3, "iin", "bad_iin"),
        (4, "staff_category", "unknown_category"),
        (5, "roles", "unknown_unit"),
        (6, "language", "unknown_language"),
        (7, "unit_path", "closed_unit"),
        (8, "roles", "role_for_leaver"),
        (9, "iin", "iin_taken"),
        (10, "roles", "unknown_role"),
    }
    people = db.scalar(select(func.count()).select_from(Person))
    with pytest.raises(NotAllowedNow) as refused:
        _apply(db, demo, clock, csv_bytes(rows, header))
    assert refused.value.code == "import_has_errors" and refused.value.params == {"count": 9}
    assert db.scalar(select(func.count()).select_from(Person)) == people
    assert db.scalar(select(func.count()).select_from(OrgUnit).where(OrgUnit.name_kk == "Зертхана")) == 0


def test_a_file_other_than_the_previewed_one_is_refused(db: Session, demo: Demo, clock: FrozenClock) -> None:
    data = csv_bytes([staff_row("T900", next(iins()))])
    digest = _preview(db, demo, clock, data).digest
    with pytest.raises(NotAllowedNow) as refused:
        apply_staff(db, demo["hr"], ImportFile(data + b"\n", LIMIT), clock, expected_digest=digest)
    assert refused.value.code == "import_file_changed"
    apply_staff(db, demo["hr"], ImportFile(data, LIMIT), clock, expected_digest=digest)
    assert _person(db, "T900").is_active


@pytest.mark.parametrize("username", ["head", "teacher"])
def test_only_administrators_and_hr_import(
    db: Session, demo: Demo, clock: FrozenClock, username: str
) -> None:
    data = csv_bytes([staff_row("T950", next(iins()))])
    with pytest.raises(Forbidden):
        preview_staff(db, demo[username], ImportFile(data, LIMIT), clock)
    with pytest.raises(Forbidden):
        apply_staff(db, demo[username], ImportFile(data, LIMIT), clock)


def test_a_deactivated_person_gets_no_seat_until_taken_back(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    iin = next(iins())
    _apply(db, demo, clock, csv_bytes([staff_row("T960", iin)]))
    person = _person(db, "T960")
    person.is_active, person.left_on = False, date(2025, 12, 31)
    db.flush()
    problems = _preview(db, demo, clock, csv_bytes([staff_row("T960", iin, roles="hr")])).problems
    assert [(p.row, p.column, p.code) for p in problems] == [(1, "roles", "role_for_leaver")]
    header = (*csv_bytes([]).decode().strip().split(";"), "left_on")
    back = csv_bytes([[*staff_row("T960", iin, roles="hr"), ""]], header)
    [change] = _preview(db, demo, clock, back).to_update
    assert change.changes["is_active"] == [False, True] and change.seats_added == ["hr@" + CS]
