"""What the institution keeps about its people's training: training records (the personal training
file, 001 §3.10), the extracts issued from it, the records policy and the nonconformity journal
(000 §9.3)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflows.db import Base, states


class RecordSource(StrEnum):
    """Where a training record came from."""

    CASE = "case"  # a completed qualification case
    IMPORT = "import"  # imported history
    MANUAL = "manual"  # entered by HR or the centre for training done outside the procedure (000 §6.1)


class TrainingForm(StrEnum):
    COURSE = "course"
    INTERNSHIP = "internship"
    SEMINAR = "seminar"
    CONFERENCE = "conference"
    WEBINAR = "webinar"
    RETRAINING = "retraining"
    OTHER = "other"


class TrainingMode(StrEnum):
    OFFLINE = "offline"
    ONLINE = "online"
    BLENDED = "blended"


class CertificateType(StrEnum):
    """The confirming documents a training can end with (004 §27)."""

    CERTIFICATE = "certificate"  # сертификат
    SVIDETELSTVO = "svidetelstvo"  # свидетельство / куәлік
    ATTENDANCE_NOTE = "attendance_note"  # справка о прослушивании
    FOREIGN_CERTIFICATE = "foreign_certificate"
    RETRAINING_DIPLOMA = "retraining_diploma"  # диплом о переподготовке


class TrainingRecord(Base):
    """Completed training counted in the employee's record (periodicity, attestation). A struck
    record stays in the file, shown as struck, and counts nothing."""

    __tablename__ = "training_record"
    __table_args__ = (
        Index("ix_training_record_certificate", "certificate_number", "provider"),
        # One record per person a case sent: a collective internship sends several (001 §7.7).
        UniqueConstraint("instance_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    source: Mapped[RecordSource] = mapped_column(
        states(RecordSource, "source", 16), default=RecordSource.CASE, server_default=RecordSource.CASE.value
    )
    course: Mapped[str] = mapped_column(String(300))
    provider: Mapped[str | None] = mapped_column(String(300))
    form: Mapped[TrainingForm | None] = mapped_column(states(TrainingForm, "form", 16))
    mode: Mapped[TrainingMode | None] = mapped_column(states(TrainingMode, "mode", 16))
    start_date: Mapped[date]
    end_date: Mapped[date]
    hours: Mapped[int]  # the hours counted (never more than the course's)
    matches_disciplines: Mapped[bool] = mapped_column(default=False, server_default="0")
    management: Mapped[bool] = mapped_column(default=False, server_default="0")
    certificate_id: Mapped[str | None] = mapped_column(ForeignKey("document.id"))
    certificate_type: Mapped[CertificateType | None] = mapped_column(
        states(CertificateType, "certificate_type", 32)
    )
    certificate_number: Mapped[str | None] = mapped_column(String(100))
    certificate_issued_on: Mapped[date | None]
    valid_until: Mapped[date | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    struck_at: Mapped[datetime | None]
    struck_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    struck_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def struck(self) -> bool:
        return self.struck_at is not None


class RecordsSetting(Base):
    """The records policy, one row, editable: how long a certificate is valid by default (004 §29),
    when one is flagged as expiring, when people are reminded, when next year's list is made."""

    __tablename__ = "records_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_validity_years: Mapped[int] = mapped_column(default=3, server_default="3")
    expiring_within_months: Mapped[int] = mapped_column(default=3, server_default="3")
    remind_months: Mapped[int] = mapped_column(default=6, server_default="6")
    next_year_list_on: Mapped[str] = mapped_column(
        String(5), default="09-01", server_default="09-01"
    )  # MM-DD
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))


class RecordExtract(Base):
    """An extract of a person's training file, verifiable by anyone holding its link. Only the
    token's hash is stored; a revoked extract verifies no more."""

    __tablename__ = "record_extract"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))


class VerificationThrottle(Base):
    """Look-ups of the public verification page from one network address in the current window."""

    __tablename__ = "verification_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64), unique=True)
    window_start: Mapped[datetime] = mapped_column(index=True)
    lookups: Mapped[int]


class Nonconformity(Base):
    """The nonconformity journal (000 §9.3)."""

    __tablename__ = "nonconformity"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    corrective_action: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    # Worked in the journal (workflows/reports/journal.py): the cause and its analysis at the unit's
    # meeting, the corrective action with its owner and date, the re-check, who closed it.
    analysis: Mapped[str | None] = mapped_column(Text)
    minutes_ref: Mapped[str | None] = mapped_column(String(100))
    analysed_on: Mapped[date | None]
    action_owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    action_due: Mapped[date | None]
    recheck_note: Mapped[str | None] = mapped_column(Text)
    rechecked_on: Mapped[date | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # Worked as a process (bpmn/nonconformity.bpmn, workflows/nonconformity/): one entry per cause
    # (`source_key`), its own unit when no case or person names one, the case of the journal's
    # diagram that works it (`flow_id`), and where that case has got to (`stage`).
    source_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    flow_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    stage: Mapped[str | None] = mapped_column(String(32))
    cause: Mapped[str | None] = mapped_column(Text)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    action_done_on: Mapped[date | None]
    action_done_note: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None]
