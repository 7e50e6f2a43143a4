"""A completed case fills the training file: where the record came from, its form and mode, the
certificate and who verified it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from tests.workflows.flow import Flow
from workflows.records.from_case import valid_until, valid_until_in_sql
from workflows.records.models import RecordSource, RecordsSetting, TrainingForm, TrainingMode, TrainingRecord


def complete_meeting(flow: Flow, case: int) -> None:
    flow.do(
        "head", case, "meeting_review", **flow.meeting_record(minutes_date="2026-04-03"), decision="approve"
    )


def _complete(flow: Flow, case: int) -> None:
    flow.approve_to_order(case)
    flow.at("2026-04-01T08:00:00+05:00")
    flow.fire()
    flow.at("2026-04-03T10:00:00+05:00")
    flow.submit_report(case)
    flow.verify(case, counted_hours=60)
    complete_meeting(flow, case)


def test_a_completed_case_records_where_it_came_from_and_who_verified_it(flow: Flow) -> None:
    case = flow.start(mode="distance")
    _complete(flow, case)
    with flow.factory() as s:
        record = s.scalars(select(TrainingRecord).where(TrainingRecord.instance_id == case)).one()
        assert record.source == RecordSource.CASE
        assert (record.form, record.mode) == (TrainingForm.COURSE, TrainingMode.ONLINE)
        assert record.hours == 60
        assert record.certificate_number == "NU-2026-114"
        assert record.certificate_id is not None
        assert record.verified_by_id == flow.demo["centre"]
        # No issue date given: valid for the policy's years from the course's end (004 §29).
        assert record.valid_until == date(2029, 3, 31)
        assert record.struck_at is None


def test_the_validity_follows_the_editable_policy(flow: Flow) -> None:
    with flow.factory() as s:
        s.get_one(RecordsSetting, 1).certificate_validity_years = 5
        s.commit()
    case = flow.start()
    _complete(flow, case)
    with flow.factory() as s:
        record = s.scalars(select(TrainingRecord).where(TrainingRecord.instance_id == case)).one()
        assert record.valid_until == date(2031, 3, 31)


def test_the_database_works_out_a_certificates_validity_as_the_records_policy_does(db: Session) -> None:
    """The case's step has the insert read the policy's years and count them on (one statement),
    with the same days `valid_until` gives, the 29th of February included."""
    dialect = db.get_bind().dialect.name
    for issued in (date(2026, 3, 31), date(2024, 2, 29), date(2023, 12, 31), date(2025, 2, 28)):
        for years in (1, 3, 4, 50):
            worked_out = db.scalar(select(valid_until_in_sql(issued, literal(years), dialect)))
            assert date.fromisoformat(str(worked_out)[:10]) == valid_until(issued, years), (issued, years)
