"""The staff file written from the database: the people with a personnel number or IIN and their
current seats, in the import's columns, so that importing an export changes nothing. CSV (UTF-8
with a BOM and `;`, as Excel in Kazakh and Russian settings opens it) or XLSX; a template is the
header alone."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workflows.clock import Clock, today
from workflows.org.authority import require_administration
from workflows.org.history_import import TRAINING_ORDER
from workflows.org.import_units import UnitTree
from workflows.org.models import Person, RoleAssignment
from workflows.org.staff_rows import EXPORT_ORDER, LIST_SEPARATOR
from workflows.spreadsheets import xlsx

Rows = list[list[str]]


def export_staff(session: Session, actor_id: int | None, clock: Clock, locale: str = "kk") -> Rows:
    """The header and one row per person (unit names in `locale`)."""
    on = today(clock)
    if actor_id is not None:
        require_administration(session, actor_id, on)
    tree = UnitTree(session)
    seats: dict[int, list[str]] = {}
    current = or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to >= on)
    for seat in session.scalars(select(RoleAssignment).where(current).order_by(RoleAssignment.id)):
        unit = tree.units[seat.org_unit_id]
        where = unit.name(locale) if tree.unique_name(unit.id, locale) else tree.display(unit.id, locale)
        seats.setdefault(seat.person_id, []).append(f"{seat.role}@{where}")
    people = session.scalars(
        select(Person)
        .where(or_(Person.personnel_number.is_not(None), Person.iin.is_not(None)))
        .order_by(Person.id)
    )
    rows: Rows = [list(EXPORT_ORDER)]
    for person in people:
        values = {
            "personnel_number": person.personnel_number or "",
            "iin": person.iin or "",
            "last_name": person.last_name,
            "first_name": person.first_name,
            "patronymic": person.patronymic or "",
            "email": person.email or "",
            "language": person.locale,
            "position": person.position or "",
            "staff_category": person.staff_category.value,
            "unit_path": tree.display(person.org_unit_id, locale),
            "roles": f"{LIST_SEPARATOR} ".join(seats.get(person.id, [])),
            "employment_start": person.employment_start.isoformat() if person.employment_start else "",
            "disciplines": f"{LIST_SEPARATOR} ".join(person.disciplines or []),
            "left_on": person.left_on.isoformat() if person.left_on else "",
            "username": person.username,
        }
        rows.append([values[name] for name in EXPORT_ORDER])
    return rows


def template_rows(training: bool = False) -> Rows:
    """A template is the header alone (docs/import.md explains each column)."""
    if training:
        return [list(TRAINING_ORDER)]
    return [list(EXPORT_ORDER)]


def import_template(session: Session, actor_id: int, clock: Clock, training: bool = False) -> Rows:
    require_administration(session, actor_id, today(clock))
    return template_rows(training)


def csv_file(rows: Sequence[Sequence[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def xlsx_file(rows: Sequence[Sequence[str]], title: str = "staff") -> bytes:
    # Text cells throughout: an IIN or a personnel number keeps its leading zeros, and a name that
    # starts with "=" stays a name, never a formula.
    return xlsx(title, rows[0], rows[1:])
