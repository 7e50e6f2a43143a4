"""The university as the product sees it: org units, people, the roles they hold, and deputies."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.db import Base, states
from workflows.language import DEFAULT_LOCALE, pick
from workflows.org.roles import Role


class OrgUnit(Base):
    """University → institute/faculty → department; roles are held in a unit."""

    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))  # university, institute, faculty, department, office
    name_kk: Mapped[str] = mapped_column(String(300))
    name_ru: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id])

    @property
    def names(self) -> dict[str, str]:
        return {"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en}

    def name(self, locale: str) -> str:
        return pick(self.names, locale)


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(300))
    password_hash: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[str | None] = mapped_column(String(200))
    # ПОҚ teaching staff, researcher, ӘБП administrative, ОКП support (000 §5)
    staff_category: Mapped[str] = mapped_column(String(32), default="teaching")
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    locale: Mapped[str] = mapped_column(String(8), default=DEFAULT_LOCALE)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Written into the session at sign-in and compared on every request: raising it ends every
    # session of the person (signing out, a password change, "sign out everywhere").
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    org_unit: Mapped[OrgUnit] = relationship()


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
