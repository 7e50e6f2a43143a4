"""Who holds which seat: role resolution up the org tree, deputies, and a person's seats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Date, Integer, and_, bindparam, literal, null, or_, select, union_all
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from workflows.org.models import Delegation, OrgUnit, RoleAssignment
from workflows.org.roles import Role

MAX_DEPTH = 32  # a guard against a cycle in the org tree


@dataclass(frozen=True)
class Seat:
    role: str
    org_unit_id: int
    on_behalf_of: int | None  # set when the seat is held through a delegation


def _active(model: type[RoleAssignment] | type[Delegation], on: date | Any) -> ColumnElement[bool]:
    return and_(
        or_(model.valid_from.is_(None), model.valid_from <= on),
        or_(model.valid_to.is_(None), model.valid_to >= on),
    )


def _chain(unit_id: int | Any) -> Any:
    """The unit and its parents up to the root, with their depth and closing date: a recursive CTE."""
    chain = select(OrgUnit.id, OrgUnit.parent_id, OrgUnit.closed_on, literal(0).label("depth")).where(
        OrgUnit.id == unit_id
    )
    chain_cte = chain.cte("chain", recursive=True)
    parent = aliased(OrgUnit)
    return chain_cte.union(
        select(parent.id, parent.parent_id, parent.closed_on, (chain_cte.c.depth + 1).label("depth"))
        .join(chain_cte, parent.id == chain_cte.c.parent_id)
        .where(chain_cte.c.depth < MAX_DEPTH)
    )


def ancestors(session: Session, unit_id: int) -> list[int]:
    """The unit and its parents up to the root, nearest first: one recursive query whatever the depth."""
    chain_cte = _chain(unit_id)
    return list(session.scalars(select(chain_cte.c.id).order_by(chain_cte.c.depth)))


def open_ancestors(session: Session, unit_id: int) -> list[int]:
    """As `ancestors`, without the closed units: a closed unit takes no new tasks, its parent does."""
    chain_cte = _chain(unit_id)
    found = list(
        session.scalars(
            select(chain_cte.c.id).where(chain_cte.c.closed_on.is_(None)).order_by(chain_cte.c.depth)
        )
    )
    return found or ancestors(session, unit_id)


def descendants(session: Session, unit_ids: set[int]) -> set[int]:
    """The units and everything below them: one recursive query whatever the depth."""
    if not unit_ids:
        return set()
    down = (
        select(OrgUnit.id, literal(0).label("depth"))
        .where(OrgUnit.id.in_(unit_ids))
        .cte("down", recursive=True)
    )
    child = aliased(OrgUnit)
    down = down.union(
        select(child.id, (down.c.depth + 1).label("depth"))
        .join(down, child.parent_id == down.c.id)
        .where(down.c.depth < MAX_DEPTH)
    )
    return set(session.scalars(select(down.c.id)))


# Who stands in when a seat is empty all the way up, or held only by the applicant:
# a department head's case goes to the institute director, a director's to the rector.
SUPERIOR_ROLE: dict[str, str] = {
    Role.DEPARTMENT_HEAD: Role.INSTITUTE_DIRECTOR,
    Role.INSTITUTE_DIRECTOR: Role.RECTOR,
    Role.APPARATUS_HEAD: Role.RECTOR,
}


def seat_holders(
    session: Session, role: str, unit_id: int, exclude_person: int | None, on: date
) -> tuple[str, int, list[int]]:
    """The seat `resolve_seat` finds and the people acting in it today (`holders`), in one query:
    the unit chain, every assignment up it to a role that may take the task, and their deputies."""
    return ChainSeats(session, unit_id, on, _with_superiors(role)).holders(role, exclude_person)


def _with_superiors(role: str) -> list[str]:
    roles = [role]
    while (superior := SUPERIOR_ROLE.get(roles[-1])) is not None and superior not in roles:
        roles.append(superior)
    return roles


@cache
def _chain_seats(by_role: bool) -> Any:
    """The statement `ChainSeats` runs, built once (its unit, day and roles are parameters)."""
    on = bindparam("on", type_=Date)
    chain = _chain(bindparam("unit_id", type_=Integer))
    assigned = [RoleAssignment.org_unit_id == chain.c.id, _active(RoleAssignment, on)]
    if by_role:
        assigned.append(RoleAssignment.role.in_(bindparam("roles", expanding=True)))
    return (
        select(
            chain.c.id,
            chain.c.closed_on,
            RoleAssignment.role,
            RoleAssignment.person_id,
            Delegation.to_person_id,
        )
        .select_from(chain)
        .outerjoin(RoleAssignment, and_(*assigned))
        .outerjoin(
            Delegation, and_(Delegation.from_person_id == RoleAssignment.person_id, _active(Delegation, on))
        )
        .order_by(chain.c.depth)
    )


class ChainSeats:
    """Every assignment up a unit's chain (of `roles`, or of any role) and their deputies today,
    read in one query: the seats of as many roles as a step needs for that unit, without another."""

    def __init__(self, session: Session, unit_id: int, on: date, roles: list[str] | None = None) -> None:
        params: dict[str, Any] = {"unit_id": unit_id, "on": on}
        if roles is not None:
            params["roles"] = roles
        self.rows = session.execute(_chain_seats(roles is not None), params).all()

    def holders(self, role: str, exclude_person: int | None) -> tuple[str, int, list[int]]:
        """As `seat_holders` says, from the rows read."""
        rows, roles = self.rows, _with_superiors(role)
        # A closed unit takes no new tasks: its parent does (as `open_ancestors` says).
        chain_units = list(dict.fromkeys(unit for unit, *_ in rows))
        units = list(dict.fromkeys(unit for unit, closed, *_ in rows if closed is None)) or chain_units
        seat = (role, units[-1])  # nobody anywhere: the task waits at the root for an assignment
        for current in roles:
            held = {unit for unit, _, r, person, _ in rows if r == current and person != exclude_person}
            found = next((unit for unit in units if unit in held), None)
            if found is not None:
                seat = (current, found)
                break
        direct = [person for unit, _, r, person, _ in rows if (r, unit) == seat]
        deputies = [deputy for unit, _, r, _, deputy in rows if (r, unit) == seat and deputy is not None]
        return seat[0], seat[1], list(dict.fromkeys([*direct, *deputies]))


def resolve_seat(
    session: Session,
    role: str,
    unit_id: int,
    exclude_person: int | None,
    on: date,
    chain: list[int] | None = None,
) -> tuple[str, int]:
    """The nearest seat at or above `unit_id` held by someone other than `exclude_person`.

    An empty seat goes up, and so does a closed unit's, and a seat held only by the applicant
    (nobody approves their own case). When no unit up the tree has such a holder, the superior role takes the
    task; with nobody at all the task waits at the root for an assignment. `chain` is the unit's
    `open_ancestors`, when the caller resolves several roles for one unit.
    """
    chain = chain or open_ancestors(session, unit_id)
    current: str | None = role
    while current is not None:
        rows = session.execute(
            select(RoleAssignment.org_unit_id, RoleAssignment.person_id).where(
                RoleAssignment.role == current,
                RoleAssignment.org_unit_id.in_(chain),
                _active(RoleAssignment, on),
            )
        ).all()
        held = {unit for unit, person in rows if person != exclude_person}
        for unit in chain:
            if unit in held:
                return current, unit
        current = SUPERIOR_ROLE.get(current)
    return role, chain[-1]


def holders(session: Session, role: str, unit_id: int, on: date) -> list[int]:
    """People acting in a seat today: its holders and their current deputies."""
    direct = list(
        session.scalars(
            select(RoleAssignment.person_id).where(
                RoleAssignment.role == role,
                RoleAssignment.org_unit_id == unit_id,
                _active(RoleAssignment, on),
            )
        )
    )
    if not direct:
        return []
    deputies = session.scalars(
        select(Delegation.to_person_id).where(Delegation.from_person_id.in_(direct), _active(Delegation, on))
    )
    return list(dict.fromkeys([*direct, *deputies]))


def _seat_rows(person_id: int, on: date) -> Any:
    """The person's seats today as rows (role, org_unit_id, holder), their own first."""
    own = select(RoleAssignment.role, RoleAssignment.org_unit_id, null().label("holder")).where(
        RoleAssignment.person_id == person_id, _active(RoleAssignment, on)
    )
    delegated = (
        select(RoleAssignment.role, RoleAssignment.org_unit_id, RoleAssignment.person_id)
        .join(Delegation, Delegation.from_person_id == RoleAssignment.person_id)
        .where(Delegation.to_person_id == person_id, _active(Delegation, on), _active(RoleAssignment, on))
    )
    return union_all(own, delegated)


def seats(session: Session, person_id: int, on: date) -> list[Seat]:
    """Every seat the person can act in today, their own and those of people they deputise for."""
    # One query for both; the person's own seats come first.
    rows: list[Any] = list(session.execute(_seat_rows(person_id, on)))
    found = [Seat(role, unit, holder) for role, unit, holder in rows]
    return sorted(found, key=lambda seat: seat.on_behalf_of is not None)


def seat_columns(
    person_id: int | Any, role: Any, unit: Any, on: date | Any
) -> tuple[ColumnElement[bool], ColumnElement[int | None]]:
    """Two columns to read beside a row naming a seat (`role`, `unit`): whether the person holds it
    themselves today, and whom they deputise for in it (what `seats` would say, in the same query)."""
    own = (
        select(RoleAssignment.id)
        .where(
            RoleAssignment.person_id == person_id,
            RoleAssignment.role == role,
            RoleAssignment.org_unit_id == unit,
            _active(RoleAssignment, on),
        )
        .exists()
    )
    deputy_for = (
        select(RoleAssignment.person_id)
        .join(Delegation, Delegation.from_person_id == RoleAssignment.person_id)
        .where(
            Delegation.to_person_id == person_id,
            RoleAssignment.role == role,
            RoleAssignment.org_unit_id == unit,
            _active(Delegation, on),
            _active(RoleAssignment, on),
        )
        .order_by(RoleAssignment.person_id)
        .limit(1)
        .scalar_subquery()
    )
    return own.label("holds_seat"), deputy_for.label("deputy_for")


def has_role(session: Session, person_id: int, role: str, on: date) -> bool:
    return any(seat.role == role for seat in seats(session, person_id, on))


@dataclass(frozen=True)
class HeldSeat:
    """A seat as a person's header shows it: the role and the names of its unit."""

    role: str
    unit_names: dict[str, str]
    on_behalf_of: int | None
    org_unit_id: int


def held_seats(session: Session, person_id: int, on: date) -> list[HeldSeat]:
    """`seats` with their units' names, in one query."""
    found = _seat_rows(person_id, on).subquery("seats")
    rows = session.execute(
        select(
            found.c.role,
            found.c.org_unit_id,
            found.c.holder,
            OrgUnit.name_kk,
            OrgUnit.name_ru,
            OrgUnit.name_en,
        ).outerjoin(OrgUnit, OrgUnit.id == found.c.org_unit_id)
    ).all()
    held = [
        HeldSeat(role, {"kk": kk, "ru": ru, "en": en} if kk is not None else {}, holder, unit)
        for role, unit, holder, kk, ru, en in rows
    ]
    return sorted(held, key=lambda seat: seat.on_behalf_of is not None)
