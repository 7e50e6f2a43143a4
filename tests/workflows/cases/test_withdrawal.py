"""Ending a case early leaves a trace, stops everything that was waiting, and says so."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.workflows.flow import Flow
from workflows.cases.models import (
    CaseStatus,
    Event,
    EventKind,
    HumanTask,
    Job,
    JobKind,
    JobStatus,
    Order,
    TaskStatus,
)
from workflows.cases.withdrawal import cancel_order, withdraw_application
from workflows.errors import Forbidden, NotAllowedNow, NotFound, ValidationFailed
from workflows.messaging.models import NoticeKind, Notification


def _notified(flow: Flow, username: str, kind: NoticeKind) -> int:
    with flow.factory() as s:
        return len(
            s.scalars(
                select(Notification).where(
                    Notification.person_id == flow.demo[username], Notification.kind == kind
                )
            ).all()
        )


def test_the_applicant_withdraws_and_the_head_is_told(flow: Flow) -> None:
    case = flow.start()
    with flow.factory() as s:
        withdraw_application(s, case, flow.demo["teacher"], "Курс ауыстырылды", flow.clock)
        s.commit()
    instance = flow.case(case)
    assert (instance.status, instance.ended_at) == (CaseStatus.WITHDRAWN, flow.clock.now())
    assert flow.open_elements(case) == []
    with flow.factory() as s:
        [event] = s.scalars(
            select(Event).where(Event.instance_id == case, Event.kind == EventKind.CASE_WITHDRAWN)
        )
        assert (event.actor_id, event.comment) == (flow.demo["teacher"], "Курс ауыстырылды")
        assert s.scalars(select(HumanTask.status).where(HumanTask.instance_id == case)).all() == [
            TaskStatus.CANCELLED
        ]
    assert _notified(flow, "head", NoticeKind.WITHDRAWN) == 1


def test_only_the_applicant_withdraws_and_only_before_the_order(flow: Flow) -> None:
    case = flow.start()
    with flow.factory() as s, pytest.raises(Forbidden):
        withdraw_application(s, case, flow.demo["head"], None, flow.clock)
    with flow.factory() as s, pytest.raises(NotFound):  # a colleague does not even see the case
        withdraw_application(s, case, flow.demo["teacher2"], None, flow.clock)
    flow.approve_to_order(case)
    with flow.factory() as s, pytest.raises(NotAllowedNow) as refused:
        withdraw_application(s, case, flow.demo["teacher"], None, flow.clock)
    assert refused.value.code == "order_already_issued" and refused.value.params["number"] == "БА-2026/0001"
    assert flow.case(case).status == CaseStatus.RUNNING


def test_hr_cancels_the_order_with_a_reason_and_the_waiting_timer_goes(flow: Flow) -> None:
    case = flow.start()
    flow.approve_to_order(case)
    with flow.factory() as s:
        pending = s.scalars(select(Job).where(Job.instance_id == case, Job.kind == JobKind.TIMER)).all()
        # Waiting for the course to end; the approval steps' deadline timers went with their steps.
        assert [j.status for j in pending if j.status != JobStatus.CANCELLED] == [JobStatus.PENDING]
        with pytest.raises(ValidationFailed):
            cancel_order(s, case, flow.demo["hr"], "  ", flow.clock)
        cancel_order(s, case, flow.demo["hr"], "Курс өткізілмейді", flow.clock)
        s.commit()
    with flow.factory() as s:
        order = s.scalars(select(Order).where(Order.instance_id == case)).one()
        assert (order.status, order.cancelled_by_id, order.cancel_reason) == (
            "cancelled",
            flow.demo["hr"],
            "Курс өткізілмейді",
        )
        kinds = [e.kind for e in s.scalars(select(Event).where(Event.instance_id == case).order_by(Event.id))]
        assert kinds[-2:] == [EventKind.ORDER_CANCELLED, EventKind.CASE_CANCELLED]
        timers = s.scalars(select(Job).where(Job.instance_id == case, Job.kind == JobKind.TIMER)).all()
        assert timers and {j.status for j in timers} == {JobStatus.CANCELLED}
    assert flow.case(case).status == CaseStatus.CANCELLED
    assert _notified(flow, "teacher", NoticeKind.ORDER_CANCELLED) == 1
    flow.at("2026-04-01T08:00:00+05:00")
    assert flow.fire().done >= 0 and flow.open_elements(case) == []  # the report is never asked for


def test_only_hr_cancels_and_only_an_issued_order(flow: Flow) -> None:
    case = flow.start()
    with flow.factory() as s, pytest.raises(NotAllowedNow) as refused:
        cancel_order(s, case, flow.demo["hr"], "Қате", flow.clock)
    assert refused.value.code == "no_order_to_cancel"
    flow.approve_to_order(case)
    with flow.factory() as s, pytest.raises(Forbidden):
        cancel_order(s, case, flow.demo["rector"], "Қате", flow.clock)
    assert flow.case(case).status == CaseStatus.RUNNING
