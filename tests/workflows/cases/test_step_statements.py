"""A completion costs at most eight statements with its commit, whatever the diagram asks for: the
case and its task come in one read, every seat of the step in one more, each derived table is
written once, and the jobs the rows imply are the database's own writes."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

import tests.workflows.flow as flow_module
from tests.conftest import Demo
from tests.statements import counting
from tests.workflows.cases import ten_steps
from tests.workflows.flow import Flow, application
from workflows.cases.models import HumanTask, Job, JobKind, JobStatus, ProcessInstance
from workflows.cases.tasks import complete_task
from workflows.clock import FrozenClock
from workflows.messaging.models import Notification

MOST = 8  # statements per completion, the commit included

FAN_OUT = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="ten_steps" name="Fan out" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_employee" name="employee"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>first</bpmn:flowNodeRef><bpmn:flowNodeRef>tell</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>split</bpmn:flowNodeRef><bpmn:flowNodeRef>join</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="lane_head" name="department_head"><bpmn:flowNodeRef>head</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="lane_rector" name="rector"><bpmn:flowNodeRef>rector</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="lane_hr" name="hr"><bpmn:flowNodeRef>hr</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="form" value="ten_steps_step" /></spiffworkflow:properties>
      </bpmn:extensionElements><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="first" name="First"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="form" value="ten_steps_step" /></spiffworkflow:properties>
      </bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:serviceTask id="tell" name="Tell"><bpmn:extensionElements>
      <spiffworkflow:serviceTaskOperator id="notify" resultVariable="told"><spiffworkflow:parameters>
        <spiffworkflow:parameter id="event" type="str" value="'order_issued'" />
        <spiffworkflow:parameter id="to" type="str" value="'employee, department_head, rector, hr'" />
      </spiffworkflow:parameters></spiffworkflow:serviceTaskOperator></bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:parallelGateway id="split"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>a1</bpmn:outgoing>
      <bpmn:outgoing>b1</bpmn:outgoing><bpmn:outgoing>c1</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:userTask id="head" name="Head"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="form" value="ten_steps_step" /></spiffworkflow:properties>
      </bpmn:extensionElements><bpmn:incoming>a1</bpmn:incoming><bpmn:outgoing>a2</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="rector" name="Rector"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="form" value="ten_steps_step" /></spiffworkflow:properties>
      </bpmn:extensionElements><bpmn:incoming>b1</bpmn:incoming><bpmn:outgoing>b2</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="hr" name="HR"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="form" value="ten_steps_step" /></spiffworkflow:properties>
      </bpmn:extensionElements><bpmn:incoming>c1</bpmn:incoming><bpmn:outgoing>c2</bpmn:outgoing></bpmn:userTask>
    <bpmn:parallelGateway id="join"><bpmn:incoming>a2</bpmn:incoming><bpmn:incoming>b2</bpmn:incoming>
      <bpmn:incoming>c2</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="first" />
    <bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="tell" />
    <bpmn:sequenceFlow id="f3" sourceRef="tell" targetRef="split" />
    <bpmn:sequenceFlow id="a1" sourceRef="split" targetRef="head" />
    <bpmn:sequenceFlow id="b1" sourceRef="split" targetRef="rector" />
    <bpmn:sequenceFlow id="c1" sourceRef="split" targetRef="hr" />
    <bpmn:sequenceFlow id="a2" sourceRef="head" targetRef="join" />
    <bpmn:sequenceFlow id="b2" sourceRef="rector" targetRef="join" />
    <bpmn:sequenceFlow id="c2" sourceRef="hr" targetRef="join" />
    <bpmn:sequenceFlow id="f4" sourceRef="join" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""

WRITE = re.compile(r"^\s*(?:INSERT INTO|UPDATE)\s+(\w+)", re.IGNORECASE)


def _writes(statements: list[str]) -> Counter[str]:
    return Counter(m.group(1).lower() for s in statements if (m := WRITE.match(s)))


def _seat_reads(statements: list[str]) -> int:
    """Statements that resolve seats up the unit chain (the recursive walk of the org tree)."""
    return sum("RECURSIVE" in s.upper() for s in statements)


def _counted(flow: Flow, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every completion the flow makes from now on, with the commit, as the statements it sent."""
    seen: list[list[str]] = []

    def counted(session: Session, task_id: int, actor_id: int, data: dict[str, Any], clock: Any) -> Any:
        with counting(engine) as statements:
            ref = complete_task(session, task_id, actor_id, data, clock)
            session.commit()
        seen.append([*statements, "COMMIT"])
        return ref

    monkeypatch.setattr(flow_module, "complete_task", counted)
    return seen


def test_every_completion_of_the_qualification_request_is_at_most_eight_statements(
    flow: Flow, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _counted(flow, engine, monkeypatch)
    case = flow.start()
    flow.do("head", case, "endorse", decision="return", comment="Қайта қараңыз")
    flow.do("teacher", case, "revise_application", **application())
    flow.approve_to_order(case)  # the order issued, the teacher told, the course's timer set
    flow.at("2026-04-01T08:00:00+05:00")
    flow.fire()
    flow.at("2026-04-03T10:00:00+05:00")
    flow.submit_report(case)  # an upload attached, the report's timers cancelled
    flow.verify(case)
    flow.at("2026-04-20T15:00:00+05:00")
    meeting = flow.meeting_record()  # its minutes uploaded before the step
    flow.do(
        "head",
        case,
        "meeting_review",
        **meeting,
        decision="approve",
    )  # the training recorded, the case completed
    assert flow.case(case).status == "completed"
    assert len(seen) == 8
    # The meeting's step attaches its minutes file (000 §11.3) and records the training, whose
    # insert reads the records policy and the verifier itself: eight like the others.
    for statements in seen:
        assert len(statements) <= MOST, "\n".join(s[:150] for s in statements)
        assert _seat_reads(statements) <= 1, statements
        writes = _writes(statements)
        assert writes["job"] == 0, statements  # the database's own
        assert all(n == 1 for table, n in writes.items() if table != "process_instance"), writes


def test_a_step_that_fans_out_to_three_seats_and_tells_four_roles_is_no_dearer(
    factory: sessionmaker[Session], demo: Demo, clock: FrozenClock, engine: Engine
) -> None:
    with factory() as session:
        ten_steps.publish_ten_steps(session, clock, FAN_OUT)
        session.commit()
    case = ten_steps.start(factory, demo, clock)
    task = ten_steps.open_task(factory, case)
    with factory() as session, counting(engine) as statements:
        complete_task(session, task, demo["teacher"], dict(ten_steps.STEP), clock)
        session.commit()
    with factory() as session:
        roles = session.scalars(
            select(HumanTask.role).where(HumanTask.instance_id == case, HumanTask.status == "open")
        ).all()
        told = session.scalar(select(func.count(Notification.id)).where(Notification.instance_id == case))
        emails = session.scalar(
            select(func.count(Job.id)).where(Job.instance_id == case, Job.kind == JobKind.EMAIL)
        )
    assert sorted(roles) == ["department_head", "hr", "rector"]
    assert told and told == emails  # every notice has its email job
    assert len(statements) + 1 <= MOST, statements
    assert _seat_reads(statements) == 1, statements


def test_a_notice_email_job_carries_what_the_worker_sends(flow: Flow) -> None:
    case = flow.start()
    flow.do("head", case, "endorse", decision="return", comment="Қайта қараңыз")
    with flow.factory() as session:
        notices = session.scalars(
            select(Notification).where(Notification.instance_id == case).order_by(Notification.id)
        ).all()
        jobs = session.scalars(
            select(Job).where(Job.instance_id == case, Job.kind == JobKind.EMAIL).order_by(Job.id)
        ).all()
    assert notices and len(jobs) == len(notices)
    for notice, job in zip(notices, jobs, strict=True):
        assert job.status == JobStatus.PENDING and job.attempts == 0
        assert job.due_at == notice.created_at
        assert job.payload == {
            "person_id": notice.person_id,
            "kind": notice.kind,
            "instance_id": case,
            "task_id": notice.task_id,
            "data": notice.data,
        }


def _pending_timers(session: Session, case: int) -> list[str]:
    due = session.scalars(
        select(Job.due_at)
        .where(Job.instance_id == case, Job.kind == JobKind.TIMER, Job.status == JobStatus.PENDING)
        .order_by(Job.due_at)
    ).all()
    return [d.isoformat() for d in due]


def test_pending_timer_jobs_mirror_the_timers_the_case_waits_for(flow: Flow) -> None:
    case = flow.start()
    flow.approve_to_order(case)
    with flow.factory() as session:
        instance = session.get(ProcessInstance, case)
        assert instance is not None
        waiting = list(instance.timers)
        assert len(waiting) == 1 and len(_pending_timers(session, case)) == 1
        cancelled = select(func.count(Job.id)).where(
            Job.instance_id == case, Job.kind == JobKind.TIMER, Job.status == JobStatus.CANCELLED
        )
        before = session.scalar(cancelled)  # the steps' deadline timers, cancelled as each was done
        # Another moment is waited for instead: its job comes, the old one is cancelled.
        instance.timers = ["2026-05-01 04:00:00.000000"]
        session.flush()
        assert _pending_timers(session, case) == ["2026-05-01T04:00:00+00:00"]
        assert session.scalar(cancelled) == (before or 0) + 1
        # Both the old moment and the new one: only the missing one is added.
        instance.timers = [*waiting, "2026-05-01 04:00:00.000000"]
        session.flush()
        assert len(_pending_timers(session, case)) == 2
        instance.timers = []
        session.flush()
        assert _pending_timers(session, case) == []
        session.rollback()


def test_the_triggers_that_write_the_jobs_are_there_after_every_migration(engine: Engine) -> None:
    # SQLite drops a table's triggers when a migration copies the table (Alembic's batch mode): a
    # later migration that re-creates `notification` or `process_instance` must create them again.
    if engine.dialect.name == "sqlite":
        found = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        found = (
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
            " AND tgrelid::regclass::text IN ('notification', 'process_instance')"
        )
    with engine.connect() as conn:
        names = set(conn.exec_driver_sql(found).scalars())
    assert {"notification_email", "process_instance_timers"} <= names
