"""The university as the product sees it: org units, people, the roles they hold, and deputies."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.db import Base, states
from workflows.language import DEFAULT_LOCALE, pick
from workflows.org.roles import Role


class StaffCategory(StrEnum):
    """The staff categories of 000 §5 and 001 §4: what periodicity and planning are decided by."""

    TEACHING = "teaching"  # ПОҚ / ППС
    RESEARCH = "research"
    ADMINISTRATIVE = "administrative"  # ӘБП / АУП
    SUPPORT = "support"  # ОКП / УВП
    COLLEGE_TEACHING = "college_teaching"


class TokenPurpose(StrEnum):
    INVITATION = "invitation"  # a first sign-in: the person sets a password
    PASSWORD_RESET = "password_reset"


class UnitKind(Base):
    """Reference data: the kinds of org unit an institution has (university, institute, faculty,
    directorate, department, office, centre, college, ...), with their names."""

    __tablename__ = "unit_kind"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_kk: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(default=0)

    @property
    def names(self) -> dict[str, str]:
        return {"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en}

    def name(self, locale: str) -> str:
        return pick(self.names, locale)


class OrgUnit(Base):
    """University → institute/faculty → department; roles are held in a unit. A closed unit keeps
    its history (cases, people who were in it) but takes no new people, seats or tasks."""

    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(ForeignKey("unit_kind.code"))
    name_kk: Mapped[str] = mapped_column(String(300))
    name_ru: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    closed_on: Mapped[date | None]

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id])

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def names(self) -> dict[str, str]:
        return {"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en}

    def name(self, locale: str) -> str:
        return pick(self.names, locale)


class Person(Base):
    """A member of staff. `full_name` is how pages show the name (Kazakh spelling, "first
    patronymic last"); the parts keep it sortable and let an import file round-trip."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(300))
    full_name_ru: Mapped[str | None] = mapped_column(String(300))
    last_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    first_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    patronymic: Mapped[str | None] = mapped_column(String(100))
    # The HR system's number, and the 12-digit individual identification number (ЖСН / ИИН).
    personnel_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    iin: Mapped[str | None] = mapped_column(String(12), unique=True)
    email: Mapped[str | None] = mapped_column(String(300))
    password_hash: Mapped[str | None] = mapped_column(String(300))
    # A temporary password set by an administrator: the next sign-in must replace it.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The directory entry (LDAP/Active Directory) the person last signed in through: a directory
    # account, whose local password is not used while a directory is configured.
    directory_dn: Mapped[str | None] = mapped_column(String(500))
    position: Mapped[str | None] = mapped_column(String(200))
    staff_category: Mapped[StaffCategory] = mapped_column(
        states(StaffCategory, "staff_category", 32), default=StaffCategory.TEACHING
    )
    disciplines: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    employment_start: Mapped[date | None]
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    locale: Mapped[str] = mapped_column(String(8), default=DEFAULT_LOCALE)
    is_active: Mapped[bool] = mapped_column(default=True)
    left_on: Mapped[date | None]  # the leaving date of a deactivated person
    # Notice kinds the person does not want by email ({kind: false}); the inbox shows them all.
    email_notices: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    # Written into the session at sign-in and compared on every request: raising it ends every
    # session of the person (signing out, a password change, "sign out everywhere").
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    org_unit: Mapped[OrgUnit] = relationship()

    def name(self, locale: str) -> str:
        """The full name as a reader of `locale` expects it (the Russian spelling where there is one)."""
        return self.full_name_ru if locale == "ru" and self.full_name_ru else self.full_name


class RoleAssignment(Base):
    """A person holds a role in an org unit for a period (open-ended when valid_to is empty)."""

    __tablename__ = "role_assignment"
    __table_args__ = (Index("ix_role_assignment_role_unit", "role", "org_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[Role] = mapped_column(states(Role, "role", 64))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]

    person: Mapped[Person] = relationship()
    org_unit: Mapped[OrgUnit] = relationship()


class Delegation(Base):
    """While away, a person's seats are also acted on by a deputy."""

    __tablename__ = "delegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    to_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    valid_from: Mapped[date]
    valid_to: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime | None]


class AccountToken(Base):
    """A one-time link sent by email: an invitation to set a first password, or a password reset.
    Only the token's hash is stored; it is used once and expires."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(states(TokenPurpose, "purpose", 32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who changed what in the organisation's data, and when: units, people, seats, deputies,
    accounts, reassigned tasks, imports. Append-only; `data` holds the fields before and after."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_subject", "subject_kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))  # empty: the command line
    action: Mapped[str] = mapped_column(String(64))
    subject_kind: Mapped[str] = mapped_column(String(32))  # unit, person, seat, delegation, task, import
    subject_id: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]]


class SignInThrottle(Base):
    """Failed sign-ins from one network address: at one login (`login`), or at any login (`login`
    empty). A count past its limit makes that login, or the whole address, wait until `blocked_until`."""

    __tablename__ = "sign_in_throttle"
    __table_args__ = (UniqueConstraint("address", "login"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    login: Mapped[str] = mapped_column(String(100))
    failures: Mapped[int]
    last_failure_at: Mapped[datetime] = mapped_column(index=True)
    blocked_until: Mapped[datetime | None]
