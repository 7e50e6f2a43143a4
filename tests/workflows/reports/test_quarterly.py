"""The quarterly data to HR: opened by the daily sweep once per unit and quarter, sent by the head
with the figures kept, late ones shown to HR; the policy's days are editable."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import Demo
from tests.workflows.flow import Flow
from workflows.clock import FrozenClock
from workflows.errors import Conflict, Forbidden, ValidationFailed
from workflows.messaging.models import Notification
from workflows.org.models import OrgUnit
from workflows.records.reminders import schedule_sweep
from workflows.reports.kept import QuarterlySubmission
from workflows.reports.period import quarter
from workflows.reports.policy import change_reports_policy
from workflows.reports.quarterly import open_quarter, quarter_board, submit_quarter


def _unit(db: Session, code: str) -> int:
    return db.scalars(select(OrgUnit.id).where(OrgUnit.code == code)).one()


def test_the_sweep_opens_each_headed_units_quarter_once(flow: Flow, demo: Demo) -> None:
    flow.at("2026-04-01T09:00:00+05:00")
    with flow.factory() as s:
        schedule_sweep(s, flow.clock)
        s.commit()
    flow.fire()  # the worker's daily sweep
    with flow.factory() as s:
        rows = s.scalars(select(QuarterlySubmission).order_by(QuarterlySubmission.unit_id)).all()
        assert {r.unit_id for r in rows} == {_unit(s, "cs"), _unit(s, "math")}
        assert {(r.year, r.quarter, r.due_on) for r in rows} == {(2026, 1, date(2026, 4, 11))}
        told = s.scalars(select(Notification.person_id).where(Notification.kind == "quarterly_due")).all()
        assert sorted(told) == sorted([demo["head"], demo["head2"]])
        assert open_quarter(s, flow.clock) == 0  # once per unit and quarter
        assert s.scalar(select(func.count(QuarterlySubmission.id))) == 2


def test_heads_send_and_hr_sees_who_is_late(db: Session, demo: Demo, clock: FrozenClock) -> None:
    clock.set(clock.now().replace(month=4, day=2))
    open_quarter(db, clock)
    q1 = quarter(2026, 1)
    board = quarter_board(db, demo["hr"], clock, q1)
    assert board.everyone and len(board.lines) == 2 and board.sent == 0
    mine = quarter_board(db, demo["head"], clock, q1)
    [line] = mine.lines
    assert line.mine and line.unit_id == _unit(db, "cs")
    other = quarter_board(db, demo["head2"], clock, q1).lines[0]
    with pytest.raises(Forbidden):
        submit_quarter(db, demo["head"], clock, other.id, "")
    with pytest.raises(ValidationFailed):
        submit_quarter(db, demo["head"], clock, line.id, "я" * 4001)
    sent = submit_quarter(db, demo["head"], clock, line.id, "Тексерілді")
    assert sent.figures["people"] >= 1 and sent.note == "Тексерілді"
    with pytest.raises(Conflict):
        submit_quarter(db, demo["head"], clock, line.id, "")
    clock.set(clock.now().replace(day=12))  # past 11 April
    lines = {x.unit_id: x for x in quarter_board(db, demo["hr"], clock, q1).lines}
    assert not lines[_unit(db, "cs")].late and lines[_unit(db, "cs")].submitted_at is not None
    assert lines[_unit(db, "math")].late and lines[_unit(db, "math")].submitted_at is None
    for outsider in ("teacher", "finance"):
        with pytest.raises(Forbidden):
            quarter_board(db, demo[outsider], clock, q1)


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
