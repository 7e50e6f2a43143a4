"""What one step costs and writes: a few statements and one flush, nothing that tells the actor about
their own doing."""

from __future__ import annotations

from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import Demo
from tests.statements import counting
from tests.workflows.cases import ten_steps
from tests.workflows.flow import Flow
from workflows.cases.models import Job, JobKind, ProcessInstance
from workflows.cases.tasks import complete_task
from workflows.clock import FrozenClock
from workflows.messaging.models import NoticeKind, Notification

HEAD_TWICE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="ten_steps" name="Head twice" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_employee" name="employee"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="lane_head" name="department_head"><bpmn:flowNodeRef>first</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>second</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="form" value="ten_steps_step" /></spiffworkflow:properties>
      </bpmn:extensionElements><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="first" name="First"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="form" value="ten_steps_step" /></spiffworkflow:properties>
      </bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="second" name="Second"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="form" value="ten_steps_step" /></spiffworkflow:properties>
      </bpmn:extensionElements><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="first" />
    <bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="second" />
    <bpmn:sequenceFlow id="f3" sourceRef="second" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""


def _told(session: Session, person: int, case: int) -> tuple[int, int]:
    """Task notices and their email jobs for `person` about `case`."""
    notices = session.scalar(
        select(func.count(Notification.id)).where(
            Notification.person_id == person,
            Notification.instance_id == case,
            Notification.kind == NoticeKind.TASK_ASSIGNED,
        )
    )
    emails = [
        job
        for job in session.scalars(select(Job).where(Job.instance_id == case, Job.kind == JobKind.EMAIL))
        if job.payload.get("person_id") == person and job.payload.get("kind") == NoticeKind.TASK_ASSIGNED
    ]
    return int(notices or 0), len(emails)


def test_the_actor_is_not_told_about_the_task_they_just_made_for_themselves(
    factory: sessionmaker[Session], demo: Demo, clock: FrozenClock
) -> None:
    with factory() as session:
        ten_steps.publish_ten_steps(session, clock)
        session.commit()
    case = ten_steps.start(factory, demo, clock)
    for _ in range(3):
        ten_steps.complete(factory, demo, clock, case)
    with factory() as session:
        assert _told(session, demo["teacher"], case) == (0, 0)


def test_a_role_task_the_actor_leads_to_reaches_the_seat_but_not_the_actor(
    factory: sessionmaker[Session], demo: Demo, clock: FrozenClock
) -> None:
    with factory() as session:
        ten_steps.publish_ten_steps(session, clock, HEAD_TWICE)
        session.commit()
    case = ten_steps.start(factory, demo, clock)
    with factory() as session:
        assert _told(session, demo["head"], case) == (1, 1)  # the first task, caused by the applicant
    ten_steps.complete(factory, demo, clock, case, "head")
    with factory() as session:
        assert _told(session, demo["head"], case) == (1, 1)  # nothing new about the second one


def test_others_are_still_told_about_tasks_the_actor_leads_to(flow: Flow) -> None:
    case = flow.start()
    flow.do("head", case, "endorse", decision="return", comment="Қайта қараңыз")
    with flow.factory() as session:
        assert _told(session, flow.demo["teacher"], case) == (1, 1)


def test_a_step_of_the_ten_step_process_is_five_statements_and_one_flush(
    factory: sessionmaker[Session], demo: Demo, clock: FrozenClock, engine: Engine
) -> None:
    with factory() as session:
        ten_steps.publish_ten_steps(session, clock)
        session.commit()
    case = ten_steps.start(factory, demo, clock)
    counts, flushes = [], []
    for _ in range(10):
        task = ten_steps.open_task(factory, case)
        with factory() as session, counting(engine) as statements:
            event.listen(session, "after_flush", lambda flushed, _context: flushes.append(flushed))
            complete_task(session, task, demo["teacher"], dict(ten_steps.STEP), clock)
            session.commit()
        counts.append(len(statements))
    assert len(flushes) == 10
    # The case locked with its state, the task, then one write each: tasks, event, case (the last
    # step has no next task but ends the case); with the commit, six.
    assert max(counts) <= 5, counts
    with factory() as session:
        assert (
            session.scalars(select(ProcessInstance.status).where(ProcessInstance.id == case)).one()
            == "completed"
        )


def test_a_cases_pending_timers_are_found_by_an_index_not_among_all_its_jobs(engine: Engine) -> None:
    """What the timers' trigger and the worker ask on every change of a case's timers: read
    through the index on case, status and kind, so a case with a thousand sent emails and
    cancelled timers behind it costs what a new one does (migration 0028)."""
    lookup = "SELECT 1 FROM job WHERE job.instance_id = 1 AND job.kind = 'timer' AND job.status = 'pending'"
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET enable_seqscan = off"))
            plan = conn.execute(text(f"EXPLAIN {lookup}")).scalars().all()
        else:
            plan = [row[-1] for row in conn.execute(text(f"EXPLAIN QUERY PLAN {lookup}"))]
        conn.rollback()
    assert any("ix_job_instance_status_kind" in line for line in plan), plan
