"""The personal training file (001 §3.10): every training of a person, from cases, imports and
records entered by hand, with its certificate, the case it came from and who verified or entered it.
A struck record stays in the file, marked, and counts nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from workflows.calendar import add_months, local_date
from workflows.cases.documents import DocumentFile, FileStore
from workflows.cases.models import Document, ProcessInstance
from workflows.clock import Clock
from workflows.errors import NotFound
from workflows.org.models import OrgUnit, Person
from workflows.records.access import FileAccess, file_access
from workflows.records.models import RecordExtract, TrainingRecord
from workflows.records.settings import records_setting


@dataclass(frozen=True)
class RecordLine:
    id: int
    source: str
    course: str
    provider: str | None
    form: str | None
    mode: str | None
    start_date: date
    end_date: date
    hours: int  # counted
    matches_disciplines: bool
    management: bool
    certificate_type: str | None
    certificate_number: str | None
    certificate_issued_on: date | None
    valid_until: date | None
    certificate_id: str | None
    certificate_name: str | None
    case_id: int | None
    case_key: str | None
    verified_by: str | None
    entered_by: str | None
    note: str | None
    recorded_at: datetime
    struck_at: datetime | None
    struck_by: str | None
    struck_reason: str | None
    expired: bool  # the certificate's validity has ended
    expiring: bool  # it ends within the policy's months

    @property
    def struck(self) -> bool:
        return self.struck_at is not None


@dataclass(frozen=True)
class ExtractLine:
    id: int
    issued_at: datetime
    issued_by: str | None
    revoked_at: datetime | None
    revoked_by: str | None


@dataclass(frozen=True)
class TrainingFile:
    person_id: int
    name: str
    name_ru: str | None
    position: str | None
    unit: dict[str, str]
    records: list[RecordLine]
    access: FileAccess
    expiring_within_months: int
    extracts: list[ExtractLine]  # for those who may issue them; empty for others

    @property
    def total_hours(self) -> int:
        """The hours of every record that is not struck."""
        return sum(r.hours for r in self.records if not r.struck)


def record_lines(session: Session, person_id: int, today: date, expiring_months: int) -> list[RecordLine]:
    """A person's records, newest training first, in one statement."""
    verifier, enterer, striker = aliased(Person), aliased(Person), aliased(Person)
    rows = session.execute(
        select(
            TrainingRecord,
            Document.filename,
            ProcessInstance.business_key,
            verifier.full_name,
            enterer.full_name,
            striker.full_name,
        )
        .outerjoin(Document, Document.id == TrainingRecord.certificate_id)
        .outerjoin(ProcessInstance, ProcessInstance.id == TrainingRecord.instance_id)
        .outerjoin(verifier, verifier.id == TrainingRecord.verified_by_id)
        .outerjoin(enterer, enterer.id == TrainingRecord.entered_by_id)
        .outerjoin(striker, striker.id == TrainingRecord.struck_by_id)
        .where(TrainingRecord.person_id == person_id)
        .order_by(TrainingRecord.end_date.desc(), TrainingRecord.id.desc())
    ).all()
    soon = add_months(today, expiring_months)
    return [
        RecordLine(
            id=r.id,
            source=r.source,
            course=r.course,
            provider=r.provider,
            form=r.form,
            mode=r.mode,
            start_date=r.start_date,
            end_date=r.end_date,
            hours=r.hours,
            matches_disciplines=r.matches_disciplines,
            management=r.management,
            certificate_type=r.certificate_type,
            certificate_number=r.certificate_number,
            certificate_issued_on=r.certificate_issued_on,
            valid_until=r.valid_until,
            certificate_id=r.certificate_id,
            certificate_name=filename,
            case_id=r.instance_id,
            case_key=case_key,
            verified_by=verified,
            entered_by=entered,
            note=r.note,
            recorded_at=r.recorded_at,
            struck_at=r.struck_at,
            struck_by=struck,
            struck_reason=r.struck_reason,
            expired=r.valid_until is not None and r.valid_until < today,
            expiring=r.valid_until is not None and today <= r.valid_until <= soon,
        )
        for r, filename, case_key, verified, entered, struck in rows
    ]


def extract_lines(session: Session, person_id: int) -> list[ExtractLine]:
    issuer, revoker = aliased(Person), aliased(Person)
    rows = session.execute(
        select(RecordExtract, issuer.full_name, revoker.full_name)
        .outerjoin(issuer, issuer.id == RecordExtract.issued_by_id)
        .outerjoin(revoker, revoker.id == RecordExtract.revoked_by_id)
        .where(RecordExtract.person_id == person_id)
        .order_by(RecordExtract.id.desc())
    ).all()
    return [ExtractLine(e.id, e.issued_at, issued, e.revoked_at, revoked) for e, issued, revoked in rows]


def training_file(
    session: Session, actor_id: int, person_id: int, clock: Clock, to_keep: bool = False
) -> TrainingFile:
    """The file of `person_id` as `actor_id` may see it (NotFound otherwise); with `to_keep`, only
    for someone who keeps files (HR, the centre)."""
    today = local_date(clock.now())
    access = file_access(session, actor_id, person_id, today)
    if to_keep and not access.can_keep:
        raise NotFound("No such training file", person_id=person_id)
    row = session.execute(
        select(Person, OrgUnit).join(OrgUnit, OrgUnit.id == Person.org_unit_id).where(Person.id == person_id)
    ).one()
    person, unit = row
    months = records_setting(session).expiring_within_months
    return TrainingFile(
        person_id=person.id,
        name=person.full_name,
        name_ru=person.full_name_ru,
        position=person.position,
        unit=unit.names,
        records=record_lines(session, person_id, today, months),
        access=access,
        expiring_within_months=months,
        extracts=extract_lines(session, person_id) if access.can_issue else [],
    )


def record_certificate(
    session: Session, store: FileStore, actor_id: int, person_id: int, record_id: int, clock: Clock
) -> DocumentFile:
    """The uploaded copy of a record's certificate, for whoever may see the file."""
    file_access(session, actor_id, person_id, local_date(clock.now()))
    record = session.get(TrainingRecord, record_id)
    doc = session.get(Document, record.certificate_id) if record and record.certificate_id else None
    if record is None or record.person_id != person_id or doc is None:
        raise NotFound("No such certificate", record_id=record_id)
    return DocumentFile(doc.filename, doc.content_type, store.get(doc.sha256))
