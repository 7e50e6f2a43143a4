"""Reading the admin area's form fields: texts, dates and ids as typed, with a field error for each
value that cannot be read (the services check the rest)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from app.i18n import locale_code
from app.labels import role_label
from app.routing import database_id
from app.wording import field_error_text
from workflows.errors import FieldError, ValidationFailed, field_error
from workflows.language import pick
from workflows.org.people import PersonInput, PersonView
from workflows.org.units import KindOption, UnitNode

TEXT_LIMIT = 2000


class FormReader:
    """The fields of one form; `done()` raises the errors of values that could not be read."""

    def __init__(self, form: MultiDict[str, str]) -> None:
        self.form = form
        self.errors: list[FieldError] = []

    def text(self, name: str) -> str:
        return (self.form.get(name) or "")[:TEXT_LIMIT]

    def day(self, name: str) -> date | None:
        raw = self.text(name).strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.errors.append(field_error(name, "format_date"))
            return None

    def id(self, name: str) -> int | None:
        raw = self.text(name).strip()
        if not raw:
            return None
        value = database_id(raw)
        if value is None:
            self.errors.append(field_error(name, "enum"))
        return value

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def person_input(reader: FormReader) -> PersonInput:
    disciplines = [line.strip() for line in reader.text("disciplines").replace(";", "\n").splitlines()]
    return PersonInput(
        last_name=reader.text("last_name"),
        first_name=reader.text("first_name"),
        patronymic=reader.text("patronymic"),
        full_name_ru=reader.text("full_name_ru"),
        personnel_number=reader.text("personnel_number"),
        iin=reader.text("iin"),
        email=reader.text("email"),
        locale=reader.text("locale"),
        position=reader.text("position"),
        staff_category=reader.text("staff_category"),
        disciplines=[d for d in disciplines if d],
        employment_start=reader.day("employment_start"),
        org_unit_id=reader.id("org_unit_id"),
        username=reader.text("username"),
    )


def errors_by_field(errors: list[FieldError] | None) -> dict[str, str]:
    return {e.field: field_error_text(e) for e in errors or []}


def unit_choices(units: list[UnitNode]) -> list[tuple[int, str]]:
    """Units for a select, indented by depth, named in the reader's language."""
    locale = locale_code()
    return [(u.id, "— " * u.depth + pick(u.names, locale)) for u in units]


def kind_choices(kinds: list[KindOption]) -> list[tuple[str, str]]:
    locale = locale_code()
    return [(k.code, pick(k.names, locale)) for k in kinds]


def role_choices(roles: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(role, role_label(role)) for role in roles]


STAFF_CATEGORY_LABELS = {
    "teaching": _l("Teaching staff (ПОҚ / ППС)"),
    "research": _l("Research staff"),
    "administrative": _l("Administrative and managerial staff (ӘБП / АУП)"),
    "support": _l("Support staff (ОКП / УВП)"),
    "college_teaching": _l("College teaching staff"),
}


def staff_category_label(code: str) -> str:
    return str(STAFF_CATEGORY_LABELS.get(code, code))


def person_values(person: PersonView) -> dict[str, str]:
    """A person's fields as the edit form shows them."""
    data = person.as_input()
    return {
        **{name: "" if value is None else str(value) for name, value in data.__dict__.items()},
        "disciplines": "\n".join(data.disciplines),
        "employment_start": data.employment_start.isoformat() if data.employment_start else "",
    }
