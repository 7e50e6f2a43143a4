"""Each shipped process's cases land in the list its diagram names (`listed`) and in no other:
the cases register, the subject's My applications and their individual report."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.workflows.definitions.test_listing import SHIPPED
from tests.workflows.flow import Flow
from workflows.cases.detail import my_cases
from workflows.cases.models import ProcessInstance
from workflows.cases.new_case import new_instance
from workflows.definitions.listing import IN_REGISTER, Listing
from workflows.definitions.publishing import latest_version
from workflows.org.leaving import deactivate_person
from workflows.org.models import Person
from workflows.records.reminders import schedule_sweep
from workflows.reports.figures import build_report
from workflows.reports.kept import QuarterlySubmission
from workflows.reports.period import quarter, year
from workflows.reports.quarterly import quarter_board
from workflows.reports.registers import CaseFilter, case_register


def _register(s: Session, flow: Flow) -> set[int]:
    return {r.id for r in case_register(s, flow.demo["hr"], flow.clock, CaseFilter(per_page=100)).rows}


def _lists(flow: Flow, case: int, subject: str) -> set[str]:
    with flow.factory() as s:
        found = set()
        if case in {
            r.id for r in case_register(s, flow.demo["hr"], flow.clock, CaseFilter(per_page=100)).rows
        }:
            found.add("register")
        if case in {r.id for r in my_cases(s, flow.demo[subject])}:
            found.add("mine")
        key = s.get(ProcessInstance, case).business_key  # type: ignore[union-attr]
        report = build_report(s, flow.demo["hr"], flow.clock, "individual", flow.demo[subject], year(2026))
        if key in {c.business_key for c in report.cases}:
            found.add("report")
        return found


def _expected(listed: Listing) -> set[str]:
    if listed == Listing.APPLICATIONS:
        return {"register", "mine", "report"}
    return {"register"} if listed in IN_REGISTER else set()


@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_a_case_of_each_shipped_process_lands_where_its_diagram_says(flow: Flow, key: str) -> None:
    with flow.factory() as s:
        teacher = s.get(Person, flow.demo["teacher"])
        assert teacher is not None
        version = latest_version(s, key)
        case = new_instance(s, version.id, key, f"T-{key}", teacher.id, teacher.org_unit_id, flow.clock.now())
        case.summary = {"course": "Python негіздері", "start_date": "2026-04-10", "end_date": "2026-04-20"}
        s.commit()
        case_id = case.id
    assert _lists(flow, case_id, "teacher") == _expected(SHIPPED[key])


def test_a_heads_quarterly_case_is_on_the_board_alone(flow: Flow) -> None:
    flow.at("2026-04-01T09:00:00+05:00")
    with flow.factory() as s:
        schedule_sweep(s, flow.clock)
        s.commit()
    flow.fire()
    with flow.factory() as s:
        cases = [r.instance_id for r in s.scalars(select(QuarterlySubmission)) if r.instance_id]
        board = quarter_board(s, flow.demo["hr"], flow.clock, quarter(2026, 1))
        assert set(cases) <= {line.case_id for line in board.lines}
    assert cases
    for case in cases:
        with flow.factory() as s:
            subject = s.get(ProcessInstance, case).subject_id  # type: ignore[union-attr]
        name = next(n for n, pid in flow.demo.ids.items() if pid == subject)
        assert _lists(flow, case, name) == set()


def test_an_application_and_a_refund_are_in_the_register_only_the_application_is_mine(flow: Flow) -> None:
    case = flow.start(funding_source="university", cost=120000)
    flow.approve_to_order(case, university=True)
    flow.at("2027-01-15T10:00:00+05:00")
    with flow.factory() as s:
        deactivate_person(s, flow.demo["admin"], flow.demo["teacher"], date(2027, 1, 15), flow.clock)
        s.commit()
    with flow.factory() as s:
        [refund] = s.scalars(select(ProcessInstance.id).where(ProcessInstance.process_key == "refund")).all()
        mine = {r.id for r in my_cases(s, flow.demo["teacher"])}
        register = {
            r.id for r in case_register(s, flow.demo["hr"], flow.clock, CaseFilter(per_page=100)).rows
        }
    assert case in mine and refund not in mine
    assert {case, refund} <= register
