"""Starting a case: the actor applies, checked against the start form and its rules before anything
is stored."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.cases.incidents import Failure, held_up
from workflows.cases.input import CaseRef, attach_documents, validate_step_data
from workflows.cases.models import CaseStatus, EventKind, IncidentKind, ProcessInstance
from workflows.cases.new_case import new_instance
from workflows.cases.participants import resolve_participants
from workflows.cases.steps import Step
from workflows.clock import Clock
from workflows.clock import today as local_today
from workflows.definitions.catalog import latest_process
from workflows.definitions.starting import require_start
from workflows.definitions.versions import VERSIONS
from workflows.errors import Forbidden, ProcessError, ValidationFailed, field_error
from workflows.org.models import Person
from workflows.planning.linking import check_plan_link, link_case


def _same_course(summary: dict[str, Any], data: dict[str, Any]) -> bool:
    def key(values: dict[str, Any]) -> tuple[str, Any, Any]:
        course = " ".join(str(values.get("course") or "").split()).casefold()
        return course, values.get("start_date"), values.get("end_date")

    return key(summary) == key(data)


def _refuse_duplicate(session: Session, person_id: int, process_key: str, data: dict[str, Any]) -> None:
    """One application per course and dates: a second one (running or done) is refused, naming the first.

    Only for a start form that names a course: another process's cases are not applications for one.
    """
    if not str(data.get("course") or "").strip():
        return
    existing = session.execute(
        select(ProcessInstance.business_key, ProcessInstance.summary).where(
            ProcessInstance.subject_id == person_id,
            ProcessInstance.process_key == process_key,
            ProcessInstance.status.in_([CaseStatus.RUNNING, CaseStatus.COMPLETED]),
        )
    ).all()
    for business_key, summary in existing:
        if _same_course(summary or {}, data):
            raise ValidationFailed(
                [field_error("course", "duplicate_application", "", business_key=business_key)]
            )


def start_case(
    session: Session,
    process_key: str,
    actor_id: int,
    data: dict[str, Any],
    clock: Clock,
    subject_id: int | None = None,
    *,
    started_by_product: bool = False,
) -> CaseRef:
    """The actor applies, or starts the case for `subject_id` where the diagram lets their role
    (`definitions.starting`): checked against the start form and its rules first, stored only if it passes.
    `started_by_product`: a service that checked the actor's right itself starts a process nobody
    starts from the "new application" page (a plan amendment)."""
    actor = session.get(Person, actor_id)
    if actor is None or not actor.is_active:
        raise Forbidden("Unknown or inactive person")
    today = local_today(clock)
    if started_by_product:
        version = VERSIONS.latest(session, process_key)
    else:
        process = latest_process(session, process_key)
        require_start(session, process, actor_id, subject_id or actor_id, today)
        version = VERSIONS.get(session, process.version_id)  # the version whose rules were checked
    person = actor if subject_id in (None, actor_id) else session.get(Person, subject_id)
    if person is None:
        raise Forbidden("Unknown person")
    info = version.definition.info
    policy = info.policy()
    schema = validate_step_data(version, info.start_event.id, data, today, {})
    _refuse_duplicate(session, person.id, info.process_key, data)
    participants = resolve_participants(session, schema, data, person.id)
    check_plan_link(session, person.id, data)
    documents = attach_documents(session, schema, data, actor_id, None)
    now = clock.now()
    instance = new_instance(
        session,
        version.id,
        info.process_key,
        f"{today.year}-{secrets.token_hex(4).upper()}",
        person.id,
        person.org_unit_id,
        now,
    )
    for doc in documents:
        doc.instance_id = instance.id
    link_case(session, instance.id, data, now)
    initial = {
        **data,
        **participants,
        "policy": policy,
        "applicant_id": person.id,
        "applicant_name": person.full_name,
        "submitted_on": today.isoformat(),
        "case_key": instance.business_key,
    }
    try:
        step = Step(session, instance, version, clock, actor_id, start_data=initial)
        step.log(EventKind.CASE_STARTED, info.start_event.id, version=version.version, submitted=data)
        step.save()
    except ProcessError as exc:
        failure = Failure(IncidentKind.START, info.process_key, None, info.start_event.id, actor_id=actor_id)
        raise held_up(session, failure, exc, clock) from exc
    return step.case_ref()
