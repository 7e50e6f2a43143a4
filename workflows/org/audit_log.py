"""The audit log as administrators and HR read it: filtered by subject, actor and dates, paginated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflows.calendar import LOCAL_TZ
from workflows.org.audit import AuditLine, Subject
from workflows.org.authority import require_administration
from workflows.org.models import AuditEntry, Person
from workflows.org.seat_admin import find_person

SUBJECTS: tuple[str, ...] = tuple(s.value for s in Subject)


@dataclass(frozen=True)
class AuditQuery:
    subject: str | None = None  # a Subject value
    subject_id: int | None = None
    actor: str = ""  # a personnel number, IIN or login
    since: date | None = None
    until: date | None = None  # the last day included
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditLine]
    total: int
    page: int
    per_page: int
    actor_found: bool = True

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL_TZ)


def audit_log(session: Session, actor_id: int, query: AuditQuery, on: date) -> AuditPage:
    """The newest entries first; only administrators and HR read it."""
    require_administration(session, actor_id, on)
    conditions: list[Any] = []
    if query.subject in SUBJECTS:
        conditions.append(AuditEntry.subject_kind == query.subject)
    if query.subject_id is not None:
        conditions.append(AuditEntry.subject_id == query.subject_id)
    found = True
    if query.actor.strip():
        person = find_person(session, query.actor)
        found = person is not None
        conditions.append(AuditEntry.actor_id == (person.id if person else -1))
    if query.since is not None:
        conditions.append(AuditEntry.at >= _start_of(query.since))
    if query.until is not None and query.until < date.max:
        conditions.append(AuditEntry.at < _start_of(query.until + timedelta(days=1)))
    total = session.scalar(select(func.count(AuditEntry.id)).where(*conditions)) or 0
    page, per_page = min(max(1, query.page), 100_000), min(max(1, query.per_page), 200)
    rows = session.execute(
        select(AuditEntry, Person.full_name)
        .outerjoin(Person, Person.id == AuditEntry.actor_id)
        .where(*conditions)
        .order_by(AuditEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = [
        AuditLine(e.at, name, e.action, e.subject_kind, e.subject_id, e.comment, e.data) for e, name in rows
    ]
    return AuditPage(items, total, page, per_page, found)
