"""In-app notices: telling people (a notice and an email job for each), what a person was told about,
and marking it read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from workflows.cases.models import HumanTask, Job, JobKind, JobStatus, ProcessInstance, TaskStatus
from workflows.clock import Clock
from workflows.errors import NotFound
from workflows.messaging.models import Notification

NOTIFICATIONS: Table = Notification.__table__  # type: ignore[assignment]
JOBS: Table = Job.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class NoticeItem:
    id: int
    kind: str
    created_at: datetime
    read_at: datetime | None
    instance_id: int | None
    business_key: str | None
    course: str | None
    version_id: int | None
    task_id: int | None
    task_element_id: str | None
    task_name: str | None
    task_open: bool
    data: dict[str, Any]


@dataclass(frozen=True)
class NoticePage:
    items: list[NoticeItem]
    total: int
    unread: int
    page: int
    per_page: int


def unread_count(session: Session, person_id: int) -> int:
    return (
        session.scalar(
            select(func.count(Notification.id)).where(
                Notification.person_id == person_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def notices(session: Session, person_id: int, page: int = 1, per_page: int = 25) -> NoticePage:
    """Newest first, with the case and task they are about."""
    page = max(page, 1)
    total = (
        session.scalar(select(func.count(Notification.id)).where(Notification.person_id == person_id)) or 0
    )
    rows = session.execute(
        select(
            Notification,
            ProcessInstance.business_key,
            ProcessInstance.summary,
            ProcessInstance.version_id,
            HumanTask,
        )
        .outerjoin(ProcessInstance, ProcessInstance.id == Notification.instance_id)
        .outerjoin(HumanTask, HumanTask.id == Notification.task_id)
        .where(Notification.person_id == person_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    items = [
        NoticeItem(
            id=n.id,
            kind=n.kind,
            created_at=n.created_at,
            read_at=n.read_at,
            instance_id=n.instance_id,
            business_key=key,
            course=(summary or {}).get("course"),
            version_id=version_id,
            task_id=n.task_id,
            task_element_id=task.element_id if task else None,
            task_name=task.name if task else None,
            task_open=bool(task and task.status == TaskStatus.OPEN),
            data=dict(n.data),
        )
        for n, key, summary, version_id, task in rows
    ]
    return NoticePage(items, total, unread_count(session, person_id), page, per_page)


def mark_read(session: Session, person_id: int, notice_id: int | None, clock: Clock) -> int:
    """Mark one notice (or, with None, all of them) read; only the person's own."""
    conditions = [Notification.person_id == person_id, Notification.read_at.is_(None)]
    if notice_id is not None:
        notice = session.get(Notification, notice_id)
        if notice is None or notice.person_id != person_id:
            raise NotFound("No such notification", notification_id=notice_id)
        conditions.append(Notification.id == notice_id)
    result = session.execute(
        update(Notification)
        .where(*conditions)
        .values(read_at=clock.now())
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def queue_account_email(
    session: Session, person_id: int, purpose: str, token: str, expires_at: datetime, clock: Clock
) -> None:
    """An email about the person's account (an invitation, a password reset) with its one-time
    link, sent by the worker like the notices' emails. The token leaves the job once it is sent."""
    session.add(
        Job(
            kind=JobKind.EMAIL,
            instance_id=None,
            due_at=clock.now(),
            status=JobStatus.PENDING,
            payload={
                "person_id": person_id,
                "account": purpose,
                "token": token,
                "expires_at": expires_at.isoformat(),
            },
        )
    )


# In Session.info: the session's current transaction has queued a job (cleared when the next
# transaction begins, so it can still be read right after the commit).
QUEUED_JOBS = "biliktilik.queued_jobs"


@dataclass(frozen=True)
class Notice:
    """What to tell whom: an in-app notice for each person and an email job beside it."""

    people: list[int]
    kind: str
    task_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


def notify_people(
    session: Session,
    people: list[int],
    kind: str,
    instance: ProcessInstance | None,
    clock: Clock,
    task_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """An in-app notice for each person and an email job beside it (the worker sends it); a notice
    about no case (periodicity reminders, next year's list) has no instance."""
    send_notices(session, instance, clock, [Notice(people, kind, task_id, data or {})])


def send_notices(
    session: Session, instance: ProcessInstance | None, clock: Clock, notices: list[Notice]
) -> None:
    """Every notice of a step with one statement; the database queues each one's email job as it
    stores the notice (a trigger, migration 0023), which the worker sends."""
    now = clock.now()
    instance_id = instance.id if instance is not None else None
    rows: list[dict[str, Any]] = []
    for notice in notices:
        rows.extend(
            {
                "person_id": person_id,
                "kind": notice.kind,
                "instance_id": instance_id,
                "task_id": notice.task_id,
                "created_at": now,
                "read_at": None,
                "data": notice.data,
            }
            for person_id in dict.fromkeys(notice.people)
        )
    if rows:
        session.execute(insert(NOTIFICATIONS), rows)
        session.info[QUEUED_JOBS] = True
