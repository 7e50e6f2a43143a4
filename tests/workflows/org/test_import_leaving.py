"""Leaving through the staff import is leaving by hand: the leaver's open tasks go back to their
seat's other holder or up the tree inside the same all-or-nothing apply, and the audit log and
the case's history say so."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests import factories
from tests.staff_files import csv_bytes
from tests.workflows.flow import Flow
from workflows.cases.models import Event, EventKind
from workflows.cases.tasks import claim_task
from workflows.errors import NotAllowedNow
from workflows.org.models import AuditEntry, OrgUnit, Person, RoleAssignment
from workflows.org.seats import holders
from workflows.org.staff_import import apply_staff
from workflows.org.staff_plan import ImportFile

LIMIT = 5 * 1024 * 1024
DEMO_STAFF = Path(__file__).parents[3] / "workflows" / "org" / "demo_data" / "staff.csv"
HEADER = ("personnel_number", "last_name", "first_name", "unit_path", "left_on")
HEAD_ROW = ("D0003", "Жақсыбеков", "Дәурен", "Инженерия институты / Информатика кафедрасы", "2026-03-01")


def _leaving_file(full_register: bool) -> ImportFile:
    if full_register:  # the whole demo staff but the head
        lines = DEMO_STAFF.read_text(encoding="utf-8").splitlines()
        data = "\n".join(line for line in lines if not line.startswith("D0003;")).encode("utf-8")
        return ImportFile(data, LIMIT, True)
    return ImportFile(csv_bytes([HEAD_ROW], HEADER), LIMIT)


def _moves(flow: Flow, case: int) -> list[dict[str, object]]:
    with flow.factory() as s:
        events = s.scalars(
            select(Event).where(Event.instance_id == case, Event.kind == EventKind.TASK_REASSIGNED)
        )
        return [e.data for e in events]


def _left_entry(flow: Flow) -> AuditEntry:
    with flow.factory() as s:
        return s.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "person_left", AuditEntry.subject_id == flow.demo["head"]
            )
        ).one()


@pytest.mark.parametrize("full_register", [False, True], ids=["leaving_date", "full_register"])
def test_a_head_leaving_through_an_import_sends_their_endorsement_up_the_tree(
    flow: Flow, full_register: bool
) -> None:
    case = flow.start()
    with flow.factory() as s:
        applied = apply_staff(s, flow.demo["hr"], _leaving_file(full_register), flow.clock)
        s.commit()
    assert applied.deactivated == 1
    task = flow.task(case, "endorse")
    assert (task.role, task.assignee_id) == ("institute_director", None)
    with flow.factory() as s:
        eng = s.scalars(select(OrgUnit.id).where(OrgUnit.code == "eng")).one()
        assert task.org_unit_id == eng
        head = s.get(Person, flow.demo["head"])
        assert head is not None and (head.is_active, head.left_on) == (False, date(2026, 3, 1))
        seat = s.scalars(select(RoleAssignment).where(RoleAssignment.person_id == head.id)).one()
        assert seat.valid_to == date(2026, 2, 28)  # the day before, as leaving by hand
    [moved] = _moves(flow, case)
    assert moved["reason"] == "seat_empty" and moved["to_seat"] == ["institute_director", eng]
    entry = _left_entry(flow)
    assert (entry.actor_id, entry.data["tasks_rerouted"], entry.data["tasks_released"]) == (
        flow.demo["hr"],
        1,
        0,
    )


def test_a_claimed_task_goes_back_to_the_seats_other_holder(flow: Flow) -> None:
    case = flow.start()
    task = flow.task(case, "endorse")
    with flow.factory() as s:
        cs = s.scalars(select(OrgUnit.id).where(OrgUnit.code == "cs")).one()
        other = factories.person(s, username="cohead")
        factories.seat(s, other.id, "department_head", cs)
        claim_task(s, task.id, flow.demo["head"], flow.clock)
        s.commit()
        other_id = other.id
    with flow.factory() as s:
        apply_staff(s, flow.demo["hr"], _leaving_file(False), flow.clock)
        s.commit()
    task = flow.task(case, "endorse")
    assert (task.role, task.org_unit_id, task.assignee_id) == ("department_head", cs, None)
    with flow.factory() as s:
        assert holders(s, "department_head", cs, date(2026, 3, 1)) == [other_id]
    [moved] = _moves(flow, case)
    assert (moved["reason"], moved["from_person"]) == ("left", flow.demo["head"])
    entry = _left_entry(flow)
    assert (entry.data["tasks_released"], entry.data["tasks_rerouted"]) == (1, 0)


def test_an_import_that_fails_moves_no_task(flow: Flow) -> None:
    case = flow.start()
    bad = csv_bytes([HEAD_ROW, ("D0099", "", "", "Жоқ институт", "")], HEADER)
    with flow.factory() as s:
        with pytest.raises(NotAllowedNow, match="error"):
            apply_staff(s, flow.demo["hr"], ImportFile(bad, LIMIT), flow.clock)
        s.rollback()
    assert flow.task(case, "endorse").role == "department_head"
    assert _moves(flow, case) == []
