"""HR and the centre keep the file: a record entered by hand with its document, a wrong record
struck with its reason (kept, shown struck, counting nothing), every change in the audit log."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests import factories
from tests.conftest import Demo
from tests.workflows.flow import PDF
from workflows.cases.documents import FileStore
from workflows.cases.models import Document
from workflows.cases.submissions import Upload
from workflows.clock import FrozenClock
from workflows.errors import NotFound, ValidationFailed
from workflows.org.models import AuditEntry
from workflows.records.entry import enter_record, strike_record
from workflows.records.models import RecordSource, RecordsSetting, TrainingRecord
from workflows.records.training_file import record_certificate, training_file


def conference(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "course": "Жоғары білім берудегі цифрландыру конференциясы",
        "provider": "ҚазҰУ",
        "form": "conference",
        "mode": "offline",
        "start_date": "2026-02-10",
        "end_date": "2026-02-12",
        "hours": 18,
        "certificate_type": "certificate",
        "certificate_number": "KZ-77",
        "certificate_issued_on": "2026-02-12",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _upload(content: bytes = PDF, name: str = "сертификат.pdf") -> list[Upload]:
    return [Upload("certificate", name, io.BytesIO(content))]


def _fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: e.code for e in exc.value.errors}


def test_hr_enters_a_conference_with_its_certificate(
    db: Session, demo: Demo, clock: FrozenClock, store: FileStore
) -> None:
    ref = enter_record(db, store, demo["hr"], demo["teacher"], conference(), _upload(), clock)
    record = db.get_one(TrainingRecord, ref.id)
    assert (record.source, record.entered_by_id, record.hours) == (RecordSource.MANUAL, demo["hr"], 18)
    # Validity from the policy: three years after the issue date (004 §29).
    assert record.valid_until == date(2029, 2, 12)
    doc = db.get_one(Document, record.certificate_id)
    assert (doc.filename, doc.content_type, doc.uploaded_by_id) == (
        "сертификат.pdf",
        "application/pdf",
        demo["hr"],
    )
    got = record_certificate(db, store, demo["teacher"], demo["teacher"], ref.id, clock)
    assert got.content == PDF
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "record_entered")).one()
    assert (entry.actor_id, entry.subject_kind, entry.subject_id) == (demo["hr"], "record", ref.id)
    assert entry.data["course"] == conference()["course"] and entry.data["certificate"] == doc.id
    [line] = training_file(db, demo["teacher"], demo["teacher"], clock).records
    assert (line.entered_by, line.certificate_name) == ("Әсем Болатқызы Жұмабаева", "сертификат.pdf")


def test_the_policy_sets_the_default_validity_and_a_typed_one_stands(
    db: Session, demo: Demo, clock: FrozenClock, store: FileStore
) -> None:
    db.get_one(RecordsSetting, 1).certificate_validity_years = 5
    first = enter_record(db, store, demo["centre"], demo["teacher"], conference(), [], clock)
    second = enter_record(
        db, store, demo["centre"], demo["teacher"], conference(valid_until="2027-01-01"), [], clock
    )
    assert db.get_one(TrainingRecord, first.id).valid_until == date(2031, 2, 12)
    assert db.get_one(TrainingRecord, second.id).valid_until == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (conference(course=None, hours=None), {"course": "required", "hours": "required"}),
        (conference(end_date="2026-02-01"), {"end_date": "date_range"}),
        (
            conference(start_date="2026-03-02", end_date="2026-03-05", certificate_issued_on=None),
            {"end_date": "training_not_ended"},
        ),
        (conference(valid_until="2026-01-01"), {"valid_until": "valid_before_issued"}),
        (conference(certificate_issued_on="2026-02-01"), {"certificate_issued_on": "issued_before_course"}),
        (conference(end_date="2026-02-30"), {"end_date": "format_date"}),
        (conference(form="lecture"), {"form": "enum"}),
        (conference(hours=-1), {"hours": "minimum"}),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    db: Session,
    demo: Demo,
    clock: FrozenClock,
    store: FileStore,
    data: dict[str, Any],
    expected: dict[str, str],
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        enter_record(db, store, demo["hr"], demo["teacher"], data, _upload(), clock)
    assert _fields(refused) == expected
    assert db.scalar(select(func.count()).select_from(TrainingRecord)) == 0
    assert db.scalar(select(func.count()).select_from(Document)) == 0


def test_a_file_that_is_not_a_document_is_refused(
    db: Session, demo: Demo, clock: FrozenClock, store: FileStore
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        enter_record(
            db, store, demo["hr"], demo["teacher"], conference(), _upload(b"<html></html>", "c.pdf"), clock
        )
    assert _fields(refused) == {"certificate": "file_type"}
    assert db.scalar(select(func.count()).select_from(TrainingRecord)) == 0


@pytest.mark.parametrize("actor", ["teacher", "head", "rector", "admin", "teacher2"])
def test_only_hr_and_the_centre_enter_records(
    db: Session, demo: Demo, clock: FrozenClock, store: FileStore, actor: str
) -> None:
    with pytest.raises(NotFound):
        enter_record(db, store, demo[actor], demo["teacher"], conference(), [], clock)


def test_a_struck_record_stays_marked_and_counts_nothing(db: Session, demo: Demo, clock: FrozenClock) -> None:
    kept = factories.training_record(db, demo["teacher"], hours=40)
    wrong = factories.training_record(db, demo["teacher"], hours=72)
    assert training_file(db, demo["teacher"], demo["teacher"], clock).total_hours == 112
    with pytest.raises(ValidationFailed) as refused:
        strike_record(db, demo["hr"], demo["teacher"], wrong.id, "  ", clock)
    assert _fields(refused) == {"reason": "strike_reason"}
    strike_record(db, demo["hr"], demo["teacher"], wrong.id, "Екі рет енгізілген", clock)
    strike_record(
        db, demo["centre"], demo["teacher"], wrong.id, "Басқа себеп", clock
    )  # the first reason stands
    found = training_file(db, demo["teacher"], demo["teacher"], clock)
    assert found.total_hours == 40
    struck = next(r for r in found.records if r.id == wrong.id)
    assert (struck.struck, struck.struck_reason, struck.struck_by) == (
        True,
        "Екі рет енгізілген",
        "Әсем Болатқызы Жұмабаева",
    )
    assert next(r for r in found.records if r.id == kept.id).struck is False
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "record_struck")).all()
    assert [(e.subject_id, e.comment) for e in entries] == [(wrong.id, "Екі рет енгізілген")]


def test_striking_is_for_keepers_and_for_the_persons_own_records(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    record = factories.training_record(db, demo["teacher"])
    with pytest.raises(NotFound):
        strike_record(db, demo["teacher"], demo["teacher"], record.id, "Қате", clock)
    with pytest.raises(NotFound):
        strike_record(db, demo["hr"], demo["teacher2"], record.id, "Қате", clock)  # not teacher2's record
    assert db.get_one(TrainingRecord, record.id).struck_at is None


def test_the_file_flags_expired_and_expiring_certificates(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    factories.training_record(db, demo["teacher"], course="old", valid_until=date(2026, 2, 1))
    factories.training_record(db, demo["teacher"], course="soon", valid_until=date(2026, 5, 31))
    factories.training_record(db, demo["teacher"], course="later", valid_until=date(2026, 6, 2))
    lines = {r.course: r for r in training_file(db, demo["teacher"], demo["teacher"], clock).records}
    assert (lines["old"].expired, lines["old"].expiring) == (True, False)
    assert (lines["soon"].expired, lines["soon"].expiring) == (False, True)
    assert (lines["later"].expired, lines["later"].expiring) == (False, False)
