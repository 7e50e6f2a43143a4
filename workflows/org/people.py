"""People as HR keeps them: creating and editing a person (validated), reading one, and searching.

Administrators and HR write; a head reads the people of their units; everyone reads themselves
(`authority`). Deactivating on leaving is `leaving.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from workflows.clock import Clock, today
from workflows.errors import FieldError, Forbidden, NotFound, ValidationFailed, field_error
from workflows.language import LOCALES
from workflows.org.audit import Subject, changes, record_change
from workflows.org.authority import (
    administers,
    may_read_person,
    require_administration,
    require_reading_units,
)
from workflows.org.identifiers import is_valid_iin
from workflows.org.models import OrgUnit, Person, StaffCategory
from workflows.org.seats import descendants

STAFF_CATEGORIES: tuple[str, ...] = tuple(c.value for c in StaffCategory)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LIMITS = {"last_name": 100, "first_name": 100, "patronymic": 100, "full_name_ru": 300, "position": 200}
_LIMITS |= {"personnel_number": 32, "email": 300, "username": 100}
EDITABLE = (
    "last_name",
    "first_name",
    "patronymic",
    "full_name_ru",
    "personnel_number",
    "iin",
    "email",
    "locale",
    "position",
    "staff_category",
    "disciplines",
    "employment_start",
    "org_unit_id",
    "username",
)


@dataclass(frozen=True)
class PersonInput:
    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    full_name_ru: str = ""
    personnel_number: str = ""
    iin: str = ""
    email: str = ""
    locale: str = "kk"
    position: str = ""
    staff_category: str = StaffCategory.TEACHING.value
    disciplines: list[str] = field(default_factory=list)
    employment_start: date | None = None
    org_unit_id: int | None = None
    username: str = ""


@dataclass(frozen=True)
class PersonView:
    id: int
    full_name: str
    full_name_ru: str | None
    last_name: str
    first_name: str
    patronymic: str | None
    personnel_number: str | None
    iin: str | None
    email: str | None
    locale: str
    position: str | None
    staff_category: str
    disciplines: list[str]
    employment_start: date | None
    org_unit_id: int
    unit_names: dict[str, str]
    username: str
    is_active: bool
    left_on: date | None
    writable: bool  # the reader may edit, deactivate and give seats

    def as_input(self) -> PersonInput:
        """The person's editable fields, empty texts for missing ones."""
        values = {name: getattr(self, name) for name in EDITABLE}
        texts = {
            k: v or ""
            for k, v in values.items()
            if k not in ("disciplines", "employment_start", "org_unit_id")
        }
        return PersonInput(
            **texts,
            disciplines=list(self.disciplines),
            employment_start=self.employment_start,
            org_unit_id=self.org_unit_id,
        )


def full_name(first: str, patronymic: str, last: str) -> str:
    """How pages show a name (the Kazakh order): first, patronymic, last."""
    return " ".join(part for part in (first, patronymic, last) if part)


def _clean(data: PersonInput) -> dict[str, Any]:
    text = {name: str(getattr(data, name) or "").strip() for name in _LIMITS}
    text["iin"] = str(data.iin or "").strip()
    text["email"] = text["email"].lower()
    return {
        **text,
        "locale": data.locale,
        "staff_category": data.staff_category,
        "disciplines": [d.strip() for d in data.disciplines if d.strip()],
        "employment_start": data.employment_start,
        "org_unit_id": data.org_unit_id,
    }


def _taken(session: Session, column: Any, value: str, person_id: int | None) -> bool:
    query = select(func.count(Person.id)).where(column == value)
    if person_id is not None:
        query = query.where(Person.id != person_id)
    return bool(session.scalar(query))


def _validate(session: Session, values: dict[str, Any], person_id: int | None, unit_was: int | None) -> None:
    errors: list[FieldError] = []
    for name in ("last_name", "first_name"):
        if not values[name]:
            errors.append(field_error(name, "required"))
    for name, limit in _LIMITS.items():
        if len(values[name]) > limit:
            errors.append(field_error(name, "maxLength", limit=limit))
    if values["iin"] and not is_valid_iin(values["iin"]):
        errors.append(field_error("iin", "iin_checksum"))
    elif values["iin"] and _taken(session, Person.iin, values["iin"], person_id):
        errors.append(field_error("iin", "iin_taken"))
    number = values["personnel_number"]
    if number and _taken(session, Person.personnel_number, number, person_id):
        errors.append(field_error("personnel_number", "personnel_number_taken"))
    if values["email"] and not _EMAIL.fullmatch(values["email"]):
        errors.append(field_error("email", "email_form"))
    if values["locale"] not in LOCALES:
        errors.append(field_error("locale", "enum"))
    if values["staff_category"] not in STAFF_CATEGORIES:
        errors.append(field_error("staff_category", "enum"))
    unit = session.get(OrgUnit, values["org_unit_id"]) if values["org_unit_id"] is not None else None
    if unit is None:
        errors.append(field_error("org_unit_id", "required"))
    elif not unit.is_open and unit.id != unit_was:
        errors.append(field_error("org_unit_id", "unit_closed"))
    login = values["username"]
    if not login:
        errors.append(field_error("username", "no_login"))
    elif _taken(session, func.lower(Person.username), login.lower(), person_id):
        errors.append(field_error("username", "login_taken"))
    if errors:
        raise ValidationFailed(errors)


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    """The columns as stored: empty optional texts as NULL (unique columns allow many NULLs)."""
    stored = dict(values)
    for name in ("patronymic", "full_name_ru", "personnel_number", "iin", "email", "position"):
        stored[name] = stored[name] or None
    stored["full_name"] = full_name(values["first_name"], values["patronymic"], values["last_name"])
    return stored


def create_person(session: Session, actor_id: int | None, data: PersonInput, clock: Clock) -> int:
    """A new active person; the login defaults to the personnel number, else the email."""
    if actor_id is not None:
        require_administration(session, actor_id, today(clock))
    values = _clean(data)
    values["username"] = values["username"] or values["personnel_number"] or values["email"]
    _validate(session, values, None, None)
    person = Person(**_stored(values))
    session.add(person)
    session.flush()
    record_change(session, actor_id, "person_created", Subject.PERSON, person.id, clock, changes({}, values))
    return person.id


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("No such person", person_id=person_id)
    return person


def edit_person(
    session: Session, actor_id: int | None, person_id: int, data: PersonInput, clock: Clock
) -> None:
    if actor_id is not None:
        require_administration(session, actor_id, today(clock))
    person = _person(session, person_id)
    values = _clean(data)
    _validate(session, values, person.id, person.org_unit_id)
    stored = _stored(values)
    before = {name: getattr(person, name) for name in stored}
    for name, value in stored.items():
        setattr(person, name, value)
    diff = changes(before, stored)
    if diff:
        record_change(session, actor_id, "person_edited", Subject.PERSON, person.id, clock, diff)
    session.flush()


def person_view(session: Session, actor_id: int, person_id: int, on: date) -> PersonView:
    """The person as their page shows them; Forbidden for a reader who may not read them."""
    person = _person(session, person_id)
    if not may_read_person(session, actor_id, person.id, person.org_unit_id, on):
        raise Forbidden("This person is not open to you", person_id=person_id)
    return PersonView(
        person.id,
        person.full_name,
        person.full_name_ru,
        person.last_name,
        person.first_name,
        person.patronymic,
        person.personnel_number,
        person.iin,
        person.email,
        person.locale,
        person.position,
        person.staff_category,
        list(person.disciplines or []),
        person.employment_start,
        person.org_unit_id,
        person.org_unit.names,
        person.username,
        person.is_active,
        person.left_on,
        administers(session, actor_id, on),
    )


@dataclass(frozen=True)
class PeopleQuery:
    text: str = ""  # words of the name, an IIN or a personnel number
    unit_id: int | None = None  # the unit and those below it
    include_left: bool = False
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True)
class PersonLine:
    id: int
    full_name: str
    personnel_number: str | None
    iin: str | None
    position: str | None
    unit_names: dict[str, str]
    is_active: bool


@dataclass(frozen=True)
class PeoplePage:
    items: list[PersonLine]
    total: int
    page: int
    per_page: int
    writable: bool = False  # the reader adds and edits people

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _word(word: str) -> Any:
    """A word of a name in any of its usual cases (SQLite's lower() knows only ASCII letters)."""
    forms = {word, word.lower(), word.upper(), word.capitalize()}
    columns = (Person.full_name, Person.full_name_ru)
    return or_(*[c.like(_like(f), escape="\\") for f in sorted(forms) for c in columns])


def search_people(session: Session, actor_id: int, query: PeopleQuery, on: date) -> PeoplePage:
    """People by name words, IIN or personnel number, in a unit; within the reader's units."""
    within = require_reading_units(session, actor_id, on)
    conditions: list[Any] = [] if query.include_left else [Person.is_active.is_(True)]
    if within is not None:
        conditions.append(Person.org_unit_id.in_(within))
    if query.unit_id is not None:
        conditions.append(Person.org_unit_id.in_(descendants(session, {query.unit_id})))
    words = query.text.split()[:5]
    if len(words) == 1:  # a name, or an IIN, personnel number or login as typed
        number = words[0]
        conditions.append(
            or_(
                Person.iin == number,
                Person.personnel_number == number,
                _word(number),
                Person.username == number,
            )
        )
    elif words:
        conditions.append(and_(*[_word(w) for w in words]))
    base = select(Person, OrgUnit).join(OrgUnit, OrgUnit.id == Person.org_unit_id).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.order_by(None).subquery())) or 0
    page, per_page = min(max(1, query.page), 100_000), min(max(1, query.per_page), 100)
    rows = session.execute(
        base.order_by(Person.last_name, Person.first_name, Person.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    items = [
        PersonLine(p.id, p.full_name, p.personnel_number, p.iin, p.position, u.names, p.is_active)
        for p, u in rows
    ]
    return PeoplePage(items, total, page, per_page, within is None)
