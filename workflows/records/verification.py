"""What the competence centre is told while verifying a certificate in a case: the same number
from the same provider already in someone's file (a duplicate), and a certificate that has expired
or expires within the policy's months. The verifier decides; the flags only say what to look at."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.calendar import add_months, local_date
from workflows.cases.access import visible_task
from workflows.clock import Clock
from workflows.org.models import Person
from workflows.records.from_case import case_training
from workflows.records.models import TrainingRecord
from workflows.records.settings import records_setting

DUPLICATES_SHOWN = 5
CANDIDATES = 50  # records with the same number looked at for the same provider
VERIFICATION_FORM = "certificate_verification"  # the form whose task accepts a case's certificate


@dataclass(frozen=True)
class CertificateFlag:
    code: str  # duplicate | expired | expiring
    params: dict[str, Any] = field(default_factory=dict)


def certificate_flags(
    session: Session, actor_id: int, task_id: int, data: dict[str, Any], clock: Clock
) -> list[CertificateFlag]:
    """The flags for the certificate of the task's case, `data` being the case's data with what
    the verifier typed over it. Nothing for someone who may not act on the task."""
    today = local_date(clock.now())
    task = visible_task(session, actor_id, task_id, today)
    if not task.access.can_act:
        return []
    setting = records_setting(session)
    found = case_training(data, setting.certificate_validity_years)
    flags = _duplicates(session, task.instance_id, found.certificate_number, data.get("provider"))
    until = found.valid_until
    if until is not None and until < today:
        flags.append(CertificateFlag("expired", {"valid_until": until.isoformat()}))
    elif until is not None and until <= add_months(today, setting.expiring_within_months):
        months = setting.expiring_within_months
        flags.append(CertificateFlag("expiring", {"valid_until": until.isoformat(), "months": months}))
    return flags


def _plain(text: str) -> str:
    """A provider's name as compared: case and spacing do not matter (in any script; SQLite's
    lower() knows only ASCII, so it is done here)."""
    return " ".join(text.casefold().split())


def _duplicates(
    session: Session, instance_id: int, number: str | None, provider: Any
) -> list[CertificateFlag]:
    if not number or not isinstance(provider, str) or not provider.strip():
        return []
    rows = session.execute(
        select(
            TrainingRecord.person_id,
            Person.full_name,
            TrainingRecord.course,
            TrainingRecord.end_date,
            TrainingRecord.provider,
        )
        .join(Person, Person.id == TrainingRecord.person_id)
        .where(
            TrainingRecord.certificate_number == number.strip(),  # stored trimmed; the index finds it
            TrainingRecord.struck_at.is_(None),
            (TrainingRecord.instance_id.is_(None)) | (TrainingRecord.instance_id != instance_id),
        )
        .order_by(TrainingRecord.id)
        .limit(CANDIDATES)
    ).all()
    wanted = _plain(provider)
    return [
        CertificateFlag(
            "duplicate",
            {"person_id": person_id, "name": name, "course": course, "end_date": _iso(end)},
        )
        for person_id, name, course, end, their_provider in rows
        if _plain(their_provider or "") == wanted
    ][:DUPLICATES_SHOWN]


def _iso(day: date) -> str:
    return day.isoformat()
