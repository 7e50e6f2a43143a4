"""Cases as people follow them: my applications, and everything the case page shows about one case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from workflows.cases.access import visible_case
from workflows.cases.history import case_data, history
from workflows.cases.incidents import open_incident_of
from workflows.cases.models import (
    CaseStatus,
    Document,
    Event,
    EventKind,
    HumanTask,
    Order,
    OrderStatus,
    ProcessInstance,
    TaskStatus,
)
from workflows.cases.withdrawal import is_hr_for, withdrawable
from workflows.clock import Clock, today
from workflows.definitions.catalog import bpmn_xml, listed_keys
from workflows.definitions.listing import OWN_APPLICATIONS
from workflows.definitions.reading import localized
from workflows.org.models import OrgUnit, Person


@dataclass(frozen=True)
class Holder:
    """An open task of a case and who holds it: the assignee, or the role in a unit."""

    task_id: int
    element_id: str
    task_name: str
    role: str
    unit: dict[str, str]
    assignee_name: str | None
    due_date: date | None


@dataclass(frozen=True)
class CaseRow:
    id: int
    business_key: str
    process_key: str
    version_id: int
    status: str
    summary: dict[str, Any]
    started_at: datetime
    ended_at: datetime | None
    holders: list[Holder]


def _holders(session: Session, instance_ids: list[int]) -> dict[int, list[Holder]]:
    if not instance_ids:
        return {}
    assignee = aliased(Person)
    rows = session.execute(
        select(HumanTask, assignee.full_name, OrgUnit)
        .outerjoin(assignee, assignee.id == HumanTask.assignee_id)
        .outerjoin(OrgUnit, OrgUnit.id == HumanTask.org_unit_id)
        .where(HumanTask.instance_id.in_(instance_ids), HumanTask.status == TaskStatus.OPEN)
        .order_by(HumanTask.id)
    ).all()
    found: dict[int, list[Holder]] = {}
    for task, assignee_name, unit in rows:
        found.setdefault(task.instance_id, []).append(
            Holder(
                task.id,
                task.element_id,
                task.name,
                task.role,
                unit.names if unit is not None else {},
                assignee_name,
                task.due_date,
            )
        )
    return found


def my_cases(session: Session, person_id: int, limit: int = 200) -> list[CaseRow]:
    """The person's own applications, newest first, with who holds each open step: the cases about
    them of the processes whose diagram lists its cases as applications (`listed`), not the
    quarterly data or the journal entries the product opens about them."""
    applications = listed_keys(session, OWN_APPLICATIONS)[0]
    instances = session.scalars(
        select(ProcessInstance)
        .where(ProcessInstance.subject_id == person_id, ProcessInstance.process_key.in_(applications))
        .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())
        .limit(limit)
    ).all()
    holders = _holders(session, [i.id for i in instances])
    return [
        CaseRow(
            i.id,
            i.business_key,
            i.process_key,
            i.version_id,
            i.status,
            dict(i.summary),
            i.started_at,
            i.ended_at,
            holders.get(i.id, []),
        )
        for i in instances
    ]


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    actor_name: str | None
    on_behalf_of_name: str | None
    element_id: str | None
    comment: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class DocumentRow:
    id: str
    filename: str
    content_type: str
    size: int
    uploaded_at: datetime
    uploaded_by: str | None


@dataclass(frozen=True)
class CaseDetail:
    id: int
    business_key: str
    process_key: str
    version_id: int
    status: str
    summary: dict[str, Any]
    subject_id: int
    subject_name: str
    subject_position: str | None
    unit: dict[str, str]
    started_at: datetime
    ended_at: datetime | None
    data: dict[str, Any]
    timeline: list[TimelineEntry]
    documents: list[DocumentRow]
    order_number: str | None
    order_date: date | None
    holders: list[Holder]
    done_elements: list[str]  # steps already passed, for highlighting the diagram
    current_elements: list[str]
    can_withdraw: bool = False  # the reader is the applicant and no order has been issued
    can_cancel_order: bool = False  # the reader is HR for the case and its order is issued
    held_up: bool = False  # its diagram failed at a step and the incident is open


def timeline(session: Session, instance_id: int) -> list[TimelineEntry]:
    entries = history(session, instance_id)
    deputised = {e.on_behalf_of_id for e in entries if e.on_behalf_of_id}
    names: dict[int, str] = {}
    if deputised:
        rows = session.execute(select(Person.id, Person.full_name).where(Person.id.in_(deputised)))
        names = {person_id: name for person_id, name in rows}
    return [
        TimelineEntry(
            e.at,
            e.kind,
            e.actor_name,
            names.get(e.on_behalf_of_id) if e.on_behalf_of_id else None,
            e.element_id,
            e.comment,
            e.data,
        )
        for e in entries
    ]


def documents(session: Session, instance_id: int) -> list[DocumentRow]:
    rows = session.execute(
        select(Document, Person.full_name)
        .outerjoin(Person, Person.id == Document.uploaded_by_id)
        .where(Document.instance_id == instance_id)
        .order_by(Document.uploaded_at, Document.id)
    ).all()
    return [DocumentRow(d.id, d.filename, d.content_type, d.size, d.uploaded_at, name) for d, name in rows]


def case_detail(session: Session, person_id: int, case_id: int, clock: Clock) -> CaseDetail:
    """Everything the case page shows, if the person may see the case (NotFound otherwise); opens the
    engine state once for the case data."""
    instance = visible_case(session, person_id, case_id, today(clock))
    subject = session.get(Person, instance.subject_id)
    unit = session.get(OrgUnit, instance.subject_unit_id)
    entries = timeline(session, instance.id)
    holders = _holders(session, [instance.id]).get(instance.id, [])
    order = session.scalars(
        select(Order).where(Order.instance_id == instance.id).order_by(Order.id.desc()).limit(1)
    ).first()
    done_kinds = {EventKind.CASE_STARTED, EventKind.TASK_COMPLETED, EventKind.TIMER_FIRED}
    done = list(
        dict.fromkeys(
            element
            for element in session.scalars(
                select(Event.element_id)
                .where(Event.instance_id == instance.id, Event.kind.in_(done_kinds))
                .order_by(Event.at, Event.id)
            )
            if element
        )
    )
    current = list(dict.fromkeys(h.element_id for h in holders))
    running = instance.status == CaseStatus.RUNNING
    order_open = order if order is not None and order.status == OrderStatus.ISSUED else None
    return CaseDetail(
        id=instance.id,
        business_key=instance.business_key,
        process_key=instance.process_key,
        version_id=instance.version_id,
        status=instance.status,
        summary=dict(instance.summary),
        subject_id=instance.subject_id,
        subject_name=subject.full_name if subject else "",
        subject_position=subject.position if subject else None,
        unit=unit.names if unit is not None else {},
        started_at=instance.started_at,
        ended_at=instance.ended_at,
        data=case_data(session, instance.id, clock),
        timeline=entries,
        documents=documents(session, instance.id),
        order_number=order.number if order else None,
        order_date=order.order_date if order else None,
        holders=holders,
        done_elements=[e for e in done if e not in current],
        current_elements=current,
        can_withdraw=running
        and instance.subject_id == person_id
        and order_open is None
        and withdrawable(session, instance),
        can_cancel_order=running
        and order_open is not None
        and is_hr_for(session, person_id, instance, clock),
        held_up=open_incident_of(session, instance.id) is not None,
    )


def case_diagram(session: Session, person_id: int, case_id: int, clock: Clock, locale: str) -> str:
    """The diagram of the version the case runs on, labelled in `locale`, if the person may see the case."""
    xml = bpmn_xml(session, visible_case(session, person_id, case_id, today(clock)).version_id)
    return localized(xml, locale)


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


def resubmission_changes(entries: list[TimelineEntry], form_elements: set[str]) -> list[FieldChange]:
    """What the last submission of a form changed against the one before it (scenario: the head
    returns an application, the employee changes the dates, the head sees what changed).

    `form_elements` are the steps that submit the form (the start event and its revision task).
    Only the decision right after a resubmission is shown what changed: once someone has decided
    on the changed application, the later steps see it as it is.
    """
    decided = [e for e in entries if e.kind in (EventKind.CASE_STARTED, EventKind.TASK_COMPLETED)]
    submissions = [
        e.data["submitted"]
        for e in decided
        if e.element_id in form_elements and isinstance(e.data.get("submitted"), dict)
    ]
    if len(submissions) < 2 or decided[-1].element_id not in form_elements:
        return []
    before, after = submissions[-2], submissions[-1]
    return [
        FieldChange(name, before.get(name), after.get(name))
        for name in dict.fromkeys([*before, *after])
        if before.get(name) != after.get(name)
    ]
