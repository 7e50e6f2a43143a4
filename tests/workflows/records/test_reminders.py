"""The daily periodicity sweep: one reminder per person and period (to them and their head), one
nonconformity per overdue person and period, next year's list to each head once a year; the
worker's job queues tomorrow's sweep."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import Demo
from tests.workflows.records.standings import staff, training
from workflows.cases.models import Job, JobKind, JobStatus
from workflows.clock import FrozenClock
from workflows.messaging.email import MailSettings, compose
from workflows.messaging.models import Notification
from workflows.org.models import OrgUnit
from workflows.records.models import Nonconformity
from workflows.records.reminders import run_sweep_job, schedule_sweep, sweep


def _cs(db: Session) -> int:
    return db.scalars(select(OrgUnit.id).where(OrgUnit.code == "cs")).one()


def _notices(db: Session, person_id: int, kind: str) -> int:
    return (
        db.scalar(
            select(func.count(Notification.id)).where(
                Notification.person_id == person_id, Notification.kind == kind
            )
        )
        or 0
    )


def test_a_person_due_soon_and_their_head_are_told_once(db: Session, clock: FrozenClock, demo: Demo) -> None:
    teacher = staff(db, _cs(db))
    training(db, teacher, date(2023, 6, 1), 80)  # leaves the window on 1 June 2026: within 6 months
    first = sweep(db, clock)
    again = sweep(db, clock)
    assert (first.reminded, first.heads_told, again.reminded) == (1, 1, 0)
    assert _notices(db, teacher.id, "periodicity_due") == 1
    assert _notices(db, demo["head"], "periodicity_due_staff") == 1
    email = db.scalars(select(Job).where(Job.kind == JobKind.EMAIL, Job.instance_id.is_(None))).first()
    assert email is not None and email.payload["kind"] in {"periodicity_due", "periodicity_due_staff"}


def test_an_overdue_person_gets_one_nonconformity_per_period(db: Session, clock: FrozenClock) -> None:
    teacher = staff(db, _cs(db))
    training(db, teacher, date(2022, 1, 10), 80)
    assert sweep(db, clock).nonconformities == 1
    assert sweep(db, clock).nonconformities == 0
    [entry] = db.scalars(select(Nonconformity).where(Nonconformity.person_id == teacher.id)).all()
    assert (
        entry.kind == "periodicity_not_met"
        and entry.note.startswith("Periodicity not met: 80 of 72") is False
    )
    assert "hours" in entry.note


def test_next_years_list_goes_to_each_head_from_the_policys_day(
    db: Session, clock: FrozenClock, demo: Demo
) -> None:
    teacher = staff(db, _cs(db))
    training(db, teacher, date(2024, 3, 1), 72)  # falls due on 1 March 2027
    clock.set(datetime.fromisoformat("2026-08-31T09:00:00+05:00"))
    assert sweep(db, clock).lists_sent == 0
    clock.set(datetime.fromisoformat("2026-09-01T09:00:00+05:00"))
    sent = sweep(db, clock).lists_sent
    assert sent >= 2 and sweep(db, clock).lists_sent == 0  # the heads and the director, once
    [notice] = db.scalars(
        select(Notification).where(
            Notification.person_id == demo["head"], Notification.kind == "next_year_list"
        )
    ).all()
    assert notice.instance_id is None and notice.data["year"] == 2027 and notice.data["count"] == 1


def test_the_sweep_job_queues_tomorrows_sweep(db: Session, clock: FrozenClock) -> None:
    assert schedule_sweep(db, clock) is True and schedule_sweep(db, clock) is False
    pending = (Job.kind == JobKind.PERIODICITY, Job.status == JobStatus.PENDING)
    job = db.scalars(select(Job).where(*pending)).one()
    run_sweep_job(db, job, clock)
    job.status = JobStatus.DONE
    db.flush()
    [following] = db.scalars(select(Job).where(*pending)).all()
    assert following.due_at == datetime.fromisoformat("2026-03-02T06:00:00+05:00")


def test_a_reminder_email_without_a_case_is_in_the_readers_language(
    db: Session, clock: FrozenClock, demo: Demo, tmp_path: Path
) -> None:
    teacher = staff(db, _cs(db))
    teacher.locale = "ru"
    training(db, teacher, date(2023, 6, 1), 80)
    sweep(db, clock)
    job = db.scalars(
        select(Job)
        .where(Job.kind == JobKind.EMAIL)
        .where(Job.payload["person_id"].as_integer() == teacher.id)
    ).one()
    settings = MailSettings(None, 25, "hr@example.kz", tmp_path, "https://b.example.kz", "b.example.kz")
    message = compose(db, job, settings)
    assert message is not None
    assert message["Subject"] == "Скоро срок вашего очередного повышения квалификации"
    assert "https://b.example.kz/records/me" in message.get_content()
