"""Signing in through the university's directory (LDAP or Active Directory, with ldap3).

The directory is asked first, when one is configured: a service account (or an anonymous bind)
searches the entry the login names with the configured filter, and a bind as that entry checks the
password. The entry maps to an existing person by its personnel number attribute, else by its email
(one active person only); a directory account that maps to nobody is refused with its own answer
and no person is created. A person who has signed in through the directory is marked so
(`Person.directory_dn`): while a directory is configured, their local password is not used unless
the configuration keeps local passwords for directory accounts.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from ldap3 import NONE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflows.clock import Clock
from workflows.org.audit import Subject, record_change
from workflows.org.models import OrgUnit, Person

log = logging.getLogger(__name__)
LOGIN_LENGTH, DN_LENGTH = 100, 500


@dataclass(frozen=True)
class DirectorySettings:
    url: str  # ldap://host:389 or ldaps://host:636
    base_dn: str
    user_filter: str  # with {login} where the typed login goes, e.g. (|(uid={login})(mail={login}))
    number_attribute: str | None  # the attribute holding the personnel number, e.g. employeeNumber
    email_attribute: str | None  # e.g. mail
    bind_dn: str | None = None  # the service account that searches; anonymous when empty
    bind_password: str | None = None
    start_tls: bool = False  # upgrade an ldap:// connection with StartTLS
    ca_file: str | None = None  # the certificate authority for TLS; the system's when empty
    timeout_seconds: int = 5
    keep_local_passwords: bool = False  # directory accounts may also use a local password
    # Where a directory account that is nobody here becomes a new person (a unit's code); never
    # when empty. The new person's login and name come from these attributes.
    new_people_unit: str | None = None
    login_attribute: str | None = "uid"
    name_attribute: str | None = "cn"


@dataclass(frozen=True)
class DirectoryEntry:
    dn: str
    personnel_number: str | None
    email: str | None
    login: str | None = None
    name: str | None = None


class DirectoryUnavailable(Exception):
    """The directory did not answer (or refused the service account)."""


def _first(entry: Any, attribute: str | None) -> str | None:
    if not attribute or attribute not in entry.entry_attributes:
        return None
    values = entry[attribute].values
    return str(values[0]).strip() or None if values else None


class Directory:
    def __init__(self, settings: DirectorySettings) -> None:
        self.settings = settings
        tls = None
        if settings.url.startswith("ldaps://") or settings.start_tls:
            tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=settings.ca_file)
        self._server = Server(settings.url, get_info=NONE, tls=tls, connect_timeout=settings.timeout_seconds)

    @contextmanager
    def _bound(self, user: str | None, password: str | None) -> Iterator[tuple[Connection, bool]]:
        """A connection bound as `user` (anonymous without one), and whether the bind succeeded.
        It is closed afterwards, however it went."""
        connection = Connection(
            self._server, user=user, password=password, receive_timeout=self.settings.timeout_seconds
        )
        try:
            if self.settings.start_tls and not self.settings.url.startswith("ldaps://"):
                connection.open()
                connection.start_tls()
            yield connection, bool(connection.bind())
        finally:
            _close(connection)

    def find(self, login: str) -> DirectoryEntry | None:
        """The one entry the login names; None for no entry or several."""
        typed = login.strip()
        if not typed:
            return None
        query = self.settings.user_filter.replace("{login}", escape_filter_chars(typed))
        wanted = (
            self.settings.number_attribute,
            self.settings.email_attribute,
            self.settings.login_attribute,
            self.settings.name_attribute,
        )
        attributes = sorted({a for a in wanted if a})
        try:
            with self._bound(self.settings.bind_dn, self.settings.bind_password) as (connection, bound):
                if not bound:
                    raise DirectoryUnavailable(f"the service account was refused: {connection.result}")
                connection.search(self.settings.base_dn, query, SUBTREE, attributes=attributes, size_limit=2)
                entries = list(connection.entries)
        except LDAPException as exc:
            raise DirectoryUnavailable(str(exc)) from exc
        if len(entries) != 1:
            return None
        entry = entries[0]
        return DirectoryEntry(
            entry.entry_dn,
            _first(entry, self.settings.number_attribute),
            _first(entry, self.settings.email_attribute),
            _first(entry, self.settings.login_attribute),
            _first(entry, self.settings.name_attribute),
        )

    def verify(self, dn: str, password: str) -> bool:
        """Whether the directory takes the password for the entry (a bind as the entry)."""
        if not password:  # an empty password is an anonymous bind, which "succeeds": never that
            return False
        try:
            with self._bound(dn, password) as (_connection, bound):
                return bound
        except LDAPException:
            log.warning("the directory could not check a password", exc_info=True)
            return False


def _close(connection: Connection) -> None:
    with suppress(LDAPException):
        connection.unbind()
    socket = getattr(connection, "socket", None)
    if socket is not None:  # ldap3 leaves the socket of a failed connect open
        socket.close()


def directory_person(session: Session, entry: DirectoryEntry) -> Person | None:
    """The active person a directory entry is: the same personnel number, else the same email
    (shared by no other active person)."""
    active = Person.is_active.is_(True)
    if entry.personnel_number:
        found = session.scalar(
            select(Person).where(Person.personnel_number == entry.personnel_number, active)
        )
        if found is not None:
            return found
    if entry.email:
        people = list(
            session.scalars(
                select(Person).where(func.lower(Person.email) == entry.email.lower(), active).limit(2)
            )
        )
        if len(people) == 1:
            return people[0]
    return None


def new_directory_person(
    session: Session, entry: DirectoryEntry, settings: DirectorySettings, clock: Clock
) -> Person | None:
    """A person for a directory account that is nobody here, where the configuration asks for one:
    in the configured unit, with the entry's login, name, personnel number and email (HR completes
    the rest). None when not configured, or when the unit or the login cannot take them."""
    if not settings.new_people_unit or not entry.login or not (entry.personnel_number or entry.email):
        return None
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == settings.new_people_unit))
    login = entry.login[:LOGIN_LENGTH]
    taken = session.scalar(select(Person.id).where(func.lower(Person.username) == login.lower()))
    number_taken = entry.personnel_number and session.scalar(
        select(Person.id).where(Person.personnel_number == entry.personnel_number)
    )
    if unit is None or not unit.is_open or taken is not None or number_taken:
        return None
    person = Person(
        username=login,
        full_name=(entry.name or login)[:300],
        personnel_number=entry.personnel_number,
        email=entry.email,
        org_unit_id=unit.id,
        directory_dn=entry.dn[:DN_LENGTH],
    )
    session.add(person)
    session.flush()
    record_change(
        session,
        None,
        "person_created_from_directory",
        Subject.PERSON,
        person.id,
        clock,
        {"directory_dn": entry.dn, "unit": unit.code},
    )
    return person
