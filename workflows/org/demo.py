"""A small demo university: an institute, two departments and one person for each role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.org.accounts import hash_password
from workflows.org.models import OrgUnit, Person, RoleAssignment

DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    position: str
    unit: str
    role: str | None
    staff_category: str = "administrative"


UNITS = [
    # code, parent, kind, kk, ru, en
    ("uni", None, "university", "Демо университеті", "Демо-университет", "Demo University"),
    ("eng", "uni", "institute", "Инженерия институты", "Инженерный институт", "Institute of Engineering"),
    (
        "cs",
        "eng",
        "department",
        "Информатика кафедрасы",
        "Кафедра информатики",
        "Department of Computer Science",
    ),
    ("math", "eng", "department", "Математика кафедрасы", "Кафедра математики", "Department of Mathematics"),
]

PEOPLE = [
    DemoPerson("teacher", "Айгүл Серікқызы Нұрланова", "Аға оқытушы", "cs", None, "teaching"),
    DemoPerson("teacher2", "Ерлан Болатұлы Сейітов", "Доцент", "math", None, "teaching"),
    DemoPerson(
        "head", "Дәурен Асқарұлы Жақсыбеков", "Кафедра меңгерушісі", "cs", "department_head", "teaching"
    ),
    DemoPerson(
        "head2", "Гүлнар Маратқызы Әлиева", "Кафедра меңгерушісі", "math", "department_head", "teaching"
    ),
    DemoPerson("director", "Нұржан Қайратұлы Омаров", "Институт директоры", "eng", "institute_director"),
    DemoPerson("finance", "Сәуле Ержанқызы Тоқтарова", "Қаржы департаментінің маманы", "uni", "finance"),
    DemoPerson("rector", "Бақытжан Сапарұлы Есенов", "Ректор", "uni", "rector"),
    DemoPerson("legal", "Мадина Руслановна Ким", "Заңгер", "uni", "legal"),
    DemoPerson("hr", "Әсем Болатқызы Жұмабаева", "HR қызметінің маманы", "uni", "hr"),
    DemoPerson(
        "centre", "Арман Төлегенұлы Сұлтанов", "Құзыреттілік орталығының маманы", "uni", "competence_centre"
    ),
    DemoPerson("owner", "Жанар Айдарқызы Бекова", "Процесс иесі", "uni", "process_owner"),
    DemoPerson("admin", "Администратор", "Жүйе әкімшісі", "uni", "admin"),
]


def load_demo(session: Session, password: str = DEMO_PASSWORD) -> int:
    """Create the demo university if it is not there yet; returns how many people were added."""
    units: dict[str, OrgUnit] = {u.code: u for u in session.scalars(select(OrgUnit))}
    for code, parent, kind, kk, ru, en in UNITS:
        if code not in units:
            unit = OrgUnit(
                code=code,
                parent=units.get(parent) if parent else None,
                kind=kind,
                name_kk=kk,
                name_ru=ru,
                name_en=en,
            )
            session.add(unit)
            units[code] = unit
    session.flush()
    known = set(session.scalars(select(Person.username)))
    hashed = hash_password(password)
    added = 0
    for p in PEOPLE:
        if p.username in known:
            continue
        person = Person(
            username=p.username,
            full_name=p.full_name,
            position=p.position,
            staff_category=p.staff_category,
            org_unit_id=units[p.unit].id,
            email=f"{p.username}@demo.biliktilik.kz",
            password_hash=hashed,
        )
        session.add(person)
        session.flush()
        if p.role:
            session.add(RoleAssignment(person_id=person.id, role=p.role, org_unit_id=units[p.unit].id))
        added += 1
    session.flush()
    return added


def demo_accounts(session: Session) -> list[tuple[str, str, str | None]]:
    """(login, full name, role) of the demo people present, for the demo's sign-in page."""
    names = {username: name for username, name in session.execute(select(Person.username, Person.full_name))}
    return [(p.username, names[p.username], p.role) for p in PEOPLE if p.username in names]
