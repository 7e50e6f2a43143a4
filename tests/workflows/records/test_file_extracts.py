"""Extracts: an unguessable token stored hashed, revocable by the person, HR or an administrator;
the public look-up shows only what is stated, refuses revoked and forged tokens alike and is
counted per address."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from tests.conftest import Demo
from workflows.clock import FrozenClock
from workflows.errors import NotFound, RateLimited
from workflows.org.models import AuditEntry
from workflows.records.extracts import (
    ExtractNotFound,
    LookupLimit,
    VerifiedFile,
    VerifiedTraining,
    issue_extract,
    revoke_extract,
    verify_extract,
)
from workflows.records.models import RecordExtract

LIMIT = LookupLimit(lookups=5, window_minutes=10)


def test_the_token_is_long_random_and_only_its_hash_is_kept(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    first = issue_extract(db, demo["teacher"], demo["teacher"], clock)
    second = issue_extract(db, demo["teacher"], demo["teacher"], clock)
    assert first.token != second.token and len(first.token) >= 43
    stored = db.get_one(RecordExtract, first.id)
    assert first.token not in stored.token_hash and len(stored.token_hash) == 64
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.subject_kind == "extract")).all()
    assert actions == ["extract_issued", "extract_issued"]


def test_the_page_shows_the_name_trainings_hours_and_validity_and_nothing_else(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    factories.training_record(
        db,
        demo["teacher"],
        course="Цифрлық педагогика",
        hours=72,
        valid_until=date(2028, 2, 20),
        certificate_number="NU-1",
        note="ішкі ескертпе",
    )
    factories.training_record(
        db,
        demo["teacher"],
        course="Ескі курс",
        hours=24,
        valid_until=date(2025, 1, 1),
        start_date=date(2022, 1, 10),
        end_date=date(2022, 1, 12),
    )
    struck = factories.training_record(db, demo["teacher"], course="Қате", hours=100)
    struck.struck_at = clock.now()
    issued = issue_extract(db, demo["teacher"], demo["teacher"], clock)
    found = verify_extract(db, issued.token, "203.0.113.5", clock, LIMIT)
    assert [f.name for f in dataclasses.fields(VerifiedFile)] == [
        "name",
        "name_ru",
        "trainings",
        "total_hours",
        "checked_on",
    ]
    assert [f.name for f in dataclasses.fields(VerifiedTraining)] == [
        "course",
        "provider",
        "start_date",
        "end_date",
        "hours",
        "valid_until",
        "valid",
    ]
    assert found.name == "Айгүл Серікқызы Нұрланова"
    assert [(t.course, t.hours, t.valid) for t in found.trainings] == [
        ("Цифрлық педагогика", 72, True),
        ("Ескі курс", 24, False),
    ]
    assert found.total_hours == 96


@pytest.mark.parametrize("revoker", ["teacher", "hr", "admin"])
def test_a_revoked_extract_reads_like_a_forged_one(
    db: Session, demo: Demo, clock: FrozenClock, revoker: str
) -> None:
    issued = issue_extract(db, demo["teacher"], demo["teacher"], clock)
    revoke_extract(db, demo[revoker], demo["teacher"], issued.id, clock)
    with pytest.raises(ExtractNotFound) as revoked:
        verify_extract(db, issued.token, "203.0.113.5", clock, LIMIT)
    with pytest.raises(ExtractNotFound) as forged:
        verify_extract(db, issued.token[:-2] + "xy", "203.0.113.5", clock, LIMIT)
    assert (str(revoked.value), revoked.value.params) == (str(forged.value), forged.value.params)
    assert db.get_one(RecordExtract, issued.id).revoked_by_id == demo[revoker]


@pytest.mark.parametrize("actor", ["head", "centre", "rector", "teacher2"])
def test_others_neither_issue_nor_revoke(db: Session, demo: Demo, clock: FrozenClock, actor: str) -> None:
    with pytest.raises(NotFound):
        issue_extract(db, demo[actor], demo["teacher"], clock)
    issued = issue_extract(db, demo["teacher"], demo["teacher"], clock)
    with pytest.raises(NotFound):
        revoke_extract(db, demo[actor], demo["teacher"], issued.id, clock)
    assert db.get_one(RecordExtract, issued.id).revoked_at is None


def test_lookups_are_limited_per_address_until_the_window_ends(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    issued = issue_extract(db, demo["teacher"], demo["teacher"], clock)
    for _ in range(3):
        verify_extract(db, issued.token, "203.0.113.5", clock, LIMIT)
    for _ in range(2):
        with pytest.raises(ExtractNotFound):
            verify_extract(db, "guess", "203.0.113.5", clock, LIMIT)  # guesses count too
    with pytest.raises(RateLimited) as limited:
        verify_extract(db, issued.token, "203.0.113.5", clock, LIMIT)
    assert limited.value.params == {"minutes": 10}
    verify_extract(db, issued.token, "198.51.100.7", clock, LIMIT)  # another address is not held up
    clock.set(clock.now() + timedelta(minutes=10))
    verify_extract(db, issued.token, "203.0.113.5", clock, LIMIT)
