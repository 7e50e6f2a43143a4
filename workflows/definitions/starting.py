"""Who may start which published process, and for whom.

A diagram names the roles that may start it in its `starters` process property (comma-separated;
`employee` when it says nothing: a person applies for themselves). Any other role starts a case
for someone else: a person of a unit at or below one where the starter holds that seat (a head
submits one of their staff, 002 §3; HR starts a planned line for anyone of the university,
000 §7.5). An archived process starts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.definitions.archive import archived_keys, is_archived
from workflows.definitions.catalog import ProcessInfo, published_processes
from workflows.errors import Forbidden, NotAllowedNow
from workflows.language import pick
from workflows.org.models import OrgUnit, Person
from workflows.org.roles import EMPLOYEE
from workflows.org.seats import descendants, seats


@dataclass(frozen=True)
class Startable:
    """A process the actor may start now, as the "new application" page offers it."""

    process_key: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    for_self: bool  # the actor applies for themselves
    for_others: bool  # the actor starts the case for a person of their units

    def title(self, locale: str) -> str:
        return pick(self.titles, locale, self.process_key)

    def description(self, locale: str) -> str:
        return pick(self.descriptions, locale, "")


@dataclass(frozen=True)
class StaffOption:
    id: int
    full_name: str
    unit_names: dict[str, str]


def _units(session: Session, actor_id: int, info: ProcessInfo, on: date) -> set[int]:
    """The units (and all below them) where the actor holds a seat that starts this process."""
    roles = set(info.starters) - {EMPLOYEE}
    held = {seat.org_unit_id for seat in seats(session, actor_id, on) if seat.role in roles}
    return descendants(session, held)


def startable_processes(session: Session, actor_id: int, on: date) -> list[Startable]:
    archived = archived_keys(session)
    found: list[Startable] = []
    for info in published_processes(session):
        if info.process_key in archived:
            continue
        for_self = EMPLOYEE in info.starters
        for_others = bool(_units(session, actor_id, info, on))
        if for_self or for_others:
            found.append(Startable(info.process_key, info.titles, info.descriptions, for_self, for_others))
    return found


def _refuse_role(info: ProcessInfo) -> Forbidden:
    roles = ",".join(info.starters)
    return Forbidden("The actor holds no seat that starts this process", reason="start_role", roles=roles)


def require_start_page(session: Session, info: ProcessInfo, actor_id: int, on: date) -> None:
    """Whether the actor may open the process's start form at all, for themselves or for someone."""
    if is_archived(session, info.process_key):
        raise NotAllowedNow("process_archived", "The process is archived", process_key=info.process_key)
    if EMPLOYEE not in info.starters and not _units(session, actor_id, info, on):
        raise _refuse_role(info)


def require_start(session: Session, info: ProcessInfo, actor_id: int, subject_id: int, on: date) -> None:
    """Refuses, saying why, a start the process does not allow: archived, the wrong role or unit."""
    require_start_page(session, info, actor_id, on)
    if subject_id == actor_id and EMPLOYEE in info.starters:
        return
    units = _units(session, actor_id, info, on)
    if not units:
        raise _refuse_role(info)
    subject = session.get(Person, subject_id)
    if subject is None or not subject.is_active or subject.org_unit_id not in units:
        raise Forbidden("The person is not of the actor's units", reason="start_unit")


def staff_to_start_for(session: Session, actor_id: int, info: ProcessInfo, on: date) -> list[StaffOption]:
    """The active people the actor may start this process for, by name."""
    units = _units(session, actor_id, info, on)
    if not units:
        return []
    rows = session.execute(
        select(Person.id, Person.full_name, OrgUnit.name_kk, OrgUnit.name_ru, OrgUnit.name_en)
        .join(OrgUnit, OrgUnit.id == Person.org_unit_id)
        .where(Person.org_unit_id.in_(units), Person.is_active.is_(True))
        .order_by(Person.full_name, Person.id)
    ).all()
    return [StaffOption(pid, name, {"kk": kk, "ru": ru, "en": en}) for pid, name, kk, ru, en in rows]
