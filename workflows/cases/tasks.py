"""Acting on a case's tasks: completing one (one transaction per step), claiming and releasing.

Each takes the case's row first (`lock_task`) and moves its row version on, claims and releases
too: of two people acting on one task at once exactly one succeeds, and the other is refused with
a Conflict saying, where it can, who got there first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from workflows.calendar import LOCAL_TZ
from workflows.cases.access import visible_task
from workflows.cases.incidents import Failure, held_up
from workflows.cases.input import CaseRef, attach_to_case, validate_step_data
from workflows.cases.locking import lock_task
from workflows.cases.models import (
    CaseStatus,
    Event,
    EventKind,
    HumanTask,
    IncidentKind,
    ProcessInstance,
    TaskStatus,
)
from workflows.cases.participants import resolve_participants
from workflows.cases.steps import Step
from workflows.clock import Clock
from workflows.clock import today as local_today
from workflows.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ProcessError,
    TaskAlreadyCompleted,
    TaskClaimedByOther,
)
from workflows.messaging.models import NoticeKind
from workflows.messaging.notices import Notice
from workflows.org.models import Person
from workflows.org.roles import EMPLOYEE

# Rejections are notified by the diagram itself (it decides what follows); these are progress notes.
DECISION_NOTICES = {"approve": NoticeKind.APPROVED, "return": NoticeKind.RETURNED}


def _already_done(session: Session, task: HumanTask) -> TaskAlreadyCompleted:
    """The refusal for acting on a task that is no longer open: who completed it, when and with
    what decision, if someone did (a task the case moved past was cancelled, by nobody)."""
    completer = session.get(Person, task.completed_by_id) if task.completed_by_id else None
    if completer is None or task.completed_at is None:
        return TaskAlreadyCompleted("This task is no longer open", task_id=task.id)
    deputy_for = session.get(Person, task.on_behalf_of_id) if task.on_behalf_of_id else None
    when = task.completed_at.astimezone(LOCAL_TZ)
    return TaskAlreadyCompleted(
        f"This task was already completed by {completer.full_name} at {when:%Y-%m-%d %H:%M}",
        task_id=task.id,
        completed_by=completer.full_name,
        on_behalf_of=deputy_for.full_name if deputy_for else None,
        completed_at=task.completed_at,
        decision=task.outcome,
    )


def _locked_task(
    session: Session, task_id: int, with_state: bool = False, actor_id: int = 0, today: date | None = None
) -> tuple[HumanTask, ProcessInstance, bool, int | None]:
    """The task and its case, the case's row taken first: a step, claim or release of the same case
    in flight elsewhere commits before the task is read, so the task is as that left it. Read with
    the task: whether `actor_id` holds its seat today, and for whom they deputise in it."""
    found = lock_task(session, task_id, with_state, actor_id, today or date.min)
    if found is None:
        raise NotFound("No such task", task_id=task_id)
    return found


def _task_for_actor(
    session: Session, task_id: int, actor_id: int, today: date, with_state: bool = False
) -> tuple[HumanTask, ProcessInstance, int | None]:
    """The open task, its case and, when the actor acts as a deputy, for whom; refuses anyone else."""
    task, instance, holds_seat, deputy_for = _locked_task(session, task_id, with_state, actor_id, today)
    if task.status != TaskStatus.OPEN:
        raise _already_done(session, task)
    if task.role == EMPLOYEE:
        if task.assignee_id != actor_id:
            raise Forbidden("This task belongs to someone else", task_id=task_id)
        return task, instance, None
    if task.subject_id == actor_id:
        raise Forbidden("Nobody approves their own case", task_id=task_id)
    if not holds_seat and deputy_for is None and task.assignee_id != actor_id:
        # a task handed to them (reassigned) acts as their seat
        raise Forbidden("This task is for another role or unit", task_id=task_id)
    if task.assignee_id is not None and task.assignee_id != actor_id:
        raise TaskClaimedByOther(
            "Someone else has claimed this task", task_id=task_id, claimed_by=task.assignee_id
        )
    return task, instance, (None if holds_seat else deputy_for)


def _case_changes(session: Session, instance: ProcessInstance, clock: Clock) -> None:
    """A claim or release changes the case: its row version moves on as a step's does, and only if
    nobody changed the case since it was read (the same check a step's save makes)."""
    moved = session.execute(
        update(ProcessInstance)
        .where(ProcessInstance.id == instance.id, ProcessInstance.row_version == instance.row_version)
        .values(row_version=instance.row_version + 1, updated_at=clock.now())
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("Someone else changed this case at the same moment; nothing was saved")


def complete_task(
    session: Session, task_id: int, actor_id: int, data: dict[str, Any], clock: Clock
) -> CaseRef:
    """Submit a task's form. Exactly one of two simultaneous submitters wins; the other gets a Conflict."""
    with session.no_autoflush:  # everything the step writes goes out in its one flush
        return _complete(session, task_id, actor_id, data, clock)


def _complete(session: Session, task_id: int, actor_id: int, data: dict[str, Any], clock: Clock) -> CaseRef:
    today = local_today(clock)
    task, instance, on_behalf_of = _task_for_actor(session, task_id, actor_id, today, with_state=True)
    if instance.status != CaseStatus.RUNNING:
        raise TaskAlreadyCompleted("This case is no longer running", task_id=task_id)
    step = Step.open(session, instance, clock, actor_id)
    case = step.runtime.task_data(task.engine_task_id)
    schema = validate_step_data(step.version, task.element_id, data, today, case)
    data = {**data, **resolve_participants(session, schema, data, instance.subject_id)}
    attach_to_case(session, schema, data, actor_id, instance.id)
    failure = Failure(
        IncidentKind.STEP, instance.process_key, instance.id, task.element_id, task.id, None, actor_id, data
    )
    try:
        step.runtime.complete(task.engine_task_id, data)
        step.close(
            task,
            status=TaskStatus.COMPLETED,
            completed_at=clock.now(),
            completed_by_id=actor_id,
            on_behalf_of_id=on_behalf_of,
            outcome=data.get("decision"),
            comment=data.get("comment") or None,
        )
        step.log(
            EventKind.TASK_COMPLETED,
            task.element_id,
            task.comment,
            on_behalf_of,
            task=task.name,
            decision=task.outcome,
            submitted=data,
        )
        if task.outcome in DECISION_NOTICES and task.role != EMPLOYEE:
            # The applicant follows each decision on their case, with the comment when sent back.
            step.notices.append(
                Notice(
                    [instance.subject_id],
                    DECISION_NOTICES[task.outcome],
                    task.id,
                    {"task": task.name, "comment": task.comment},
                )
            )
        step.save()
    except ProcessError as exc:
        raise held_up(session, failure, exc, clock) from exc
    return step.case_ref()


def claim_task(session: Session, task_id: int, actor_id: int, clock: Clock) -> None:
    """Take a role task so that others see someone works on it; NotFound for a task the actor cannot see."""
    today = local_today(clock)
    visible_task(session, actor_id, task_id, today)
    task, instance, _ = _task_for_actor(session, task_id, actor_id, today)
    if task.role == EMPLOYEE or task.assignee_id == actor_id:
        return
    _case_changes(session, instance, clock)
    task.assignee_id = actor_id
    _log_plain(session, task, actor_id, clock, EventKind.TASK_CLAIMED)


def release_task(session: Session, task_id: int, actor_id: int, clock: Clock) -> None:
    """Give a claimed task back to the shared queue; only whoever claimed it may."""
    visible_task(session, actor_id, task_id, local_today(clock))
    task, instance, _, _ = _locked_task(session, task_id)
    if task.role == EMPLOYEE or task.assignee_id != actor_id or task.status != TaskStatus.OPEN:
        raise Forbidden("Only the person who claimed an open task can release it", task_id=task_id)
    _case_changes(session, instance, clock)
    task.assignee_id = None
    _log_plain(session, task, actor_id, clock, EventKind.TASK_RELEASED)


def _log_plain(session: Session, task: HumanTask, actor_id: int, clock: Clock, kind: str) -> None:
    session.add(
        Event(
            instance_id=task.instance_id,
            at=clock.now(),
            kind=kind,
            actor_id=actor_id,
            element_id=task.element_id,
            data={"task": task.name},
        )
    )
    session.flush()
