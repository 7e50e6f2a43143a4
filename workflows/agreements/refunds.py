"""A person with an active training agreement leaves within its term (001 §3.8): the agreement is
breached and a refund case starts for HR and legal (bpmn/refund.bpmn), with the agreement's
figures and the training case's documents. The amount due is the diagram's to compute."""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.agreements.models import Agreement, AgreementStatus
from workflows.cases.models import Document, EventKind, ProcessInstance
from workflows.cases.new_case import new_instance
from workflows.cases.steps import Step
from workflows.clock import Clock
from workflows.clock import today as local_today
from workflows.definitions.publishing import latest_version
from workflows.definitions.versions import VERSIONS
from workflows.errors import NotFound
from workflows.org.models import Person

REFUND_PROCESS = "refund"


def _documents(session: Session, instance_id: int) -> str:
    names = session.scalars(
        select(Document.filename).where(Document.instance_id == instance_id).order_by(Document.uploaded_at)
    )
    return "\n".join(names)


def _start_refund(session: Session, agreement: Agreement, person: Person, clock: Clock) -> ProcessInstance:
    version = VERSIONS.put(latest_version(session, REFUND_PROCESS))
    info = version.definition.info
    source = session.get(ProcessInstance, agreement.instance_id)
    assert source is not None and agreement.left_on is not None
    today, now = local_today(clock), clock.now()
    instance = new_instance(
        session,
        version.id,
        info.process_key,
        f"{today.year}-{secrets.token_hex(4).upper()}",
        person.id,
        source.subject_unit_id,
        now,
    )
    data = {
        "agreement_number": agreement.number,
        "amount": float(agreement.amount),
        "obligation_starts_on": agreement.obligation_starts_on.isoformat(),
        "obligation_ends_on": agreement.obligation_ends_on.isoformat(),
        "left_on": agreement.left_on.isoformat(),
        "source_case": source.business_key,
        "documents": _documents(session, source.id),
        "course": (source.summary or {}).get("course"),
        "applicant_name": person.full_name,
        "policy": info.policy(),
        "case_key": instance.business_key,
        "submitted_on": today.isoformat(),
    }
    step = Step(session, instance, version, clock, None, start_data=data)
    step.log(EventKind.CASE_STARTED, info.start_event.id, version=version.version, submitted=data)
    step.save()
    return instance


def _refunds_published(session: Session) -> bool:
    try:
        latest_version(session, REFUND_PROCESS)
    except NotFound:
        return False
    return True


def raise_refunds(session: Session, person: Person, left_on: date, clock: Clock) -> list[int]:
    """Each active agreement of the person whose term runs past `left_on` is breached and gets its
    refund case; returns the refund cases' ids. A university that does not run the refund
    procedure still sees the breach in the register; leaving is never refused for it."""
    started: list[int] = []
    published = _refunds_published(session)
    for agreement in session.scalars(
        select(Agreement)
        .where(
            Agreement.person_id == person.id,
            Agreement.status == AgreementStatus.ACTIVE,
            Agreement.obligation_ends_on > left_on,
        )
        .order_by(Agreement.id)
    ):
        agreement.status, agreement.left_on = AgreementStatus.BREACHED, left_on
        if not published:
            continue
        instance = _start_refund(session, agreement, person, clock)
        agreement.refund_instance_id = instance.id
        started.append(instance.id)
    return started
