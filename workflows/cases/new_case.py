"""A case's row as every start makes it: an application, a campaign, a journal entry, a refund."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from workflows.cases.models import CaseStatus, ProcessInstance
from workflows.engine.state import SERIALIZER_VERSION


def new_instance(
    session: Session,
    version_id: int,
    process_key: str,
    business_key: str,
    subject_id: int,
    subject_unit_id: int | None,
    now: datetime,
) -> ProcessInstance:
    """A running case's row, stored (flushed for its id) before its engine's first step runs."""
    instance = ProcessInstance(
        version_id=version_id,
        process_key=process_key,
        business_key=business_key,
        subject_id=subject_id,
        subject_unit_id=subject_unit_id,
        status=CaseStatus.RUNNING,
        summary={},
        state="",
        serializer_version=SERIALIZER_VERSION,
        started_at=now,
        updated_at=now,
    )
    session.add(instance)
    session.flush()
    return instance
