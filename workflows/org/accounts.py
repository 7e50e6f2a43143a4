"""Sign-in accounts: password hashes, signing in (throttled where the failures come from, see
`throttle`), and the sessions a person has open.

A session carries the person's session generation from the moment they signed in; every request
compares it with the person's current one. Raising the generation ends every session opened
before: signing out, "sign out everywhere" (the person or an administrator) and a password change
(which then hands the session that asked for it the new generation).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.clock import Clock
from workflows.errors import Forbidden, NotFound
from workflows.language import supported
from workflows.org.directory import (
    DN_LENGTH,
    Directory,
    DirectoryUnavailable,
    directory_person,
    new_directory_person,
)
from workflows.org.models import Person
from workflows.org.roles import Role
from workflows.org.seats import has_role
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
log = logging.getLogger(__name__)


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


def find_person(session: Session, login: str) -> Person | None:
    """The active person a login names: their username, else their personnel number, else their
    email (any case). An email that several active people share names nobody."""
    typed = login.strip()
    if not typed or len(typed) > LOGIN_LENGTH:
        return None
    lowered = login_key(typed)
    active = Person.is_active.is_(True)
    by_name = session.scalar(select(Person).where(func.lower(Person.username) == lowered, active))
    if by_name is not None:
        return by_name
    by_number = session.scalar(select(Person).where(Person.personnel_number == typed, active))
    if by_number is not None:
        return by_number
    if "@" not in typed:
        return None
    by_email = list(
        session.scalars(select(Person).where(func.lower(Person.email) == lowered, active).limit(2))
    )
    return by_email[0] if len(by_email) == 1 else None


@dataclass(frozen=True)
class SignInResult:
    person_id: int | None
    session_generation: int = 0
    must_change_password: bool = False
    # Why a right password still opened nothing: "directory_unknown" (a directory account that is
    # nobody in the product).
    refusal: str | None = None

    @property
    def ok(self) -> bool:
        return self.person_id is not None


def _through_directory(
    session: Session, directory: Directory, username: str, password: str, clock: Clock
) -> tuple[SignInResult | None, bool]:
    """(the answer, whether the login is a directory account); no answer: check locally."""
    try:
        entry = directory.find(username)
    except DirectoryUnavailable:
        log.warning("the directory is unavailable; only local passwords are checked", exc_info=True)
        return None, False
    if entry is None:
        return None, False
    if not directory.verify(entry.dn, password):
        return None, True
    person = directory_person(session, entry) or new_directory_person(
        session, entry, directory.settings, clock
    )
    if person is None:
        return SignInResult(None, refusal="directory_unknown"), True
    person.directory_dn = entry.dn[:DN_LENGTH]
    return SignInResult(person.id, person.session_generation), True


def authenticate(
    session: Session,
    username: str,
    password: str,
    address: str | None,
    clock: Clock,
    policy: ThrottlePolicy,
    directory: Directory | None = None,
) -> SignInResult:
    """Check a password coming from `address`, with the directory first when there is one; the
    caller commits, so failures are counted even though sign-in fails. A wrong password, an unknown
    login and an attempt that has to wait are refused alike, after the same work."""
    now = clock.now()
    where, login = address_key(address), login_key(username)
    if waiting(session, where, login, now):
        verify_password(_DUMMY_HASH, password)
        return SignInResult(None)
    in_directory = False
    if directory is not None and len(username.strip()) <= LOGIN_LENGTH:
        answer, in_directory = _through_directory(session, directory, username, password, clock)
        if answer is not None:
            if answer.ok:
                forget_failures(session, where, login)
            session.flush()
            return answer
    person = find_person(session, username)
    local_allowed = directory is None or directory.settings.keep_local_passwords
    if person is not None and not local_allowed and (in_directory or person.directory_dn):
        person = None  # a directory account: its local password is not used
    known = person.password_hash if person is not None else None
    matches = verify_password(known or _DUMMY_HASH, password)  # one verification, whoever it is
    if matches and known and person is not None:
        forget_failures(session, where, login)
        session.flush()
        return SignInResult(person.id, person.session_generation, person.must_change_password)
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
    session_generation: int
    must_change_password: bool = False


def account(session: Session, person_id: int, session_generation: int) -> Account | None:
    """The active person's account while a session of this generation is open; None for an unknown
    or deactivated person and for a session that has been ended."""
    person = session.get(Person, person_id)
    if person is None or not person.is_active or person.session_generation != session_generation:
        return None
    return Account(
        person.id,
        person.username,
        person.full_name,
        person.locale,
        person.position,
        person.org_unit_id,
        person.session_generation,
        person.must_change_password,
    )


def is_admin(session: Session, person_id: int, clock: Clock) -> bool:
    return has_role(session, person_id, Role.ADMIN, local_date(clock.now()))


@dataclass(frozen=True)
class SessionsEnded:
    person_id: int
    full_name: str
    session_generation: int  # the generation a session opened from now on carries


def end_sessions(session: Session, person_id: int) -> int:
    """Raise the person's session generation (in one statement: two at once both count); returns
    the new one. Every session opened before is over."""
    generation = session.execute(
        update(Person)
        .where(Person.id == person_id)
        .values(session_generation=Person.session_generation + 1)
        .returning(Person.session_generation)
    ).scalar_one_or_none()
    if generation is None:
        raise NotFound("no such person", person_id=person_id)
    return int(generation)


def sign_out_everywhere(session: Session, actor_id: int, person_id: int, clock: Clock) -> SessionsEnded:
    """End every session of the person, on every device: the person themselves or an administrator."""
    if actor_id != person_id and not is_admin(session, actor_id, clock):
        raise Forbidden("only the person or an administrator ends their sessions", person_id=person_id)
    name = session.scalar(select(Person.full_name).where(Person.id == person_id))
    if name is None:
        raise NotFound("no such person", person_id=person_id)
    return SessionsEnded(person_id, name, end_sessions(session, person_id))


def set_language(session: Session, person_id: int, locale: str) -> None:
    """The language the person reads the product and their emails in (an unknown one is Kazakh)."""
    person = session.get(Person, person_id)
    if person is not None:
        person.locale = supported(locale)
        session.flush()
