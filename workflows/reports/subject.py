"""Whom or what a report is about, and whether the reader may see it: the registers' scope.

HR, the competence centre, the rector and administrators see the whole university; a director
their institute and what is below it; a head their department; anyone may read their own
individual report. A unit or person outside the reader's scope is refused, never half shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from workflows.cases.access import scope_units
from workflows.errors import Forbidden, NotFound
from workflows.org.models import Person
from workflows.records.standing import DEPARTMENT_KINDS, INSTITUTE_KINDS, UnitInfo, load_units, subtree

LEVELS = ("individual", "department", "institute", "university")


@dataclass(frozen=True)
class Subject:
    level: str  # one of LEVELS
    unit_id: int  # the unit reported on (an individual's own unit)
    person_id: int | None  # set for an individual report
    names: dict[str, str]  # the unit's, or the person's name in every language
    unit_ids: frozenset[int]  # the unit and every unit below it


@dataclass(frozen=True)
class Reach:
    """What a reader may open: the units they oversee (with everything below) and themself."""

    person_id: int
    roots: tuple[int, ...]
    units: frozenset[int]
    everyone: bool


def level_of(unit: UnitInfo) -> str:
    if unit.parent_id is None:
        return "university"
    if unit.kind in INSTITUTE_KINDS:
        return "institute"
    return "department"


def reach(session: Session, actor_id: int, day: date, units: dict[int, UnitInfo]) -> Reach:
    roots = scope_units(session, actor_id, day)
    top = {u.id for u in units.values() if u.parent_id is None}
    return Reach(actor_id, tuple(roots), frozenset(subtree(units, roots)), bool(top & set(roots)))


def _person_names(person: Person) -> dict[str, str]:
    return {"kk": person.full_name, "ru": person.full_name_ru or person.full_name, "en": person.full_name}


def report_subject(
    session: Session, actor_id: int, day: date, level: str, subject_id: int | None
) -> tuple[Subject, dict[int, UnitInfo]]:
    """The subject the reader asked for (their widest unit, or themself, when they named none)."""
    if level not in LEVELS:
        raise NotFound("No such report", level=level)
    units = load_units(session)
    seen = reach(session, actor_id, day, units)
    if level == "individual":
        person = session.get(Person, subject_id or actor_id)
        if person is None:
            raise NotFound("No such person", person_id=subject_id)
        if person.id != actor_id and person.org_unit_id not in seen.units:
            raise Forbidden("This person's report is outside your units", person_id=person.id)
        return (
            Subject(level, person.org_unit_id, person.id, _person_names(person), frozenset()),
            units,
        )
    if subject_id is None:
        subject_id = _default_unit(units, seen, level)
    unit = units.get(subject_id)
    if unit is None:
        raise NotFound("No such unit", unit_id=subject_id)
    if unit.id not in seen.units:
        raise Forbidden("This unit's report is outside your units", unit_id=unit.id)
    return Subject(level, unit.id, None, unit.names, frozenset(subtree(units, [unit.id]))), units


def _default_unit(units: dict[int, UnitInfo], seen: Reach, level: str) -> int:
    if not seen.roots:
        raise Forbidden("Unit reports are for HR, the centre, the rector, directors and heads")
    kinds = {"university": None, "institute": INSTITUTE_KINDS, "department": DEPARTMENT_KINDS}[level]
    candidates = sorted(
        (
            u
            for u in units.values()
            if u.id in seen.units and (u.parent_id is None if kinds is None else u.kind in kinds)
        ),
        key=lambda u: (u.id not in seen.roots, u.id),
    )
    if not candidates:
        raise Forbidden("No unit of this level is within your units", level=level)
    return candidates[0].id


def units_of_level(units: dict[int, UnitInfo], seen: Reach, level: str) -> list[UnitInfo]:
    """The units of a level the reader may choose from (for the report's unit picker)."""
    wanted = {"university": None, "institute": INSTITUTE_KINDS, "department": DEPARTMENT_KINDS}.get(level)
    found = [
        u
        for u in units.values()
        if u.id in seen.units and (u.parent_id is None if wanted is None else u.kind in wanted)
    ]
    return sorted(found, key=lambda u: u.names.get("kk", ""))


def widest_level(session: Session, actor_id: int, day: date) -> str:
    """The report a reader lands on: the university's for its overseers, else their institute's or
    department's, else their own."""
    units = load_units(session)
    seen = reach(session, actor_id, day, units)
    if seen.everyone:
        return "university"
    levels = {level_of(units[r]) for r in seen.roots if r in units}
    return next((level for level in ("institute", "department") if level in levels), "individual")


def unit_choices(session: Session, actor_id: int, day: date, level: str) -> list[UnitInfo]:
    """The units of `level` the reader may open a report on."""
    units = load_units(session)
    return units_of_level(units, reach(session, actor_id, day, units), level)
