"""A small demo university: an institute, two departments and one person for each role. Its data are
files (`demo_data/units.csv`, the org structure; `demo_data/staff.csv`, the people in the staff
import's format), and the people come in through the staff import, as a real university's do."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.clock import FrozenClock
from workflows.org.accounts import hash_password
from workflows.org.models import OrgUnit, Person
from workflows.org.staff_import import apply_staff
from workflows.org.staff_plan import ImportFile

DEMO_PASSWORD = "demo"
DATA = Path(__file__).with_name("demo_data")
UNITS_FILE = DATA / "units.csv"
STAFF_FILE = DATA / "staff.csv"
# The demo's seats begin here (the import dates new seats by its clock), well before any test's dates.
DEMO_EPOCH = FrozenClock(datetime.fromisoformat("2020-01-01T00:00:00+05:00"))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def load_demo(session: Session, password: str = DEMO_PASSWORD) -> int:
    """Create the demo university if it is not there yet; returns how many people were added."""
    units: dict[str, OrgUnit] = {u.code: u for u in session.scalars(select(OrgUnit))}
    for row in _rows(UNITS_FILE):
        if row["code"] not in units:
            unit = OrgUnit(
                code=row["code"],
                parent=units[row["parent"]] if row["parent"] else None,
                kind=row["kind"],
                name_kk=row["name_kk"],
                name_ru=row["name_ru"],
                name_en=row["name_en"],
            )
            session.add(unit)
            units[row["code"]] = unit
    session.flush()
    _number_earlier_demo_people(session)
    done = apply_staff(
        session, None, ImportFile(STAFF_FILE.read_bytes(), 1024 * 1024, name="demo_staff.csv"), DEMO_EPOCH
    )
    hashed = hash_password(password)
    for person in session.scalars(
        select(Person).where(Person.password_hash.is_(None), Person.username.in_(_logins()))
    ):
        person.password_hash = hashed
    session.flush()
    return done.added


def _logins() -> list[str]:
    return [row["username"] for row in _rows(STAFF_FILE)]


def _number_earlier_demo_people(session: Session) -> None:
    """Demo people made before the demo was a staff file have no personnel number: give them theirs,
    so that the import finds them instead of refusing their logins as taken."""
    numbers = {row["username"]: row["personnel_number"] for row in _rows(STAFF_FILE)}
    for person in session.scalars(
        select(Person).where(Person.personnel_number.is_(None), Person.username.in_(list(numbers)))
    ):
        person.personnel_number = numbers[person.username]
    session.flush()


def demo_accounts(session: Session) -> list[tuple[str, str, str | None]]:
    """(login, full name, role) of the demo people present, for the demo's sign-in page."""
    names = {username: name for username, name in session.execute(select(Person.username, Person.full_name))}
    return [
        (row["username"], names[row["username"]], row["roles"] or None)
        for row in _rows(STAFF_FILE)
        if row["username"] in names
    ]
