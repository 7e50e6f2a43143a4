"""Starting cases and acting on their tasks: the use cases behind the inbox and the CLI."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, undefer

from workflows.calendar import local_date
from workflows.clock import Clock
from workflows.engine.state import SERIALIZER_VERSION
from workflows.errors import (
    FieldError,
    Forbidden,
    NotFound,
    TaskAlreadyCompleted,
    TaskClaimedByOther,
    ValidationFailed,
)
from workflows.models import Document, Event, HumanTask, Person, ProcessInstance
from workflows.services.definitions import latest_version
from workflows.services.effects import notify_people
from workflows.services.forms import CheckContext, document_fields, parse_checks, validate_submission
from workflows.services.org import EMPLOYEE, seats
from workflows.services.steps import VERSIONS, LoadedVersion, Step

# Rejections are notified by the diagram itself (it decides what follows); these are progress notes.
DECISION_NOTICES = {"approve": "approved", "return": "returned"}


@dataclass(frozen=True)
class CaseRef:
    id: int
    business_key: str
    status: str
    open_tasks: list[int]


def _today(clock: Clock) -> date:
    return local_date(clock.now())


def _validate(
    version: LoadedVersion, element_id: str, data: dict[str, Any], today: date, policy: dict[str, Any]
) -> dict[str, Any]:
    element = version.definition.info.elements[element_id]
    schema = version.forms[element.properties["form"]]
    errors = validate_submission(
        schema, parse_checks(element.properties.get("checks")), data, CheckContext(today=today, policy=policy)
    )
    if errors:
        raise ValidationFailed(errors)
    return schema


def _attach_documents(
    session: Session, schema: dict[str, Any], data: dict[str, Any], actor_id: int, instance_id: int | None
) -> list[Document]:
    """Documents named in a submission must exist and be the actor's own upload or already on this case."""
    found: list[Document] = []
    errors: list[FieldError] = []
    for name in document_fields(schema):
        doc_id = data.get(name)
        if not doc_id:
            continue
        doc = session.get(Document, doc_id)
        allowed = doc is not None and (
            doc.instance_id == instance_id if doc.instance_id is not None else doc.uploaded_by_id == actor_id
        )
        if not allowed:
            errors.append(FieldError(name, "document", "The attached file was not found"))
        else:
            found.append(doc)  # type: ignore[arg-type]
    if errors:
        raise ValidationFailed(errors)
    return found


def _ref(session: Session, instance: ProcessInstance) -> CaseRef:
    open_ids = session.scalars(
        select(HumanTask.id)
        .where(HumanTask.instance_id == instance.id, HumanTask.status == "open")
        .order_by(HumanTask.id)
    ).all()
    return CaseRef(instance.id, instance.business_key, instance.status, list(open_ids))


def start_case(
    session: Session, process_key: str, actor_id: int, data: dict[str, Any], clock: Clock
) -> CaseRef:
    """The actor applies: checked against the start form and its rules first, stored only if it passes."""
    person = session.get(Person, actor_id)
    if person is None or not person.is_active:
        raise Forbidden("Unknown or inactive person")
    version = VERSIONS.put(latest_version(session, process_key))
    info = version.definition.info
    today = _today(clock)
    policy = info.policy()
    schema = _validate(version, info.start_event.id, data, today, policy)
    documents = _attach_documents(session, schema, data, actor_id, None)
    now = clock.now()
    instance = ProcessInstance(
        version_id=version.id,
        process_key=info.process_key,
        business_key=f"{today.year}-{secrets.token_hex(4).upper()}",
        subject_id=person.id,
        subject_unit_id=person.org_unit_id,
        status="running",
        summary={},
        state="",
        serializer_version=SERIALIZER_VERSION,
        started_at=now,
        updated_at=now,
    )
    session.add(instance)
    session.flush()
    for doc in documents:
        doc.instance_id = instance.id
    initial = {
        **data,
        "policy": policy,
        "applicant_id": person.id,
        "applicant_name": person.full_name,
        "submitted_on": today.isoformat(),
        "case_key": instance.business_key,
    }
    step = Step(session, instance, version, clock, actor_id, start_data=initial)
    step.log("case_started", info.start_event.id, version=version.version, submitted=data)
    step.save()
    return _ref(session, instance)


def _task_for_actor(
    session: Session, task_id: int, actor_id: int, today: date
) -> tuple[HumanTask, int | None]:
    """The open task and, when the actor acts as a deputy, for whom; refuses anyone else."""
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound("No such task", task_id=task_id)
    if task.status != "open":
        raise TaskAlreadyCompleted("This task was already completed", task_id=task_id)
    if task.role == EMPLOYEE:
        if task.assignee_id != actor_id:
            raise Forbidden("This task belongs to someone else", task_id=task_id)
        return task, None
    if task.subject_id == actor_id:
        raise Forbidden("Nobody approves their own case", task_id=task_id)
    matching = [
        s
        for s in seats(session, actor_id, today)
        if s.role == task.role and s.org_unit_id == task.org_unit_id
    ]
    if not matching:
        raise Forbidden("This task is for another role or unit", task_id=task_id)
    if task.assignee_id is not None and task.assignee_id != actor_id:
        raise TaskClaimedByOther(
            "Someone else has claimed this task", task_id=task_id, claimed_by=task.assignee_id
        )
    own = [s for s in matching if s.on_behalf_of is None]
    return task, (None if own else matching[0].on_behalf_of)


def complete_task(
    session: Session, task_id: int, actor_id: int, data: dict[str, Any], clock: Clock
) -> CaseRef:
    """Submit a task's form. Exactly one of two simultaneous submitters wins; the other gets a Conflict."""
    today = _today(clock)
    task, on_behalf_of = _task_for_actor(session, task_id, actor_id, today)
    instance = session.get(ProcessInstance, task.instance_id, options=[undefer(ProcessInstance.state)])
    if instance is None or instance.status != "running":
        raise TaskAlreadyCompleted("This case is no longer running", task_id=task_id)
    step = Step.open(session, instance, clock, actor_id)
    policy = step.runtime.task_data(task.engine_task_id).get("policy", {})
    schema = _validate(step.version, task.element_id, data, today, policy)
    for doc in _attach_documents(session, schema, data, actor_id, instance.id):
        doc.instance_id = instance.id
    step.runtime.complete(task.engine_task_id, data)
    task.status, task.completed_at, task.completed_by_id = "completed", clock.now(), actor_id
    task.on_behalf_of_id = on_behalf_of
    task.outcome = data.get("decision")
    task.comment = data.get("comment") or None
    step.log(
        "task_completed",
        task.element_id,
        task.comment,
        on_behalf_of,
        task=task.name,
        decision=task.outcome,
        submitted=data,
    )
    if task.outcome in DECISION_NOTICES and task.role != EMPLOYEE:
        # The applicant follows each decision on their case, with the comment when sent back.
        notify_people(
            session,
            [instance.subject_id],
            DECISION_NOTICES[task.outcome],
            instance,
            clock,
            task_id=task.id,
            data={"task": task.name, "comment": task.comment},
        )
    step.save()
    return _ref(session, instance)


def claim_task(session: Session, task_id: int, actor_id: int, clock: Clock) -> None:
    task, _ = _task_for_actor(session, task_id, actor_id, _today(clock))
    if task.role == EMPLOYEE or task.assignee_id == actor_id:
        return
    claimed = session.execute(
        update(HumanTask)
        .where(HumanTask.id == task.id, HumanTask.status == "open", HumanTask.assignee_id.is_(None))
        .values(assignee_id=actor_id)
        .execution_options(synchronize_session="fetch")
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise TaskClaimedByOther("Someone else claimed this task first", task_id=task_id)
    _log_plain(session, task, actor_id, clock, "task_claimed")


def release_task(session: Session, task_id: int, actor_id: int, clock: Clock) -> None:
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound("No such task", task_id=task_id)
    if task.role == EMPLOYEE or task.assignee_id != actor_id or task.status != "open":
        raise Forbidden("Only the person who claimed an open task can release it", task_id=task_id)
    task.assignee_id = None
    _log_plain(session, task, actor_id, clock, "task_released")


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


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str
    actor_id: int | None
    actor_name: str | None
    on_behalf_of_id: int | None
    element_id: str | None
    comment: str | None
    data: dict[str, Any]


def history(session: Session, instance_id: int) -> list[HistoryEntry]:
    rows = session.execute(
        select(Event, Person.full_name)
        .outerjoin(Person, Person.id == Event.actor_id)
        .where(Event.instance_id == instance_id)
        .order_by(Event.at, Event.id)
    ).all()
    return [
        HistoryEntry(e.at, e.kind, e.actor_id, name, e.on_behalf_of_id, e.element_id, e.comment, dict(e.data))
        for e, name in rows
    ]


def case_data(session: Session, instance_id: int, clock: Clock) -> dict[str, Any]:
    """The case's current data (opens the state: for the case page, never for lists)."""
    instance = session.get(ProcessInstance, instance_id, options=[undefer(ProcessInstance.state)])
    if instance is None:
        raise NotFound("No such case", instance_id=instance_id)
    return Step.open(session, instance, clock, None).runtime.current_data()
