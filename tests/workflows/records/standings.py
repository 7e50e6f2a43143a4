"""Rows for standing tests: people with the facts the policy reads and their training records."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests import factories
from workflows.definitions.models import DefinitionKind, ProcessVersion
from workflows.definitions.publishing import content_hash
from workflows.org.models import Person
from workflows.records.models import TrainingRecord

_n = itertools.count(1)


def staff(
    session: Session,
    unit_id: int | None = None,
    category: str = "teaching",
    disciplines: tuple[str, ...] = ("Информатика",),
    position: str = "Аға оқытушы",
    employment_start: date | None = None,
) -> Person:
    found = factories.person(session, org_unit_id=unit_id, staff_category=category)
    found.disciplines = list(disciplines)
    found.position = position
    found.employment_start = employment_start
    session.flush()
    return found


def training(
    session: Session,
    person: Person,
    end: date,
    hours: int,
    *,
    kind: str | None = "certificate",
    matches: bool = True,
    management: bool = False,
    struck: bool = False,
) -> TrainingRecord:
    record = TrainingRecord(
        person_id=person.id,
        source="manual",
        course=f"Курс {next(_n)}",
        provider="Орталық",
        start_date=end - timedelta(days=5),
        end_date=end,
        hours=hours,
        certificate_type=kind,
        matches_disciplines=matches,
        management=management,
        recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
        struck_at=datetime(2026, 1, 2, tzinfo=UTC) if struck else None,
    )
    session.add(record)
    session.flush()
    return record


def publish_table(session: Session, text: str, published_at: datetime) -> int:
    """Publish `text` as the next version of the periodicity table; its version number."""
    last = session.scalar(
        select(func.max(ProcessVersion.version)).where(ProcessVersion.process_key == "periodicity")
    )
    version = (last or 0) + 1
    session.add(
        ProcessVersion(
            process_key="periodicity",
            kind=DefinitionKind.DECISION,
            version=version,
            bpmn_xml=text,
            forms={},
            content_hash=content_hash(text, {}),
            published_at=published_at,
        )
    )
    session.flush()
    return version
