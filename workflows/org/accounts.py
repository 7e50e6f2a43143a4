"""Sign-in accounts: password hashes, and signing in (throttled where the failures come from, see
`throttle`)."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflows.clock import Clock
from workflows.language import supported
from workflows.org.models import Person
from workflows.org.throttle import (
    LOGIN_LENGTH,
    ThrottlePolicy,
    address_key,
    forget_failures,
    login_key,
    record_failure,
    waiting,
)

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verified against when there is no password to check (an unknown login, a deactivated person, an
# attempt that has to wait), so that every refusal costs as long as a wrong password.
_DUMMY_HASH = hash_password("not a password")


@dataclass(frozen=True)
class SignInResult:
    person_id: int | None

    @property
    def ok(self) -> bool:
        return self.person_id is not None


def authenticate(
    session: Session, username: str, password: str, address: str | None, clock: Clock, policy: ThrottlePolicy
) -> SignInResult:
    """Check a password coming from `address`; the caller commits, so failures are counted even
    though sign-in fails. A wrong password, an unknown login and an attempt that has to wait are
    refused alike, after the same work."""
    now = clock.now()
    where, login = address_key(address), login_key(username)
    if waiting(session, where, login, now):
        verify_password(_DUMMY_HASH, password)
        return SignInResult(None)
    person = None
    if len(username.strip()) <= LOGIN_LENGTH:
        person = session.scalar(select(Person).where(func.lower(Person.username) == login))
    known = person.password_hash if person is not None and person.is_active else None
    if verify_password(known or _DUMMY_HASH, password) and known and person is not None:
        forget_failures(session, where, login)
        session.flush()
        return SignInResult(person.id)
    record_failure(session, where, login, now, policy)
    return SignInResult(None)


@dataclass(frozen=True)
class Account:
    """Who is signed in, as the web app keeps them for a request."""

    id: int
    username: str
    full_name: str
    locale: str
    position: str | None
    org_unit_id: int


def account(session: Session, person_id: int) -> Account | None:
    """The active person's account; None for an unknown or deactivated one."""
    person = session.get(Person, person_id)
    if person is None or not person.is_active:
        return None
    return Account(
        person.id, person.username, person.full_name, person.locale, person.position, person.org_unit_id
    )


def set_language(session: Session, person_id: int, locale: str) -> None:
    """The language the person reads the product and their emails in (an unknown one is Kazakh)."""
    person = session.get(Person, person_id)
    if person is not None:
        person.locale = supported(locale)
        session.flush()
