"""The records policy in force: one editable row (created with its defaults if it is missing)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.records.models import RecordsSetting


def records_setting(session: Session) -> RecordsSetting:
    setting = session.scalar(select(RecordsSetting).order_by(RecordsSetting.id).limit(1))
    if setting is None:
        setting = RecordsSetting(id=1)
        session.add(setting)
        session.flush()
    return setting
