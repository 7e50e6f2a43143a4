"""The org tree as administrators keep it: creating, renaming (kk/ru/en), moving and closing units.

A closed unit keeps its history (the cases and people that were in it) but takes no new people,
seats or tasks: routing skips it and goes to its parent (`seats.open_ancestors`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflows.clock import Clock, today
from workflows.errors import FieldError, NotFound, ValidationFailed, field_error
from workflows.org.audit import Subject, changes, record_change
from workflows.org.authority import require_administration
from workflows.org.models import OrgUnit, Person, RoleAssignment, UnitKind
from workflows.org.rerouting import reroute_unit
from workflows.org.seat_admin import close_seat
from workflows.org.seats import MAX_DEPTH, ancestors

_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")
NAME_FIELDS = ("name_kk", "name_ru", "name_en")


@dataclass(frozen=True)
class KindOption:
    code: str
    names: dict[str, str]


@dataclass(frozen=True)
class UnitNode:
    id: int
    parent_id: int | None
    code: str
    kind: str
    names: dict[str, str]
    closed_on: date | None
    depth: int


@dataclass(frozen=True)
class UnitInput:
    code: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str
    parent_id: int | None


def unit_kinds(session: Session) -> list[KindOption]:
    return [
        KindOption(k.code, k.names) for k in session.scalars(select(UnitKind).order_by(UnitKind.sort_order))
    ]


def _node(unit: OrgUnit, depth: int) -> UnitNode:
    return UnitNode(unit.id, unit.parent_id, unit.code, unit.kind, unit.names, unit.closed_on, depth)


def unit_tree(session: Session, within: set[int] | None = None) -> list[UnitNode]:
    """Every unit (or those in `within`), parents before their children, siblings by name: one query."""
    units = list(session.scalars(select(OrgUnit).order_by(OrgUnit.name_kk, OrgUnit.id)))
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[UnitNode] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in children.get(parent, []):
            if within is None or unit.id in within:
                ordered.append(_node(unit, depth))
            if depth < MAX_DEPTH:
                walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered


def get_unit(session: Session, unit_id: int) -> UnitNode:
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("No such unit", unit_id=unit_id)
    return _node(unit, len(ancestors(session, unit_id)) - 1)


def _names(names: dict[str, str], errors: list[FieldError]) -> dict[str, str]:
    clean = {field: (names.get(field) or "").strip() for field in NAME_FIELDS}
    for field in ("name_kk", "name_ru"):
        if not clean[field]:
            errors.append(field_error(field, "required"))
    for field, value in clean.items():
        if len(value) > 300:
            errors.append(field_error(field, "maxLength", limit=300))
    clean["name_en"] = clean["name_en"] or clean["name_ru"]
    return clean


def _open_parent(session: Session, parent_id: int | None, errors: list[FieldError]) -> OrgUnit | None:
    parent = session.get(OrgUnit, parent_id) if parent_id is not None else None
    if parent is None:
        errors.append(field_error("parent_id", "required"))
    elif not parent.is_open:
        errors.append(field_error("parent_id", "unit_closed"))
    return parent


def create_unit(session: Session, actor_id: int | None, data: UnitInput, clock: Clock) -> int:
    """A new open unit under an open parent; returns its id."""
    if actor_id is not None:
        require_administration(session, actor_id, today(clock))
    errors: list[FieldError] = []
    code = data.code.strip()
    if not _CODE.fullmatch(code):
        errors.append(field_error("code", "code_form"))
    elif session.scalar(select(func.count(OrgUnit.id)).where(OrgUnit.code == code)):
        errors.append(field_error("code", "code_taken"))
    if session.get(UnitKind, data.kind) is None:
        errors.append(field_error("kind", "enum"))
    names = _names(data.__dict__, errors)
    _open_parent(session, data.parent_id, errors)
    if errors:
        raise ValidationFailed(errors)
    unit = OrgUnit(code=code, kind=data.kind, parent_id=data.parent_id, **names)
    session.add(unit)
    session.flush()
    record_change(
        session,
        actor_id,
        "unit_created",
        Subject.UNIT,
        unit.id,
        clock,
        {"code": code, "kind": data.kind, "parent_id": data.parent_id, **names},
    )
    return unit.id


def _unit(session: Session, unit_id: int) -> OrgUnit:
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("No such unit", unit_id=unit_id)
    return unit


def rename_unit(
    session: Session,
    actor_id: int | None,
    unit_id: int,
    names: dict[str, str],
    kind: str | None,
    clock: Clock,
) -> None:
    """New names in the three languages (and, if given, a new kind); the old ones stay in the audit log."""
    if actor_id is not None:
        require_administration(session, actor_id, today(clock))
    unit = _unit(session, unit_id)
    errors: list[FieldError] = []
    clean = _names(names, errors)
    if kind is not None and session.get(UnitKind, kind) is None:
        errors.append(field_error("kind", "enum"))
    if errors:
        raise ValidationFailed(errors)
    before = {**{f: getattr(unit, f) for f in NAME_FIELDS}, "kind": unit.kind}
    for field, value in clean.items():
        setattr(unit, field, value)
    unit.kind = kind or unit.kind
    after = {**{f: getattr(unit, f) for f in NAME_FIELDS}, "kind": unit.kind}
    if before != after:
        record_change(session, actor_id, "unit_renamed", Subject.UNIT, unit.id, clock, changes(before, after))
    session.flush()


def move_unit(
    session: Session, actor_id: int | None, unit_id: int, parent_id: int | None, clock: Clock
) -> None:
    """Hang the unit under another open unit; never under itself or its own sub-units."""
    if actor_id is not None:
        require_administration(session, actor_id, today(clock))
    unit = _unit(session, unit_id)
    errors: list[FieldError] = []
    if unit.parent_id is None:
        raise ValidationFailed([field_error("parent_id", "root_unit")])
    parent = _open_parent(session, parent_id, errors)
    if parent is not None and unit.id in ancestors(session, parent.id):
        errors.append(field_error("parent_id", "unit_cycle"))
    if errors:
        raise ValidationFailed(errors)
    if parent_id == unit.parent_id:
        return
    record_change(
        session,
        actor_id,
        "unit_moved",
        Subject.UNIT,
        unit.id,
        clock,
        {"parent_id": [unit.parent_id, parent_id]},
    )
    unit.parent_id = parent_id
    session.flush()


def close_unit(session: Session, actor_id: int | None, unit_id: int, on: date | None, clock: Clock) -> int:
    """Close an empty unit (no open sub-units, no active people) on `on` (today by default): its seats
    end and its open tasks go up the tree. Returns how many tasks were re-routed."""
    now = today(clock)
    if actor_id is not None:
        require_administration(session, actor_id, now)
    unit = _unit(session, unit_id)
    closing = on or now
    errors: list[FieldError] = []
    if unit.parent_id is None:
        errors.append(field_error("closed_on", "root_unit"))
    if not unit.is_open:
        errors.append(field_error("closed_on", "unit_closed"))
    if closing > now:
        errors.append(field_error("closed_on", "future_date", today=now.isoformat()))
    open_units = session.scalar(
        select(func.count(OrgUnit.id)).where(OrgUnit.parent_id == unit.id, OrgUnit.closed_on.is_(None))
    )
    if open_units:
        errors.append(field_error("closed_on", "unit_has_units", count=open_units))
    people = session.scalar(
        select(func.count(Person.id)).where(Person.org_unit_id == unit.id, Person.is_active.is_(True))
    )
    if people:
        errors.append(field_error("closed_on", "unit_has_people", count=people))
    if errors:
        raise ValidationFailed(errors)
    unit.closed_on = closing
    for seat in session.scalars(select(RoleAssignment).where(RoleAssignment.org_unit_id == unit.id)):
        close_seat(session, seat, closing - timedelta(days=1))
    session.flush()
    moved = reroute_unit(session, actor_id, unit.id, closing, clock)
    record_change(
        session,
        actor_id,
        "unit_closed",
        Subject.UNIT,
        unit.id,
        clock,
        {"closed_on": closing.isoformat(), "tasks_rerouted": moved},
    )
    session.flush()
    return moved
