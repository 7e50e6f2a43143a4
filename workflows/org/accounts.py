"""Sign-in accounts: password hashes and password sign-in with throttling (consecutive failures
lock the account for a while)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflows.clock import Clock
from workflows.language import supported
from workflows.org.models import Person

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


MAX_FAILURES = 5
LOCK_MINUTES = 15
# Verified against when the username is unknown, so that a miss costs as long as a wrong password.
_DUMMY_HASH = hash_password("not a password")


@dataclass(frozen=True)
class SignInResult:
    person_id: int | None
    locked_until: datetime | None = None  # set when sign-in is refused because of earlier failures

    @property
    def ok(self) -> bool:
        return self.person_id is not None


def authenticate(
    session: Session,
    username: str,
    password: str,
    clock: Clock,
    max_failures: int = MAX_FAILURES,
    lock_minutes: int = LOCK_MINUTES,
) -> SignInResult:
    """Check a password; the caller commits, so failures are counted even though sign-in fails."""
    now = clock.now()
    person = session.scalar(
        select(Person).where(func.lower(Person.username) == username.strip().lower()).with_for_update()
    )
    if person is None or not person.is_active:
        verify_password(_DUMMY_HASH, password)
        return SignInResult(None)
    if person.locked_until is not None:
        if person.locked_until > now:
            return SignInResult(None, person.locked_until)
        person.locked_until, person.failed_logins = None, 0
    if verify_password(person.password_hash, password):
        person.failed_logins, person.locked_until = 0, None
        session.flush()
        return SignInResult(person.id)
    person.failed_logins = (person.failed_logins or 0) + 1
    if person.failed_logins >= max_failures:
        person.locked_until = now + timedelta(minutes=lock_minutes)
    session.flush()
    return SignInResult(None, person.locked_until)


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
