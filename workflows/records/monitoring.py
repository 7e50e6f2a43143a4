"""HR's periodicity monitoring: everyone's standing (or a head's units'), filtered, counted per unit,
summarised for the charts, sorted and paginated. HR, the competence centre, the rector and
administrators see everyone; department heads and institute directors see their units; anyone else
is refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from workflows.errors import Forbidden
from workflows.org.roles import OVERSIGHT_ROLES, Role
from workflows.org.seats import seats
from workflows.records.access import file_access
from workflows.records.standing import (
    DEPARTMENT_KINDS,
    INSTITUTE_KINDS,
    SEVERITY,
    Scope,
    Standing,
    StandingSet,
    Status,
    UnitInfo,
    standing_of,
    standings,
)

HEAD_ROLES = frozenset({Role.DEPARTMENT_HEAD, Role.INSTITUTE_DIRECTOR})
SORTS = ("name", "unit", "status", "due", "hours")
PER_PAGE = 50


@dataclass(frozen=True)
class MonitoringFilter:
    institute_id: int | None = None
    department_id: int | None = None
    category: str | None = None
    status: str | None = None
    sort: str = "name"
    descending: bool = False
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class UnitCount:
    unit_id: int | None
    names: dict[str, str]
    total: int
    compliant: int
    hours: int
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def share(self) -> int:
        """Percent of the unit's people who meet every requirement."""
        return round(100 * self.compliant / self.total) if self.total else 0


@dataclass(frozen=True)
class MonitoringPage:
    day: date
    policy_label: str
    rows: list[Standing]
    total: int
    page: int
    per_page: int
    status_totals: dict[str, int]
    departments: list[UnitCount]  # counts per unit (a department, else the person's own unit)
    institutes: list[UnitCount]
    institute_choices: list[UnitInfo]
    department_choices: list[UnitInfo]
    units: dict[int, UnitInfo]
    everyone: bool  # the viewer sees the whole university

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def monitoring_scope(session: Session, actor_id: int, day: date) -> Scope | None:
    """Everyone (None) for the oversight roles, a head's units, or a refusal."""
    held = seats(session, actor_id, day)
    if any(seat.role in OVERSIGHT_ROLES for seat in held):
        return None
    units = {seat.org_unit_id for seat in held if seat.role in HEAD_ROLES}
    if not units:
        raise Forbidden(
            "only HR, the competence centre, the rector and heads watch periodicity", person_id=actor_id
        )
    return Scope.units(units)


def file_standing(session: Session, actor_id: int, person_id: int, day: date) -> Standing | None:
    """A person's standing as their training file shows it, to whoever may open the file."""
    file_access(session, actor_id, person_id, day)
    return standing_of(session, person_id, day)


def visible_standings(session: Session, actor_id: int, day: date) -> tuple[StandingSet, bool]:
    scope = monitoring_scope(session, actor_id, day)
    return standings(session, scope or Scope(), day), scope is None


def _matches(item: Standing, wanted: MonitoringFilter, with_status: bool) -> bool:
    if wanted.institute_id is not None and item.institute_id != wanted.institute_id:
        return False
    if wanted.department_id is not None and item.department_id != wanted.department_id:
        return False
    if wanted.category and item.staff_category != wanted.category:
        return False
    return not (with_status and wanted.status and item.status != wanted.status)


def _sort_key(units: dict[int, UnitInfo], sort: str) -> Callable[[Standing], Any]:
    far = date.max
    keys: dict[str, Callable[[Standing], Any]] = {
        "name": lambda s: (s.name.casefold(), s.person_id),
        "unit": lambda s: (
            units[s.unit_id].names["kk"].casefold() if s.unit_id in units else "",
            s.person_id,
        ),
        "status": lambda s: (-SEVERITY[s.status], s.due_on or far, s.person_id),
        "due": lambda s: (s.due_on or far, s.person_id),
        "hours": lambda s: (s.hours_counted, s.person_id),
    }
    return keys.get(sort, keys["name"])


def _counts(
    items: list[Standing], units: dict[int, UnitInfo], key: Callable[[Standing], int | None]
) -> list[UnitCount]:
    groups: dict[int | None, list[Standing]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    found = []
    for unit_id, group in groups.items():
        by_status: dict[str, int] = {}
        for item in group:
            by_status[item.status] = by_status.get(item.status, 0) + 1
        found.append(
            UnitCount(
                unit_id=unit_id,
                names=units[unit_id].names if unit_id in units else {},
                total=len(group),
                compliant=sum(1 for item in group if item.compliant),
                hours=sum(item.hours_counted for item in group),
                by_status=by_status,
            )
        )
    return sorted(found, key=lambda c: (c.names.get("kk", "~"), c.unit_id or 0))


def monitoring(session: Session, actor_id: int, day: date, wanted: MonitoringFilter) -> MonitoringPage:
    found, everyone = visible_standings(session, actor_id, day)
    units = found.units
    filtered = [s for s in found.items if _matches(s, wanted, with_status=False)]
    status_totals = {status.value: 0 for status in Status}
    for item in filtered:
        status_totals[item.status] += 1
    rows = [s for s in filtered if _matches(s, wanted, with_status=True)]
    rows.sort(
        key=_sort_key(units, wanted.sort if wanted.sort in SORTS else "name"), reverse=wanted.descending
    )
    per_page = max(1, min(wanted.per_page, 500))
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(wanted.page, 1), pages)
    seen_units = {s.unit_id for s in found.items}
    institutes = {s.institute_id for s in found.items if s.institute_id is not None}
    departments = {s.department_id for s in found.items if s.department_id is not None}
    return MonitoringPage(
        day=day,
        policy_label=found.policy_label,
        rows=rows[(page - 1) * per_page : page * per_page],
        total=len(rows),
        page=page,
        per_page=per_page,
        status_totals=status_totals,
        departments=_counts(filtered, units, lambda s: s.department_id or s.unit_id),
        institutes=_counts(filtered, units, lambda s: s.institute_id),
        institute_choices=_choices(units, institutes, INSTITUTE_KINDS),
        department_choices=_choices(units, departments | (seen_units & set(units)), DEPARTMENT_KINDS),
        units=units,
        everyone=everyone,
    )


def _choices(units: dict[int, UnitInfo], ids: set[int], kinds: frozenset[str]) -> list[UnitInfo]:
    return sorted(
        (units[i] for i in ids if i in units and units[i].kind in kinds), key=lambda u: u.names["kk"]
    )
