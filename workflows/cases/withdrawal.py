"""Ending a case before its diagram does: the applicant withdraws an application, HR cancels an
issued order. Both stop the workflow where it stands, keep everything done so far, leave a trace
with the reason, and tell the people who were waiting to act on it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from workflows.cases.access import visible_case
from workflows.cases.input import CaseRef, case_ref
from workflows.cases.models import (
    CaseStatus,
    EventKind,
    HumanTask,
    Order,
    OrderStatus,
    ProcessInstance,
    TaskStatus,
)
from workflows.cases.steps import Step
from workflows.clock import Clock, today
from workflows.definitions.versions import VERSIONS
from workflows.definitions.withdrawing import withdrawn_by_applicant
from workflows.errors import FieldError, Forbidden, NotAllowedNow, ValidationFailed, field_error
from workflows.messaging.models import NoticeKind
from workflows.messaging.notices import notify_people
from workflows.org.roles import EMPLOYEE, Role
from workflows.org.seats import ancestors, holders, seats


def _running(session: Session, actor_id: int, case_id: int, clock: Clock) -> ProcessInstance:
    visible_case(session, actor_id, case_id, today(clock))  # NotFound for those who may not see it
    instance = session.get(ProcessInstance, case_id, options=[undefer(ProcessInstance.state)])
    assert instance is not None
    if instance.status != CaseStatus.RUNNING:
        raise NotAllowedNow("case_not_running", "The case is no longer in progress", case_id=case_id)
    return instance


def withdrawable(session: Session, instance: ProcessInstance) -> bool:
    """Whether the case's diagram lets the person it is about withdraw it."""
    return withdrawn_by_applicant(VERSIONS.get(session, instance.version_id).definition.info)


def _issued_order(session: Session, case_id: int) -> Order | None:
    return session.scalars(
        select(Order)
        .where(Order.instance_id == case_id, Order.status == OrderStatus.ISSUED)
        .order_by(Order.id.desc())
        .limit(1)
    ).first()


def _waiting(session: Session, instance: ProcessInstance, clock: Clock) -> list[int]:
    """Everyone who could act on one of the case's open steps, the applicant aside."""
    people: list[int] = []
    on = today(clock)
    for task in session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == TaskStatus.OPEN)
    ):
        if task.role == EMPLOYEE:
            continue
        people.extend(
            [task.assignee_id] if task.assignee_id else holders(session, task.role, task.org_unit_id or 0, on)
        )
    return [p for p in people if p != instance.subject_id]


def _stop(step: Step, status: CaseStatus, event: EventKind, reason: str | None, **data: object) -> None:
    step.runtime.cancel()
    step.instance.status, step.instance.ended_at = status, step.clock.now()
    step.log(event, None, reason, **data)
    step.save()


def withdraw_application(
    session: Session, case_id: int, actor_id: int, reason: str | None, clock: Clock
) -> CaseRef:
    """The applicant takes their application back; only until an order is issued."""
    instance = _running(session, actor_id, case_id, clock)
    if instance.subject_id != actor_id:
        raise Forbidden("Only the applicant can withdraw an application", case_id=case_id)
    if not withdrawable(session, instance):
        raise NotAllowedNow(
            "case_not_withdrawable", "The process's diagram closes this case", case_id=case_id
        )
    order = _issued_order(session, case_id)
    if order is not None:
        raise NotAllowedNow("order_already_issued", "An order has been issued", number=order.number)
    waiting = _waiting(session, instance, clock)
    step = Step.open(session, instance, clock, actor_id)
    _stop(step, CaseStatus.WITHDRAWN, EventKind.CASE_WITHDRAWN, (reason or "").strip() or None)
    notify_people(session, waiting, NoticeKind.WITHDRAWN, instance, clock, data={"reason": reason})
    return case_ref(session, instance)


def is_hr_for(session: Session, actor_id: int, instance: ProcessInstance, clock: Clock) -> bool:
    chain = set(ancestors(session, instance.subject_unit_id))
    return any(s.role == Role.HR and s.org_unit_id in chain for s in seats(session, actor_id, today(clock)))


def cancel_order(session: Session, case_id: int, actor_id: int, reason: str | None, clock: Clock) -> CaseRef:
    """HR cancels the case's issued order, with the reason; the training will not take place."""
    instance = _running(session, actor_id, case_id, clock)
    if not is_hr_for(session, actor_id, instance, clock):
        raise Forbidden("Only the HR service can cancel an order", case_id=case_id)
    text = (reason or "").strip()
    if not text:
        errors: list[FieldError] = [field_error("reason", "cancel_reason")]
        raise ValidationFailed(errors)
    order = _issued_order(session, case_id)
    if order is None:
        raise NotAllowedNow("no_order_to_cancel", "The case has no issued order", case_id=case_id)
    order.status, order.cancelled_by_id, order.cancelled_at = OrderStatus.CANCELLED, actor_id, clock.now()
    order.cancel_reason = text
    step = Step.open(session, instance, clock, actor_id)
    step.log(EventKind.ORDER_CANCELLED, None, text, number=order.number)
    _stop(step, CaseStatus.CANCELLED, EventKind.CASE_CANCELLED, text, number=order.number)
    notify_people(
        session, [instance.subject_id], NoticeKind.ORDER_CANCELLED, instance, clock, data={"reason": text}
    )
    return case_ref(session, instance)
