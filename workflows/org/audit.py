"""The audit log of the organisation's data: every change to units, people, seats, deputies,
accounts, task assignments and imports, with who made it and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.clock import Clock
from workflows.org.models import AuditEntry, Person


class Subject(StrEnum):
    UNIT = "unit"
    PERSON = "person"
    SEAT = "seat"
    DELEGATION = "delegation"
    ACCOUNT = "account"
    TASK = "task"
    IMPORT = "import"
    RECORDS_SETTING = "records_setting"  # the records policy (workflows/records/policy_settings.py)
    RECORD = "record"  # a training record in a personal file
    EXTRACT = "extract"  # an extract of a personal file
    RETENTION = "retention"  # how long a kind of record is kept (workflows/reports/retention.py)
    PURGE = "purge"  # records removed past their period (workflows/reports/purge.py)


def record_change(
    session: Session,
    actor_id: int | None,
    action: str,
    subject: Subject,
    subject_id: int | None,
    clock: Clock,
    data: dict[str, Any] | None = None,
    comment: str | None = None,
) -> None:
    """One audit entry; `actor_id` None means the command line. `data` holds what changed,
    e.g. {"name_kk": ["old", "new"]}; it must be JSON."""
    session.add(
        AuditEntry(
            at=clock.now(),
            actor_id=actor_id,
            action=action,
            subject_kind=subject.value,
            subject_id=subject_id,
            comment=comment,
            data=data or {},
        )
    )


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose values differ, as {field: [before, after]} (dates as ISO text)."""

    def plain(value: Any) -> Any:
        return value.isoformat() if hasattr(value, "isoformat") else value

    return {
        name: [plain(before.get(name)), plain(after.get(name))]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor_name: str | None  # None: the command line
    action: str
    subject_kind: str
    subject_id: int | None
    comment: str | None
    data: dict[str, Any]


def audit_trail(
    session: Session, subject: Subject | None = None, subject_id: int | None = None, limit: int = 200
) -> list[AuditLine]:
    """The newest entries first, of one subject or of everything."""
    query = (
        select(AuditEntry, Person.full_name)
        .outerjoin(Person, Person.id == AuditEntry.actor_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    if subject is not None:
        query = query.where(AuditEntry.subject_kind == subject.value)
    if subject_id is not None:
        query = query.where(AuditEntry.subject_id == subject_id)
    return [
        AuditLine(e.at, name, e.action, e.subject_kind, e.subject_id, e.comment, e.data)
        for e, name in session.execute(query)
    ]
