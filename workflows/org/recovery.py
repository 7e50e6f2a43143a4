"""One-time account links: an invitation to set a first password, and a password reset.

A link carries a random token; only its SHA-256 is stored (`account_token`), so the table alone
opens nothing. A token is used once and expires. Using one sets the password with the usual rules,
ends every session the person had open and uses up every other open link of theirs.

A reset is asked for by login (username, personnel number or email) and answered the same whether
the login exists or not; the request is counted like a failed sign-in from its address (so a
flood of them waits like guessing does), and a person gets at most a few reset emails an hour.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from workflows.clock import Clock
from workflows.errors import NotAllowedNow, ValidationFailed, field_error
from workflows.messaging.notices import queue_account_email
from workflows.org.accounts import end_sessions, find_person, hash_password
from workflows.org.audit import Subject, record_change
from workflows.org.models import AccountToken, Person, TokenPurpose
from workflows.org.passwords import PasswordPolicy, new_password_errors
from workflows.org.throttle import ThrottlePolicy, address_key, record_failure, waiting

# The throttle's login under which reset requests from one address are counted.
RESET_REQUESTS = "\treset"
TOKEN_LENGTH = 200  # longer is no token of ours (and is not hashed)


@dataclass(frozen=True)
class LinkPolicy:
    invitation_days: int  # how long an invitation link stays valid
    reset_minutes: int  # how long a password-reset link stays valid
    resets_per_hour: int  # reset emails one person gets at most in an hour


@dataclass(frozen=True)
class IssuedLink:
    person_id: int
    purpose: str
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_link(
    session: Session,
    person: Person,
    purpose: TokenPurpose,
    lifetime: timedelta,
    actor_id: int | None,
    clock: Clock,
) -> IssuedLink:
    """A new one-time link for the person, emailed in their language by the worker."""
    now = clock.now()
    token = secrets.token_urlsafe(32)
    expires = now + lifetime
    session.add(
        AccountToken(
            person_id=person.id,
            purpose=purpose,
            token_hash=token_hash(token),
            created_at=now,
            created_by_id=actor_id,
            expires_at=expires,
        )
    )
    queue_account_email(session, person.id, purpose.value, token, expires, clock)
    session.flush()
    return IssuedLink(person.id, purpose.value, expires)


def _open_token(session: Session, token: str, clock: Clock) -> AccountToken | None:
    if not token or len(token) > TOKEN_LENGTH:
        return None
    found = session.scalar(select(AccountToken).where(AccountToken.token_hash == token_hash(token)))
    if found is None or found.used_at is not None or found.expires_at <= clock.now():
        return None
    return found


@dataclass(frozen=True)
class LinkHolder:
    """Whom an open link is for, as its page greets them."""

    purpose: str
    full_name: str
    username: str
    personnel_number: str | None
    expires_at: datetime


def link_holder(session: Session, token: str, clock: Clock) -> LinkHolder:
    """The person an open link belongs to; a used, expired or unknown link is refused alike."""
    found = _open_token(session, token, clock)
    person = session.get(Person, found.person_id) if found is not None else None
    if found is None or person is None or not person.is_active:
        raise NotAllowedNow("link_invalid", "the link is used, expired or unknown")
    return LinkHolder(
        found.purpose, person.full_name, person.username, person.personnel_number, found.expires_at
    )


@dataclass(frozen=True)
class PasswordSet:
    person_id: int
    username: str
    purpose: str


def redeem_link(
    session: Session, token: str, new: str, repeated: str, policy: PasswordPolicy, clock: Clock
) -> PasswordSet:
    """Set the password through an open link: the link and the person's other open links are used
    up, every session of the person ends, and a temporary password no longer has to be changed."""
    holder = link_holder(session, token, clock)  # refuses a link that is not open
    errors = new_password_errors(new, repeated, policy)
    if errors:
        raise ValidationFailed(errors)
    found = _open_token(session, token, clock)
    if found is None:  # link_holder has just found it open
        raise NotAllowedNow("link_invalid", "the link is used, expired or unknown")
    now = clock.now()
    # One statement decides who used it: of two submissions at once only one matches the row.
    used = session.execute(
        update(AccountToken)
        .where(AccountToken.id == found.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise NotAllowedNow("link_invalid", "the link was used a moment ago")
    person = session.get(Person, found.person_id)
    assert person is not None  # link_holder found them
    session.execute(
        update(AccountToken)
        .where(AccountToken.person_id == person.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    person.password_hash = hash_password(new)
    person.must_change_password = False
    session.flush()
    end_sessions(session, person.id)
    action = "invitation_accepted" if holder.purpose == TokenPurpose.INVITATION else "password_reset"
    record_change(session, person.id, action, Subject.ACCOUNT, person.id, clock)
    session.flush()
    return PasswordSet(person.id, person.username, holder.purpose)


def request_password_reset(
    session: Session,
    login: str,
    address: str | None,
    clock: Clock,
    links: LinkPolicy,
    throttle: ThrottlePolicy,
) -> None:
    """Email a reset link to the active person the login names, if there is one and they have an
    email; the caller answers the same in every case. The request counts against its address."""
    if not login.strip():
        raise ValidationFailed([field_error("login", "required")])
    now = clock.now()
    where = address_key(address)
    if waiting(session, where, RESET_REQUESTS, now):
        return
    record_failure(session, where, RESET_REQUESTS, now, throttle)
    person = find_person(session, login)
    if person is None or not person.email:
        return
    recent = session.scalar(
        select(func.count(AccountToken.id)).where(
            AccountToken.person_id == person.id,
            AccountToken.purpose == TokenPurpose.PASSWORD_RESET,
            AccountToken.created_at > now - timedelta(hours=1),
        )
    )
    if (recent or 0) >= links.resets_per_hour:
        return
    issue_link(
        session, person, TokenPurpose.PASSWORD_RESET, timedelta(minutes=links.reset_minutes), None, clock
    )
    # Whoever typed the login asked on the person's behalf: the entry says from where.
    record_change(
        session, person.id, "password_reset_requested", Subject.ACCOUNT, person.id, clock, {"address": where}
    )
    session.flush()
