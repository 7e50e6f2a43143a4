"""Extracts of a personal training file and their public verification.

An extract carries a link with an unguessable token (only its hash is stored) that anyone holding
it can open without signing in, e.g. an attestation commission or another employer. The page shows
the person's name, their trainings (course, provider, dates, hours), the total hours and each
certificate's validity, as the file holds them now, and nothing else. The person, HR and
administrators revoke an extract; a revoked or forged token reads like any unknown one. Look-ups
are counted per network address (`verification_throttle`): past the limit an address waits until
its window ends.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.clock import Clock
from workflows.errors import NotFound, RateLimited
from workflows.org.audit import Subject, record_change
from workflows.org.models import Person
from workflows.org.throttle import address_key
from workflows.records.access import file_access
from workflows.records.models import RecordExtract, TrainingRecord, VerificationThrottle
from workflows.records.training_file import TrainingFile, training_file

TOKEN_BYTES = 32  # 256 bits: never guessed
TOKEN_LENGTH = 100  # a longer "token" is not one of ours: refused before it is hashed
_PRUNE_BATCH = 100


class ExtractNotFound(NotFound):
    """An unknown, forged or revoked token: the look-up still counts against the address."""

    keeps_writes = True


@dataclass(frozen=True)
class LookupLimit:
    lookups: int  # look-ups from one address in one window
    window_minutes: int


@dataclass(frozen=True)
class IssuedExtract:
    id: int
    token: str  # shown once, in the extract's link
    issued_at: datetime
    file: TrainingFile


@dataclass(frozen=True)
class VerifiedTraining:
    course: str
    provider: str | None
    start_date: date
    end_date: date
    hours: int
    valid_until: date | None
    valid: bool | None  # None: the certificate has no validity date


@dataclass(frozen=True)
class VerifiedFile:
    name: str
    name_ru: str | None
    trainings: list[VerifiedTraining]
    total_hours: int
    checked_on: date


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_extract(session: Session, actor_id: int, person_id: int, clock: Clock) -> IssuedExtract:
    """A new extract of `person_id`'s file, by the person, HR or an administrator."""
    found = training_file(session, actor_id, person_id, clock)
    if not found.access.can_issue:
        raise NotFound("No such training file", person_id=person_id)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = clock.now()
    extract = RecordExtract(
        person_id=person_id, token_hash=_hash(token), issued_at=now, issued_by_id=actor_id
    )
    session.add(extract)
    session.flush()
    record_change(
        session, actor_id, "extract_issued", Subject.EXTRACT, extract.id, clock, {"person_id": person_id}
    )
    return IssuedExtract(extract.id, token, now, found)


def revoke_extract(session: Session, actor_id: int, person_id: int, extract_id: int, clock: Clock) -> None:
    """The extract's link verifies nothing any more (revoking twice changes nothing)."""
    access = file_access(session, actor_id, person_id, local_date(clock.now()))
    extract = session.get(RecordExtract, extract_id)
    if extract is None or extract.person_id != person_id or not access.can_issue:
        raise NotFound("No such extract", extract_id=extract_id)
    if extract.revoked_at is not None:
        return
    extract.revoked_at, extract.revoked_by_id = clock.now(), actor_id
    session.flush()
    record_change(
        session, actor_id, "extract_revoked", Subject.EXTRACT, extract.id, clock, {"person_id": person_id}
    )


def count_lookup(session: Session, remote_address: str | None, clock: Clock, limit: LookupLimit) -> None:
    """Count one look-up from the address; RateLimited past the limit in the current window."""
    address, now = address_key(remote_address), clock.now()
    window = timedelta(minutes=limit.window_minutes)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(VerificationThrottle)
        .values(address=address, window_start=now, lookups=0)
        .on_conflict_do_nothing(index_elements=["address"])
    )
    row = session.scalars(
        select(VerificationThrottle)
        .where(VerificationThrottle.address == address)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if row.window_start <= now - window:
        row.window_start, row.lookups = now, 0
    if row.lookups >= limit.lookups:
        left = row.window_start + window - now
        raise RateLimited("Too many look-ups", minutes=max(1, -(-int(left.total_seconds()) // 60)))
    row.lookups += 1
    stale = select(VerificationThrottle.id).where(VerificationThrottle.window_start <= now - window)
    ids = list(session.scalars(stale.limit(_PRUNE_BATCH).with_for_update(skip_locked=True)))
    if ids:
        session.execute(delete(VerificationThrottle).where(VerificationThrottle.id.in_(ids)))
    session.flush()


def verify_extract(
    session: Session, token: str, remote_address: str | None, clock: Clock, limit: LookupLimit
) -> VerifiedFile:
    """What the public page shows for a token: counted per address, ExtractNotFound unless the token
    is one of a live extract."""
    count_lookup(session, remote_address, clock, limit)
    extract = (
        session.scalar(select(RecordExtract).where(RecordExtract.token_hash == _hash(token)))
        if 0 < len(token) <= TOKEN_LENGTH
        else None
    )
    if extract is None or extract.revoked_at is not None:
        raise ExtractNotFound("No such extract")
    person = session.get_one(Person, extract.person_id)
    today = local_date(clock.now())
    records = session.scalars(
        select(TrainingRecord)
        .where(TrainingRecord.person_id == person.id, TrainingRecord.struck_at.is_(None))
        .order_by(TrainingRecord.end_date.desc(), TrainingRecord.id.desc())
    ).all()
    trainings = [
        VerifiedTraining(
            r.course,
            r.provider,
            r.start_date,
            r.end_date,
            r.hours,
            r.valid_until,
            None if r.valid_until is None else r.valid_until >= today,
        )
        for r in records
    ]
    return VerifiedFile(
        person.full_name, person.full_name_ru, trainings, sum(t.hours for t in trainings), today
    )
