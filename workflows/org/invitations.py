"""Accounts for people HR has loaded: an administrator or HR officer sends an invitation (an email
with a one-time link to set a first password) or sets a temporary password, which the person must
replace at their next sign-in before anything else opens. Both are in the audit log."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.clock import Clock
from workflows.errors import NotAllowedNow, NotFound
from workflows.org.accounts import end_sessions, hash_password
from workflows.org.audit import Subject, record_change
from workflows.org.authority import require_administration
from workflows.org.models import AccountToken, Person, TokenPurpose
from workflows.org.passwords import PasswordPolicy, common_passwords
from workflows.org.recovery import IssuedLink, LinkPolicy, issue_link

# Letters and digits nobody mistakes for one another when reading them out (no 0/O, 1/l/I).
READABLE = "abcdefghjkmnpqrstuvwxyz23456789"
GROUP = 4


@dataclass(frozen=True)
class OpenLink:
    purpose: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class AccountState:
    """A person's account as the administrator's page shows it."""

    person_id: int
    full_name: str
    username: str
    personnel_number: str | None
    email: str | None
    is_active: bool
    has_password: bool
    must_change_password: bool
    open_links: list[OpenLink]
    directory_dn: str | None = None  # signs in through the university's directory


def _person(session: Session, actor_id: int, person_id: int, clock: Clock) -> Person:
    require_administration(session, actor_id, local_date(clock.now()))
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("no such person", person_id=person_id)
    return person


def account_state(session: Session, actor_id: int, person_id: int, clock: Clock) -> AccountState:
    person = _person(session, actor_id, person_id, clock)
    links = session.scalars(
        select(AccountToken)
        .where(
            AccountToken.person_id == person.id,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > clock.now(),
        )
        .order_by(AccountToken.created_at.desc())
    )
    return AccountState(
        person.id,
        person.full_name,
        person.username,
        person.personnel_number,
        person.email,
        person.is_active,
        bool(person.password_hash),
        person.must_change_password,
        [OpenLink(link.purpose, link.created_at, link.expires_at) for link in links],
        person.directory_dn,
    )


def _revoke_links(session: Session, person_id: int, clock: Clock) -> None:
    """Only the newest link counts: earlier ones the person was sent open nothing any more."""
    session.execute(
        update(AccountToken)
        .where(AccountToken.person_id == person_id, AccountToken.used_at.is_(None))
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )


def send_invitation(
    session: Session, actor_id: int, person_id: int, clock: Clock, links: LinkPolicy
) -> IssuedLink:
    """Email the person a link to set their password, valid for the configured number of days."""
    person = _person(session, actor_id, person_id, clock)
    if not person.is_active:
        raise NotAllowedNow("person_inactive", "the person has left", person_id=person_id)
    if not person.email:
        raise NotAllowedNow("person_no_email", "the person has no email address", person_id=person_id)
    _revoke_links(session, person.id, clock)
    issued = issue_link(
        session, person, TokenPurpose.INVITATION, timedelta(days=links.invitation_days), actor_id, clock
    )
    record_change(
        session,
        actor_id,
        "invitation_sent",
        Subject.ACCOUNT,
        person.id,
        clock,
        {"email": person.email, "expires_at": issued.expires_at.isoformat()},
    )
    session.flush()
    return issued


@dataclass(frozen=True)
class TemporaryPassword:
    person_id: int
    full_name: str
    username: str
    password: str  # shown to the administrator once; only its hash is kept


def temporary_password(length: int) -> str:
    """A random password in groups of four readable characters, at least `length` long."""
    while True:
        groups = -(-max(length, 12) // GROUP)
        chars = "".join(secrets.choice(READABLE) for _ in range(groups * GROUP))
        password = "-".join(chars[i : i + GROUP] for i in range(0, len(chars), GROUP))
        if password not in common_passwords():
            return password


def set_temporary_password(
    session: Session, actor_id: int, person_id: int, clock: Clock, policy: PasswordPolicy
) -> TemporaryPassword:
    """Give the person a new random password that their next sign-in must replace. Their sessions
    end and the links they were sent open nothing any more."""
    person = _person(session, actor_id, person_id, clock)
    if not person.is_active:
        raise NotAllowedNow("person_inactive", "the person has left", person_id=person_id)
    password = temporary_password(policy.min_length)
    person.password_hash = hash_password(password)
    person.must_change_password = True
    _revoke_links(session, person.id, clock)
    session.flush()
    end_sessions(session, person.id)
    record_change(session, actor_id, "temporary_password_set", Subject.ACCOUNT, person.id, clock)
    session.flush()
    return TemporaryPassword(person.id, person.full_name, person.username, password)
