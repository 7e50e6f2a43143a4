"""The quarterly data to HR as a process: the daily sweep opens one case per headed unit and
quarter; the head's task shows the figures and sending it keeps them; before the date the head is
reminded, past it the journal records the late data once and the director and HR are told; the
policy's days are editable."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import Demo
from tests.workflows.flow import Flow
from workflows.cases.inbox import inbox
from workflows.cases.models import CaseStatus, Event, HumanTask
from workflows.cases.withdrawal import withdraw_application
from workflows.clock import FrozenClock
from workflows.errors import Forbidden, NotAllowedNow, ValidationFailed
from workflows.messaging.models import Notification
from workflows.org.models import OrgUnit
from workflows.records.models import Nonconformity
from workflows.records.reminders import schedule_sweep
from workflows.reports.kept import QuarterlySubmission
from workflows.reports.period import quarter
from workflows.reports.policy import change_reports_policy
from workflows.reports.quarterly import open_quarter, quarter_board
from workflows.reports.quarterly_steps import task_figures

Q1 = quarter(2026, 1)


def _unit(db: Session, code: str) -> int:
    return db.scalars(select(OrgUnit.id).where(OrgUnit.code == code)).one()


def _rows(flow: Flow) -> dict[int, QuarterlySubmission]:
    with flow.factory() as s:
        return {r.unit_id: r for r in s.scalars(select(QuarterlySubmission))}


def _notices(flow: Flow, kind: str) -> list[int]:
    with flow.factory() as s:
        return sorted(s.scalars(select(Notification.person_id).where(Notification.kind == kind)))


def _opened(flow: Flow) -> dict[str, int]:
    """The sweep runs on 1 April: each headed unit's case, by unit code."""
    flow.at("2026-04-01T09:00:00+05:00")
    with flow.factory() as s:
        schedule_sweep(s, flow.clock)
        s.commit()
    flow.fire()  # the worker's daily sweep
    with flow.factory() as s:
        codes = {_unit(s, "cs"): "cs", _unit(s, "math"): "math"}
    return {codes[unit]: row.instance_id for unit, row in _rows(flow).items() if row.instance_id}


def test_the_sweep_opens_each_headed_units_case_once(flow: Flow, demo: Demo) -> None:
    cases = _opened(flow)
    assert set(cases) == {"cs", "math"}
    rows = _rows(flow)
    assert {(r.year, r.quarter, r.due_on) for r in rows.values()} == {(2026, 1, date(2026, 4, 11))}
    for code, head in (("cs", "head"), ("math", "head2")):
        task = flow.task(cases[code], "check_and_send")
        assert task.role == "department_head" and task.due_date == date(2026, 4, 11)
        with flow.factory() as s:
            assert task.id in {t.task_id for t in inbox(s, demo[head], flow.clock).items}
    assert _notices(flow, "task_assigned") == sorted([demo["head"], demo["head2"]])
    with flow.factory() as s:
        assert open_quarter(s, flow.clock) == 0  # once per unit and quarter
        s.commit()
    flow.fire()
    assert len(_rows(flow)) == 2
    with flow.factory() as s:
        assert s.scalar(select(func.count(HumanTask.id)).where(HumanTask.element_id == "check_and_send")) == 2


def test_the_head_checks_and_sends_and_the_figures_are_kept(flow: Flow, demo: Demo) -> None:
    cases = _opened(flow)
    with flow.factory() as s:
        live = task_figures(s, demo["head"], flow.clock, cases["cs"], True)
        assert live is not None and not live.kept and live.totals["people"] >= 1
        assert task_figures(s, demo["hr"], flow.clock, cases["cs"], False) is None  # not theirs to send
    with pytest.raises(Forbidden):
        flow.do("head2", cases["cs"], "check_and_send", note="")  # another unit's head
    with flow.factory() as s, pytest.raises(NotAllowedNow):
        withdraw_application(s, cases["cs"], demo["head"], None, flow.clock)  # the diagram closes it
    with pytest.raises(ValidationFailed):
        flow.do("head", cases["cs"], "check_and_send", note="я" * 4001)
    flow.at("2026-04-03T10:00:00+05:00")
    flow.do("head", cases["cs"], "check_and_send", note="Тексерілді")
    assert flow.case(cases["cs"]).status == CaseStatus.COMPLETED
    sent = _rows(flow)
    with flow.factory() as s:
        row = sent[_unit(s, "cs")]
        assert row.note == "Тексерілді" and row.submitted_by_id == demo["head"]
        assert row.figures == live.totals  # what the head checked is what HR keeps
        kept = task_figures(s, demo["hr"], flow.clock, cases["cs"], False)
        assert kept is not None and kept.kept and kept.totals == row.figures
        lines = {x.unit_id: x for x in quarter_board(s, demo["hr"], flow.clock, Q1).lines}
        assert lines[_unit(s, "cs")].submitted_at is not None and not lines[_unit(s, "cs")].late
        assert lines[_unit(s, "cs")].case_id == cases["cs"] and lines[_unit(s, "cs")].task_id is None
        assert lines[_unit(s, "math")].task_id == flow.task(cases["math"], "check_and_send").id
        mine = quarter_board(s, demo["head2"], flow.clock, Q1)
        assert [line.mine for line in mine.lines] == [True]
        for outsider in ("teacher", "finance"):
            with pytest.raises(Forbidden):
                quarter_board(s, demo[outsider], flow.clock, Q1)


def test_a_late_unit_is_reminded_escalated_and_journalled_once(flow: Flow, demo: Demo) -> None:
    cases = _opened(flow)
    flow.do("head", cases["cs"], "check_and_send", note="")
    flow.at("2026-04-08T09:00:00+05:00")  # three days (the diagram's reminder_days_before) to go
    flow.fire()
    assert _notices(flow, "quarterly_due") == [demo["head2"]]
    with flow.factory() as s:
        told = s.scalars(select(Notification).where(Notification.kind == "quarterly_due")).one()
        assert told.task_id == flow.task(cases["math"], "check_and_send").id
    assert _notices(flow, "step_escalation") == []
    flow.at("2026-04-12T09:00:00+05:00")  # the day after the date
    flow.fire()
    escalated = _notices(flow, "step_escalation")
    assert demo["director"] in escalated and demo["hr"] in escalated and demo["head2"] not in escalated
    flow.at("2026-04-13T09:00:00+05:00")
    flow.fire()
    with flow.factory() as s:
        [entry] = s.scalars(select(Nonconformity).where(Nonconformity.kind == "quarterly_data_late")).all()
        assert entry.unit_id == _unit(s, "math") and entry.responsible_id == demo["head2"]
        assert entry.source_key == f"quarterly_data_late:unit:{_unit(s, 'math')}:2026Q1"
        assert entry.flow_id is not None  # worked by the journal's diagram
        logged = s.scalars(
            select(Event.kind).where(Event.instance_id == cases["math"]).order_by(Event.id)
        ).all()
        assert logged.count("nonconformity") == 1
        line = {x.unit_id: x for x in quarter_board(s, demo["hr"], flow.clock, Q1).lines}[_unit(s, "math")]
        assert line.late and line.submitted_at is None
    assert flow.open_elements(cases["math"]) == ["check_and_send"]  # still to be sent
    flow.do("head2", cases["math"], "check_and_send", note="Кешігіп жіберілді")
    with flow.factory() as s:
        line = {x.unit_id: x for x in quarter_board(s, demo["hr"], flow.clock, Q1).lines}[_unit(s, "math")]
        assert line.late and line.submitted_at is not None  # sent late
        late = select(func.count(Nonconformity.id)).where(Nonconformity.kind == "quarterly_data_late")
        assert s.scalar(late) == 1


def test_a_row_kept_from_before_the_cases_gets_its_case(flow: Flow, demo: Demo) -> None:
    flow.at("2026-04-02T09:00:00+05:00")
    with flow.factory() as s:
        s.add(
            QuarterlySubmission(
                unit_id=_unit(s, "cs"),
                year=2026,
                quarter=1,
                opened_at=flow.clock.now(),
                due_on=date(2026, 4, 11),
                figures={},
            )
        )
        assert open_quarter(s, flow.clock) == 2
        s.commit()
    assert all(row.instance_id is not None for row in _rows(flow).values())
    assert len(_rows(flow)) == 2


def test_the_days_are_policy(db: Session, demo: Demo, clock: FrozenClock) -> None:
    change_reports_policy(
        db,
        demo["hr"],
        clock,
        {"quarterly_opens_after_days": "5", "quarterly_due_days": "20", "export_background_rows": "2000"},
    )
    assert open_quarter(db, clock) == 0  # 1 March: the last quarter's window passed long ago
    clock.set(clock.now().replace(month=4, day=3))
    assert open_quarter(db, clock) == 0  # 5 days after 31 March is 5 April
    clock.set(clock.now().replace(day=5))
    assert open_quarter(db, clock) == 2
    assert {r.due_on for r in db.scalars(select(QuarterlySubmission))} == {date(2026, 4, 25)}
    tasks = db.scalars(select(HumanTask.due_date).where(HumanTask.element_id == "check_and_send")).all()
    assert set(tasks) == {date(2026, 4, 25)}
    with pytest.raises(ValidationFailed) as caught:
        change_reports_policy(
            db, demo["hr"], clock, {"quarterly_opens_after_days": "x", "quarterly_due_days": "0"}
        )
    assert {e.field for e in caught.value.errors} == {
        "quarterly_opens_after_days",
        "quarterly_due_days",
        "export_background_rows",
    }
    with pytest.raises(Forbidden):
        change_reports_policy(db, demo["head"], clock, {})
