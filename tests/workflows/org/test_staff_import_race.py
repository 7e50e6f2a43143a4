"""Two imports at once, on real threads and committed sessions: one waits for the other (or is
refused), and neither is ever half applied."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import Demo
from tests.staff_files import csv_bytes, iins, staff_row
from tests.workflows.cases.test_concurrency import _race
from workflows.clock import FrozenClock
from workflows.errors import NotAllowedNow
from workflows.org.models import AuditEntry, Person
from workflows.org.staff_import import apply_staff
from workflows.org.staff_plan import ImportFile

LIMIT = 5 * 1024 * 1024
PEOPLE = 300


def _importer(
    factory: sessionmaker[Session], actor: int, data: bytes, clock: FrozenClock
) -> Callable[[], None]:
    def act() -> None:
        with factory() as session:
            apply_staff(session, actor, ImportFile(data, LIMIT, name="race.csv"), clock)
            session.commit()

    return act


def test_two_imports_at_once_are_applied_one_after_the_other(
    committed_factory: sessionmaker[Session], demo: Demo, clock: FrozenClock
) -> None:
    codes = list(iins())[:PEOPLE]
    files = [
        csv_bytes([staff_row(f"R{i:04d}", iin, position=position) for i, iin in enumerate(codes)])
        for position in ("Аға оқытушы", "Профессор")
    ]
    outcomes = _race([_importer(committed_factory, demo["hr"], data, clock) for data in files])
    assert all(o is None or (isinstance(o, NotAllowedNow) and o.code == "import_busy") for o in outcomes)
    with committed_factory() as s:
        positions = dict(
            s.execute(
                select(Person.position, func.count())
                .where(Person.personnel_number.like("R%"))
                .group_by(Person.position)
            ).all()
        )
        imports = s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "staff_imported", AuditEntry.comment == "race.csv")
        )
    assert len(positions) == 1 and sum(positions.values()) == PEOPLE  # all of one file, none of a mix
    assert imports == sum(1 for o in outcomes if o is None) >= 1


def test_the_same_file_twice_at_once_adds_each_person_once(
    committed_factory: sessionmaker[Session], demo: Demo, clock: FrozenClock
) -> None:
    data = csv_bytes([staff_row(f"S{i:04d}", iin) for i, iin in enumerate(list(iins("9001013"))[:PEOPLE])])
    outcomes = _race([_importer(committed_factory, demo["hr"], data, clock) for _ in range(2)])
    assert all(o is None or (isinstance(o, NotAllowedNow) and o.code == "import_busy") for o in outcomes)
    with committed_factory() as s:
        added = s.scalar(select(func.count()).select_from(Person).where(Person.personnel_number.like("S%")))
        entries = s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "person_imported", AuditEntry.comment == "race.csv")
        )
    assert (added, entries) == (PEOPLE, PEOPLE)
