"""The staff file's columns and what each row's text means: identifiers, names, the staff category,
the unit path, seats (`role@unit`), dates. Each value is checked on its own and against the other
rows of the file (duplicate numbers, IINs, logins); what needs the database is `staff_import`'s."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from workflows.language import LOCALES
from workflows.org.identifiers import is_valid_iin
from workflows.org.import_wording import RowProblem, row_problem
from workflows.org.models import StaffCategory
from workflows.org.roles import Role
from workflows.org.staff_file import Columns, header_key

STAFF_COLUMNS = Columns(
    aliases={
        "personnel_number": ("personnel number", "табельный номер", "таб номер", "табель нөмірі"),
        "iin": ("иин", "жсн"),
        "username": ("login", "логин"),
        "last_name": ("last name", "surname", "фамилия", "тегі"),
        "first_name": ("first name", "имя", "аты"),
        "patronymic": ("middle name", "отчество", "әкесінің аты"),
        "email": ("e-mail", "электронная почта", "эл почта", "электрондық пошта"),
        "language": ("язык", "тіл"),
        "position": ("должность", "лауазымы"),
        "staff_category": ("staff category", "category", "категория", "категория персонала", "санаты"),
        "unit_path": ("unit", "unit path", "подразделение", "бөлімше"),
        "roles": ("роли", "рөлдері", "рөлдер"),
        "employment_start": ("employment start", "дата приема", "жұмысқа қабылданған күні"),
        "disciplines": ("дисциплины", "пәндер"),
        "left_on": ("leaving date", "дата увольнения", "жұмыстан шыққан күні"),
    },
    required=("last_name", "first_name", "unit_path"),
)
# The columns an export writes, in this order (a template has the same header).
EXPORT_ORDER = (
    "personnel_number",
    "iin",
    "last_name",
    "first_name",
    "patronymic",
    "email",
    "language",
    "position",
    "staff_category",
    "unit_path",
    "roles",
    "employment_start",
    "disciplines",
    "left_on",
    "username",
)
PATH_SEPARATOR = " / "
LIST_SEPARATOR = ","
_CATEGORIES = {
    **{c.value: c for c in StaffCategory},
    "поқ": StaffCategory.TEACHING,
    "ппс": StaffCategory.TEACHING,
    "әбп": StaffCategory.ADMINISTRATIVE,
    "ауп": StaffCategory.ADMINISTRATIVE,
    "окп": StaffCategory.SUPPORT,
    "оқп": StaffCategory.SUPPORT,
    "увп": StaffCategory.SUPPORT,
    "college teaching": StaffCategory.COLLEGE_TEACHING,
}
SEAT_ROLES = frozenset(role.value for role in Role if role != Role.EMPLOYEE)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LIMITS = {
    "personnel_number": 32,
    "username": 100,
    "last_name": 100,
    "first_name": 100,
    "patronymic": 100,
    "email": 300,
    "position": 200,
}


@dataclass(frozen=True)
class SeatRef:
    role: str
    unit: tuple[str, ...] | None  # a path, or one name (one part); None: the person's own unit

    def text(self) -> str:
        return self.role if self.unit is None else f"{self.role}@{PATH_SEPARATOR.join(self.unit)}"


@dataclass
class StaffRow:
    """One data row's values; a column the file lacks leaves its field as None and is not changed."""

    number: int
    columns: frozenset[str]
    personnel_number: str | None = None
    iin: str | None = None
    username: str | None = None
    last_name: str = ""
    first_name: str = ""
    patronymic: str | None = None
    email: str | None = None
    locale: str | None = None
    position: str | None = None
    staff_category: StaffCategory | None = None
    unit_path: tuple[str, ...] = ()
    seats: list[SeatRef] = field(default_factory=list)
    employment_start: date | None = None
    disciplines: list[str] = field(default_factory=list)
    left_on: date | None = None


def parse_date(text: str) -> date | None:
    """ISO (2026-03-21) or dd.mm.yyyy; None when it is neither."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # a calendar date, no time
        except ValueError:
            continue
    return None


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


def split_path(text: str) -> tuple[str, ...] | None:
    """The parts of `A / B / C`; None when a part is empty."""
    parts = tuple(part.strip() for part in text.split("/"))
    return None if any(not part for part in parts) else parts


def parse_rows(
    rows: Iterable[tuple[int, dict[str, str]]], columns: list[str]
) -> tuple[list[StaffRow], list[RowProblem]]:
    """Each row's values, and every problem of a row on its own or against the other rows."""
    present = frozenset(columns)
    parsed: list[StaffRow] = []
    problems: list[RowProblem] = []
    seen: dict[str, dict[str, int]] = {"personnel_number": {}, "iin": {}, "username": {}}
    for number, values in rows:
        row, found = _parse_row(number, values, present)
        for name, code in (
            ("personnel_number", "duplicate_number"),
            ("iin", "duplicate_iin"),
            ("username", "duplicate_username"),
        ):
            value = getattr(row, name)
            if value is None:
                continue
            other = seen[name].setdefault(value.casefold() if name == "username" else value, number)
            if other != number:
                found.append(row_problem(number, name, code, value=value, other=other))
        problems += found
        parsed.append(row)
    return parsed, problems


def _parse_row(
    number: int, values: dict[str, str], present: frozenset[str]
) -> tuple[StaffRow, list[RowProblem]]:
    row = StaffRow(number, present)
    found: list[RowProblem] = []
    for name, limit in _LIMITS.items():
        if len(values.get(name, "")) > limit:
            found.append(row_problem(number, name, "too_long", max=limit))
            values = {**values, name: ""}
    row.personnel_number = values.get("personnel_number") or None
    row.username = values.get("username") or None
    row.last_name = values.get("last_name", "")
    row.first_name = values.get("first_name", "")
    if not row.first_name:
        found.append(row_problem(number, "first_name", "required"))
    row.patronymic = values.get("patronymic") or None
    row.position = values.get("position") or None
    row.iin = _iin(number, values.get("iin", ""), found)
    if row.personnel_number is None and row.iin is None and "iin" not in {p.column for p in found}:
        found.append(row_problem(number, "personnel_number", "no_identifier"))
    email = values.get("email", "")
    if email and not _EMAIL.fullmatch(email):
        found.append(row_problem(number, "email", "bad_email", value=email))
    row.email = email or None
    language = values.get("language", "").casefold()
    if language and language not in LOCALES:
        found.append(row_problem(number, "language", "unknown_language", value=values["language"]))
    row.locale = language or None
    category = values.get("staff_category", "")
    if category:
        row.staff_category = _CATEGORIES.get(header_key(category))
        if row.staff_category is None:
            found.append(row_problem(number, "staff_category", "unknown_category", value=category))
    path = values.get("unit_path", "")
    parts = split_path(path) if path else ()
    if parts is None:
        found.append(row_problem(number, "unit_path", "bad_path", value=path))
    row.unit_path = parts or ()
    row.seats = _seats(number, values.get("roles", ""), found)
    row.employment_start = _date(number, "employment_start", values, found)
    row.left_on = _date(number, "left_on", values, found)
    row.disciplines = split_list(values.get("disciplines", ""))
    return row, found


def _iin(number: int, text: str, found: list[RowProblem]) -> str | None:
    if not text:
        return None
    # A spreadsheet that took the IIN for a number dropped its leading zeros (born in 2000-2009).
    digits = text.zfill(12) if text.isascii() and text.isdigit() and 10 <= len(text) < 12 else text
    if not is_valid_iin(digits):
        found.append(row_problem(number, "iin", "bad_iin", value=text))
        return None
    return digits


def _date(number: int, name: str, values: dict[str, str], found: list[RowProblem]) -> date | None:
    text = values.get(name, "")
    if not text:
        return None
    value = parse_date(text)
    if value is None:
        found.append(row_problem(number, name, "bad_date", value=text))
    return value


def _seats(number: int, text: str, found: list[RowProblem]) -> list[SeatRef]:
    seats: list[SeatRef] = []
    for item in split_list(text):
        role, at, unit = item.partition("@")
        role = role.strip().casefold()
        if role not in SEAT_ROLES:
            found.append(row_problem(number, "roles", "unknown_role", value=role or item))
            continue
        if at and not unit.strip():
            found.append(row_problem(number, "roles", "role_format", value=item))
            continue
        parts = split_path(unit) if at else None
        if at and parts is None:
            found.append(row_problem(number, "roles", "bad_path", value=unit.strip()))
            continue
        seats.append(SeatRef(role, parts))
    return seats
