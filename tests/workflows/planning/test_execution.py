"""Planned vs done, against a plan whose every figure is known, and the slipped lines' journal entries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from tests.workflows.flow import Flow, application
from tests.workflows.planning.plan_rows import approved_plan, line
from workflows.cases.start import start_case
from workflows.errors import Forbidden, NotFound
from workflows.org.models import Person
from workflows.planning.execution import execution, planned_by
from workflows.planning.linking import prefilled
from workflows.planning.slips import NONCONFORMITY_KIND, schedule_slip_sweep, sweep_slips
from workflows.records.models import Nonconformity


def _apply(flow: Flow, username: str, line_id: int, **data: Any) -> int:
    with flow.factory() as s:
        values = {**application(), **prefilled(s, flow.demo[username], line_id), **data}
        ref = start_case(s, "qualification_request", flow.demo[username], values, flow.clock)
        s.commit()
    return ref.id


@pytest.fixture
def plan(flow: Flow) -> dict[str, int]:
    """Four lines: one done, one ordered, one slipped past its quarter, one not yet due."""
    with flow.factory() as s:
        lines = approved_plan(
            s,
            flow.demo,
            flow.clock,
            2026,
            [
                line(
                    "teacher",
                    "Цифрлық педагогика",
                    1,
                    start_date=date(2026, 3, 21),
                    end_date=date(2026, 3, 31),
                ),
                line(
                    "teacher",
                    "Python негіздері",
                    2,
                    hours=36,
                    funding_source="university",
                    estimated_cost=Decimal(100000),
                    start_date=date(2026, 4, 20),
                    end_date=date(2026, 4, 25),
                ),
                line(
                    "teacher", "Деректер қоры", 1, funding_source="university", estimated_cost=Decimal(50000)
                ),
                line("teacher2", "Сызықтық алгебра әдістемесі", 3, hours=108),
            ],
        )
        s.commit()
    done = _apply(flow, "teacher", lines["Цифрлық педагогика"])
    flow.approve_to_order(done)
    ordered = _apply(flow, "teacher", lines["Python негіздері"])
    flow.approve_to_order(ordered, university=True)
    flow.at("2026-04-01T08:00:00+05:00")
    flow.fire()
    flow.submit_report(done)
    flow.verify(done)
    flow.do("head", done, "meeting_review", **flow.meeting_record(), decision="approve")
    flow.at("2026-07-02T09:00:00+05:00")
    return lines


def test_planned_vs_done_for_the_whole_university(flow: Flow, plan: dict[str, int]) -> None:
    with flow.factory() as s:
        found = execution(s, flow.demo["hr"], 2026, flow.clock)
    total = found.total
    assert (total.lines, total.applied, total.ordered, total.verified, total.slipped) == (4, 2, 2, 1, 1)
    assert (total.hours_planned, total.hours_done) == (72 + 36 + 72 + 108, 72)
    assert (total.cost_planned, total.spent) == (Decimal(150000), Decimal(100000))
    by_topic = {line.topic: line for line in found.lines}
    assert by_topic["Цифрлық педагогика"].verified and by_topic["Цифрлық педагогика"].order_number
    assert by_topic["Python негіздері"].order_number and not by_topic["Python негіздері"].verified
    assert by_topic["Деректер қоры"].slipped and by_topic["Деректер қоры"].case_id is None
    assert not by_topic["Сызықтық алгебра әдістемесі"].slipped  # its quarter has not ended
    assert sorted(u.figures.lines for u in found.units) == [1, 3]
    assert found.total.share(found.total.ordered) == 50


def test_a_head_sees_their_unit_and_others_see_nothing(flow: Flow, plan: dict[str, int]) -> None:
    with flow.factory() as s:
        mine = execution(s, flow.demo["head"], 2026, flow.clock)
        assert {line.person_id for line in mine.lines} == {flow.demo["teacher"]}
        math_unit = s.get(Person, flow.demo["teacher2"]).org_unit_id  # type: ignore[union-attr]
        chosen = execution(s, flow.demo["hr"], 2026, flow.clock, unit_id=math_unit)
        assert [line.topic for line in chosen.lines] == ["Сызықтық алгебра әдістемесі"]
        with pytest.raises(Forbidden):
            execution(s, flow.demo["teacher"], 2026, flow.clock)
        with pytest.raises(NotFound):
            execution(s, flow.demo["hr"], 2031, flow.clock)


def test_a_slipped_line_enters_the_journal_once(flow: Flow, plan: dict[str, int]) -> None:
    with flow.factory() as s:
        assert sweep_slips(s, flow.clock) == 1
        assert sweep_slips(s, flow.clock) == 0  # the next day's sweep adds nothing for the same line
        [entry] = s.scalars(select(Nonconformity).where(Nonconformity.kind == NONCONFORMITY_KIND))
        assert entry.person_id == flow.demo["teacher"] and "Деректер қоры" in entry.note
        assert "2026-03-31" in entry.note
        flow.at("2026-10-01T09:00:00+05:00")  # the third quarter is over too
        assert sweep_slips(s, flow.clock) == 1
        assert schedule_slip_sweep(s, flow.clock) is True and schedule_slip_sweep(s, flow.clock) is False


def test_a_line_is_due_by_its_dates_month_or_quarter() -> None:
    assert planned_by(2026, 2, None, None) == date(2026, 6, 30)
    assert planned_by(2026, 1, 2, None) == date(2026, 2, 28)
    assert planned_by(2026, 4, None, date(2026, 10, 5)) == date(2026, 10, 5)
    assert planned_by(2026, None, None, None) == date(2026, 12, 31)
