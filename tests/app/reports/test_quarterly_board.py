"""HR's quarterly board over the cases: the head opens the unit's task from the board or the
inbox, sees the quarter's figures, sends them; the board shows the unit as sent, the others as
waiting or late; there is no other way to send."""

from __future__ import annotations

from sqlalchemy import select

from tests.app.conftest import LoginAs
from tests.workflows.flow import Flow
from workflows.reports.kept import QuarterlySubmission
from workflows.reports.quarterly import open_quarter


def _open(flow: Flow) -> dict[int, int]:
    flow.at("2026-04-02T09:00:00+05:00")
    with flow.factory() as s:
        assert open_quarter(s, flow.clock) == 2
        s.commit()
        return {r.id: r.instance_id for r in s.scalars(select(QuarterlySubmission)) if r.instance_id}


def test_the_head_sends_from_the_task_and_hr_sees_the_unit_sent(flow: Flow, login_as: LoginAs) -> None:
    cases = _open(flow)
    hr, head = login_as("hr"), login_as("head")
    board = hr.get("/reports/quarterly?year=2026&quarter=1").text
    assert 'id="quarterly-count"' in board
    for submission, case in cases.items():
        assert f'href="/cases/{case}"' in board  # HR follows each unit's case
        assert f'id="task-{submission}"' not in board
    mine = head.get("/reports/quarterly?year=2026&quarter=1").text
    [(submission, case)] = [(s, c) for s, c in cases.items() if f'id="task-{s}"' in mine]
    task = flow.task(case, "check_and_send")
    assert f'href="/tasks/{task.id}"' in mine
    assert f'href="/tasks/{task.id}"' in head.get("/").text  # and it is in the inbox
    page = head.get(f"/tasks/{task.id}").text
    assert 'id="quarter-figures"' in page and 'data-figure="people"' in page
    assert 'name="note"' in page
    assert head.post(f"/tasks/{task.id}", data={"note": "я" * 4001}).status_code == 422
    assert head.post(f"/tasks/{task.id}", data={"note": "Тексерілді"}).status_code == 303
    board = hr.get("/reports/quarterly?year=2026&quarter=1").text
    assert "Тексерілді" in board
    assert "QD-2026Q1" not in hr.get("/registers/cases").text  # not an application
    assert head.post(f"/reports/quarterly/{submission}/submit", data={"note": ""}).status_code == 404
    flow.at("2026-04-12T09:00:00+05:00")
    late = hr.get("/reports/quarterly?year=2026&quarter=1").text
    assert late.count('class="overdue"') == 1  # the other unit, not sent by 11 April
