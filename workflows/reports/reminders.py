"""Reminding, from the cases register, the people who hold overdue steps of the selected cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.calendar import LOCAL_TZ, local_date
from workflows.cases.models import HumanTask, ProcessInstance, TaskStatus
from workflows.clock import Clock
from workflows.errors import ValidationFailed, field_error
from workflows.messaging.models import NoticeKind, Notification
from workflows.messaging.notices import notify_people
from workflows.org.roles import EMPLOYEE
from workflows.org.seats import holders
from workflows.reports.registers import in_units, scope_roots

MAX_SELECTED = 500


@dataclass(frozen=True)
class Reminded:
    steps: int  # overdue steps whose holders were told
    notices: int  # notices sent (one per step and person)
    already: int  # people told about that step today already, not told again


def remind_overdue(session: Session, actor_id: int, case_ids: list[int], clock: Clock) -> Reminded:
    """Each holder of an overdue open step of the selected cases (in the actor's scope) gets one
    notice about it; someone already reminded of that step today is not reminded again."""
    today = local_date(clock.now())
    roots = scope_roots(session, actor_id, today)
    if not case_ids:
        raise ValidationFailed([field_error("case", "nothing_selected")])
    if len(case_ids) > MAX_SELECTED:
        raise ValidationFailed([field_error("case", "too_many_selected", limit=MAX_SELECTED)])
    rows = session.execute(
        select(HumanTask, ProcessInstance)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .where(
            ProcessInstance.id.in_(case_ids),
            *in_units(ProcessInstance.subject_unit_id, roots, None),
            HumanTask.status == TaskStatus.OPEN,
            HumanTask.due_date < today,
        )
        .order_by(HumanTask.id)
    ).all()
    since = datetime.combine(today, time.min, LOCAL_TZ)
    told_today = set(
        session.execute(
            select(Notification.task_id, Notification.person_id).where(
                Notification.kind == NoticeKind.OVERDUE_STEP,
                Notification.task_id.in_([t.id for t, _ in rows]),
                Notification.created_at >= since,
            )
        ).all()
    )
    notices = already = 0
    for task, instance in rows:
        if task.assignee_id is not None:
            people = [task.assignee_id]
        elif task.role != EMPLOYEE and task.org_unit_id is not None:
            people = [p for p in holders(session, task.role, task.org_unit_id, today) if p != task.subject_id]
        else:
            people = []
        fresh = [p for p in people if (task.id, p) not in told_today]
        already += len(people) - len(fresh)
        notify_people(session, fresh, NoticeKind.OVERDUE_STEP, instance, clock, task_id=task.id)
        notices += len(fresh)
    session.flush()
    return Reminded(len(rows), notices, already)
