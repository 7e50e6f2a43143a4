"""Keeping the file by hand: HR or the competence centre enters training done outside the
procedure (a conference, a course the person paid for, 000 §6.1) with its confirming document, and
strikes a wrong record with the reason (the record stays in the file, marked, and counts nothing).
Every change goes into the audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.cases.documents import MAX_BYTES, FileStore, file_errors, store_upload
from workflows.cases.submissions import Upload
from workflows.clock import Clock
from workflows.errors import FieldError, NotFound, ValidationFailed, field_error
from workflows.forms.checks import CheckContext, validate_submission
from workflows.forms.schema import FORMS_DIR
from workflows.org.audit import Subject, record_change
from workflows.records.access import file_access
from workflows.records.from_case import valid_until
from workflows.records.models import (
    CertificateType,
    RecordSource,
    TrainingForm,
    TrainingMode,
    TrainingRecord,
)
from workflows.records.settings import records_setting

CERTIFICATE_FIELD = "certificate"
REASON_LENGTH = 2000
_PLACEHOLDER_ID = "0" * 32  # stands for an upload while the schema checks the rest


@cache
def manual_record_form() -> dict[str, Any]:
    """The JSON Schema of the entry form (forms/records/manual_record.json)."""
    schema: dict[str, Any] = json.loads((FORMS_DIR / "records" / "manual_record.json").read_text("utf-8"))
    return schema


@dataclass(frozen=True)
class RecordRef:
    id: int
    person_id: int


def _day(data: dict[str, Any], name: str) -> date | None:
    try:
        return date.fromisoformat(data[name])
    except (KeyError, TypeError, ValueError):
        return None  # the schema reports a missing or malformed date


def _entry_errors(data: dict[str, Any], today: date) -> list[FieldError]:
    ctx = CheckContext(today=today, policy={})
    errors = validate_submission(manual_record_form(), ["date_range", "certificate_dates"], data, ctx)
    if "end_date" not in {e.field for e in errors}:
        end = _day(data, "end_date")
        if end is not None and end > today:
            errors.append(field_error("end_date", "training_not_ended", "", today=today.isoformat()))
    return errors


def enter_record(
    session: Session,
    store: FileStore,
    actor_id: int,
    person_id: int,
    data: dict[str, Any],
    uploads: list[Upload],
    clock: Clock,
    max_bytes: int = MAX_BYTES,
) -> RecordRef:
    """A record entered by hand into `person_id`'s file, with an optional confirming document."""
    today = local_date(clock.now())
    if not file_access(session, actor_id, person_id, today).can_keep:
        raise NotFound("No such training file", person_id=person_id)
    upload = next((u for u in uploads if u.field == CERTIFICATE_FIELD), None)
    content = upload.stream.read(max_bytes + 1) if upload is not None else None
    placeholder = {CERTIFICATE_FIELD: _PLACEHOLDER_ID} if upload is not None else {}
    errors = _entry_errors({**data, **placeholder}, today)
    if content is not None and CERTIFICATE_FIELD not in {e.field for e in errors}:
        errors += file_errors(CERTIFICATE_FIELD, content, max_bytes)
    if errors:
        raise ValidationFailed(errors)
    document = None
    if upload is not None and content is not None:
        document = store_upload(
            session, store, CERTIFICATE_FIELD, upload.filename, content, actor_id, clock, max_bytes
        )
    issued = _day(data, "certificate_issued_on")
    until = _day(data, "valid_until")
    if until is None and issued is not None:
        until = valid_until(issued, records_setting(session).certificate_validity_years)
    record = TrainingRecord(
        person_id=person_id,
        source=RecordSource.MANUAL,
        course=str(data["course"]).strip(),
        provider=str(data["provider"]).strip(),
        form=TrainingForm(data["form"]),
        mode=TrainingMode(data["mode"]) if data.get("mode") else None,
        start_date=date.fromisoformat(data["start_date"]),
        end_date=date.fromisoformat(data["end_date"]),
        hours=int(data["hours"]),
        matches_disciplines=bool(data.get("matches_disciplines")),
        management=bool(data.get("management")),
        certificate_id=document.id if document is not None else None,
        certificate_type=CertificateType(data["certificate_type"]) if data.get("certificate_type") else None,
        certificate_number=str(data.get("certificate_number") or "").strip() or None,
        certificate_issued_on=issued,
        valid_until=until,
        entered_by_id=actor_id,
        note=str(data.get("note") or "").strip() or None,
        recorded_at=clock.now(),
    )
    session.add(record)
    session.flush()
    audit = {k: v for k, v in data.items() if k != CERTIFICATE_FIELD}
    if document is not None:
        audit[CERTIFICATE_FIELD] = document.id
    record_change(
        session,
        actor_id,
        "record_entered",
        Subject.RECORD,
        record.id,
        clock,
        {"person_id": person_id, **audit},
    )
    return RecordRef(record.id, person_id)


def strike_record(
    session: Session, actor_id: int, person_id: int, record_id: int, reason: str | None, clock: Clock
) -> RecordRef:
    """Strike a wrong record: it stays in the file, marked, with who struck it, when and why."""
    today = local_date(clock.now())
    access = file_access(session, actor_id, person_id, today)
    record = session.get(TrainingRecord, record_id)
    if record is None or record.person_id != person_id or not access.can_keep:
        raise NotFound("No such training record", record_id=record_id)
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed([field_error("reason", "strike_reason")])
    if len(text) > REASON_LENGTH:
        raise ValidationFailed([field_error("reason", "maxLength", "", limit=REASON_LENGTH)])
    if record.struck_at is not None:
        return RecordRef(record.id, person_id)  # struck already: the first reason stands
    record.struck_at, record.struck_by_id, record.struck_reason = clock.now(), actor_id, text
    session.flush()
    record_change(
        session, actor_id, "record_struck", Subject.RECORD, record.id, clock, {"person_id": person_id}, text
    )
    return RecordRef(record.id, person_id)
