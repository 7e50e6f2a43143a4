"""A person's standing on a day: for each requirement of the periodicity policy in force, the
trainings counted inside its rolling window, the hours against what is required, the date it
falls due, what is missing, and a status.

`standings` computes them for many people in a fixed number of statements: the policy, the units,
the people, the heads' seats and the training records are each read once, whatever the number of
people, and the policy is evaluated once per distinct set of facts (a university has few).

A record counts when it is not struck and counts for the requirement (`window`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Executable, String, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from workflows.org.models import OrgUnit, Person, RoleAssignment
from workflows.org.roles import Role
from workflows.records.models import TrainingRecord
from workflows.records.requirements import Facts, Policy, Requirement, policy_on
from workflows.records.window import SEVERITY, RequirementStanding, Status, Training, requirement_standing

MANAGING_SEATS = frozenset({Role.DEPARTMENT_HEAD, Role.INSTITUTE_DIRECTOR, Role.RECTOR})
# Words of a position that names a head or a deputy head (kk, ru, en; matched in lower case).
MANAGING_WORDS = (
    "меңгеруші",
    "басшы",
    "орынбасар",
    "директор",
    "ректор",
    "декан",
    "бастығ",
    "заведующ",
    "руководител",
    "заместител",
    "начальник",
    "head",
    "deputy",
    "director",
    "dean",
)
INSTITUTE_KINDS = frozenset({"institute", "faculty", "college", "directorate"})
DEPARTMENT_KINDS = frozenset({"department", "office", "centre"})


@dataclass(frozen=True)
class Standing:
    person_id: int
    name: str
    name_ru: str | None
    position: str
    staff_category: str
    locale: str
    unit_id: int
    institute_id: int | None
    department_id: int | None
    day: date
    status: Status
    due_on: date | None
    requirements: tuple[RequirementStanding, ...]
    policy_label: str
    policy_version_id: int | None
    has_records: bool

    @property
    def compliant(self) -> bool:
        """Every requirement met today (a person without requirements is not counted as compliant)."""
        return bool(self.requirements) and all(r.met for r in self.requirements)

    @property
    def hours_counted(self) -> int:
        return sum(r.hours_counted for r in self.requirements if r.hours_required)

    @property
    def hours_required(self) -> int:
        return sum(r.hours_required for r in self.requirements if r.hours_required)

    @property
    def progress(self) -> int:
        """Percent of the requirements done, for a progress bar (hours where hours are asked)."""
        if not self.requirements:
            return 0
        parts = [
            min(r.hours_counted / r.hours_required, 1.0) if r.hours_required else (1.0 if r.met else 0.0)
            for r in self.requirements
        ]
        return round(100 * sum(parts) / len(parts))


@dataclass(frozen=True)
class Scope:
    """Whose standings: everyone (both empty), these people, or the people of these units (and
    the units below them)."""

    person_ids: frozenset[int] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def people(cls, ids: Iterable[int]) -> Scope:
        return cls(person_ids=frozenset(ids))

    @classmethod
    def units(cls, ids: Iterable[int]) -> Scope:
        return cls(unit_ids=frozenset(ids))


@dataclass(frozen=True)
class UnitInfo:
    id: int
    parent_id: int | None
    code: str
    kind: str
    names: dict[str, str]


@dataclass(frozen=True)
class StandingSet:
    """Standings of many people, with the org tree they were placed in."""

    day: date
    policy_label: str
    items: list[Standing]
    units: dict[int, UnitInfo]


def overall(parts: Sequence[RequirementStanding], has_records: bool, employment_start: date | None) -> Status:
    return worst([p.status for p in parts], has_records, employment_start)


def worst(statuses: Sequence[Status], has_records: bool, employment_start: date | None) -> Status:
    """A person's status from their requirements' (no data without either records or a start)."""
    if not statuses or (not has_records and employment_start is None):
        return Status.NO_DATA
    return max(statuses, key=SEVERITY.__getitem__)


def manages(position: str, seats: Collection[str]) -> bool:
    return any(seat in MANAGING_SEATS for seat in seats) or _names_a_head(position)


@lru_cache(maxsize=4096)
def _names_a_head(position: str) -> bool:
    # Ten thousand people hold a few hundred positions: each is read once.
    text = position.lower()
    return any(word in text for word in MANAGING_WORDS)


def _nearest(units: dict[int, UnitInfo], unit_id: int, kinds: frozenset[str]) -> int | None:
    seen: set[int] = set()
    current: int | None = unit_id
    while current is not None and current in units and current not in seen:
        seen.add(current)
        if units[current].kind in kinds:
            return current
        current = units[current].parent_id
    return None


def subtree(units: dict[int, UnitInfo], roots: Collection[int]) -> set[int]:
    """The units and every unit below them."""
    children: dict[int | None, list[int]] = {}
    for unit in units.values():
        children.setdefault(unit.parent_id, []).append(unit.id)
    found: set[int] = set()
    stack = [r for r in roots if r in units]
    while stack:
        unit_id = stack.pop()
        if unit_id not in found:
            found.add(unit_id)
            stack.extend(children.get(unit_id, []))
    return found


def load_units(session: Session) -> dict[int, UnitInfo]:
    rows = session.execute(
        select(
            OrgUnit.id,
            OrgUnit.parent_id,
            OrgUnit.code,
            OrgUnit.kind,
            OrgUnit.name_kk,
            OrgUnit.name_ru,
            OrgUnit.name_en,
        )
    ).all()
    return {
        r.id: UnitInfo(r.id, r.parent_id, r.code, r.kind, {"kk": r.name_kk, "ru": r.name_ru, "en": r.name_en})
        for r in rows
    }


def _people_filter(scope: Scope, units: dict[int, UnitInfo]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Person.is_active.is_(True)]
    if scope.person_ids:
        conditions.append(Person.id.in_(sorted(scope.person_ids)))
    if scope.unit_ids:
        conditions.append(Person.org_unit_id.in_(sorted(subtree(units, scope.unit_ids))))
    return conditions


@dataclass(frozen=True)
class People:
    """What standings in a scope are worked out from, besides the training records: the policy in
    force, the org tree, the people (rows of `PEOPLE_COLUMNS`) and the managing seats they hold."""

    placing: _Placing
    people: list[Any]
    seats: dict[int, set[str]]
    where: list[ColumnElement[bool]]  # selects the people, for statements to select inside


def read_people(session: Session, scope: Scope, day: date) -> People:
    policy = policy_on(session, day)
    session.flush()  # the reads below go straight to the connection, past the ORM's autoflush
    units = load_units(session)
    people_filter = _people_filter(scope, units)
    people = _read(
        session,
        select(
            Person.id,
            Person.full_name,
            Person.full_name_ru,
            Person.position,
            type_coerce(Person.staff_category, String).label("staff_category"),
            (func.coalesce(func.json_array_length(Person.disciplines), 0) > 0).label("teaches"),
            Person.org_unit_id,
            Person.employment_start,
            Person.locale,
        )
        .where(*people_filter)
        .order_by(Person.last_name, Person.full_name, Person.id),
    )
    held: dict[int, set[str]] = {}
    for person_id, role in _read(
        session,
        select(RoleAssignment.person_id, type_coerce(RoleAssignment.role, String)).where(
            RoleAssignment.role.in_(sorted(MANAGING_SEATS)),
            or_(RoleAssignment.valid_from.is_(None), RoleAssignment.valid_from <= day),
            or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to >= day),
        ),
    ):
        held.setdefault(person_id, set()).add(role)
    return People(_Placing(policy, units), people, held, people_filter)


def standings(session: Session, scope: Scope, day: date) -> StandingSet:
    """Every standing in the scope on `day`, in a fixed number of statements."""
    found = read_people(session, scope, day)
    trainings = read_trainings(session, found.where, day)
    placing, held = found.placing, found.seats
    items = [
        _standing(placing, row, held.get(row.id, set()), trainings.get(row.id, []), day)
        for row in found.people
    ]
    return StandingSet(day, placing.policy.version_label, items, placing.units)


def read_trainings(
    session: Session, people_filter: list[ColumnElement[bool]], day: date
) -> dict[int, list[Training]]:
    rows = _read(
        session,
        select(
            TrainingRecord.id,
            TrainingRecord.person_id,
            TrainingRecord.end_date,
            TrainingRecord.hours,
            type_coerce(TrainingRecord.certificate_type, String).label("certificate_type"),
            TrainingRecord.matches_disciplines,
            TrainingRecord.management,
        )
        .where(
            TrainingRecord.person_id.in_(select(Person.id).where(*people_filter)),
            TrainingRecord.struck_at.is_(None),
            TrainingRecord.end_date <= day,
        )
        .order_by(TrainingRecord.person_id, TrainingRecord.end_date, TrainingRecord.id),
    )
    found: dict[int, list[Training]] = {}
    for record_id, person_id, end, hours, kind, matches, management in rows:
        found.setdefault(person_id, []).append(
            Training(record_id, person_id, end, hours, kind, bool(matches), bool(management))
        )
    return found


def _read(session: Session, statement: Executable) -> list[Any]:
    """Plain rows through the session's connection: 150,000 records are read without the ORM's
    per-row bookkeeping (enum values arrive as their text)."""
    return list(session.connection().execute(statement).all())


class _Placing:
    """The policy and the org tree for many people's standings, with what they share worked out
    once: each set of facts' requirements, each unit's institute and department."""

    def __init__(self, policy: Policy, units: dict[int, UnitInfo]) -> None:
        self.policy, self.units = policy, units
        self._decided: dict[Facts, list[Requirement]] = {}
        self._nearest: dict[int, tuple[int | None, int | None]] = {}

    def facts(self, row: Any, seats: Collection[str]) -> Facts:
        """What the policy reads of a person (a row of the people `read_people` reads)."""
        position: str = row.position or ""
        unit = self.units.get(row.org_unit_id)
        return Facts(
            staff_category=str(row.staff_category),
            position=position.lower(),
            unit_kind=unit.kind if unit else "",
            manages=manages(position, seats),
            teaches=bool(row.teaches),
        )

    def requirements(self, facts: Facts) -> list[Requirement]:
        if facts not in self._decided:
            self._decided[facts] = self.policy.requirements(facts)
        return self._decided[facts]

    def institute_and_department(self, unit_id: int) -> tuple[int | None, int | None]:
        if unit_id not in self._nearest:
            self._nearest[unit_id] = (
                _nearest(self.units, unit_id, INSTITUTE_KINDS),
                _nearest(self.units, unit_id, DEPARTMENT_KINDS),
            )
        return self._nearest[unit_id]


def _standing(
    placing: _Placing,
    row: Any,  # a Row of the people query
    seats: set[str],
    trainings: list[Training],
    day: date,
) -> Standing:
    person_id: int = row.id
    position: str = row.position or ""
    unit_id: int = row.org_unit_id
    employment_start: date | None = row.employment_start
    policy = placing.policy
    facts = placing.facts(row, seats)
    parts = tuple(
        requirement_standing(req, trainings, day, employment_start) for req in placing.requirements(facts)
    )
    institute_id, department_id = placing.institute_and_department(unit_id)
    dues = [p.due_on for p in parts if p.due_on is not None and p.status is not Status.NO_DATA]
    return Standing(
        person_id=person_id,
        name=row.full_name,
        name_ru=row.full_name_ru,
        position=position,
        staff_category=facts.staff_category,
        locale=row.locale,
        unit_id=unit_id,
        institute_id=institute_id,
        department_id=department_id,
        day=day,
        status=overall(parts, bool(trainings), employment_start),
        due_on=min(dues) if dues else None,
        requirements=parts,
        policy_label=policy.version_label,
        policy_version_id=policy.version_id,
        has_records=bool(trainings),
    )


def find_unit(session: Session, code_or_name: str) -> int | None:
    """A unit by its code, else by its name in any language (case-insensitive)."""
    wanted = code_or_name.strip().casefold()
    units = load_units(session).values()
    for unit in units:
        if unit.code.casefold() == wanted:
            return unit.id
    for unit in units:
        if any(name.casefold() == wanted for name in unit.names.values()):
            return unit.id
    return None


def standing_of(session: Session, person_id: int, day: date) -> Standing | None:
    """One person's standing (None for an unknown or deactivated person)."""
    found = standings(session, Scope.people([person_id]), day).items
    return found[0] if found else None
