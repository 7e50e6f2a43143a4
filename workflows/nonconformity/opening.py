"""Opening a journal entry: once per cause, worked at once by the journal's diagram.

`open_nonconformity` is the one way in for every domain (the qualification diagram, the
periodicity sweep, the annual plan, the reports): an event calls it with the key of its cause,
and a second call with the same key finds the entry the first opened instead of a new one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.cases.models import EventKind, ProcessInstance
from workflows.cases.new_case import new_instance
from workflows.cases.steps import Step
from workflows.clock import Clock
from workflows.definitions.publishing import latest_version
from workflows.definitions.versions import VERSIONS
from workflows.errors import Forbidden, NotFound, ValidationFailed, field_error
from workflows.nonconformity.kinds import PROCESS_KEY, Cause, Stage
from workflows.org.models import OrgUnit, Person
from workflows.org.roles import Role
from workflows.org.seats import ancestors, seat_holders, seats
from workflows.records.models import Nonconformity
from workflows.reports.registers import scope_roots

NOTE_MAX = 4000
KEY_MAX = 200
OPENERS = frozenset({Role.HR, Role.DEPARTMENT_HEAD, Role.INSTITUTE_DIRECTOR})


@dataclass(frozen=True)
class Opened:
    entry_id: int
    created: bool  # False: the cause already had its entry, and nothing new was opened
    flow_id: int | None  # the case of the journal's diagram working it


def _unit_of(
    session: Session, person: Person | None, unit_id: int | None, case: ProcessInstance | None
) -> int:
    if unit_id is not None:
        if session.get(OrgUnit, unit_id) is None:
            raise NotFound("No such unit", unit_id=unit_id)
        return unit_id
    if case is not None:
        return case.subject_unit_id
    if person is not None:
        return person.org_unit_id
    raise ValidationFailed([field_error("unit", "required")])


def responsible_head(session: Session, unit_id: int, person_id: int | None, clock: Clock) -> int | None:
    """Who answers for an entry: the head acting for the unit today, walking up the units when the
    seat is empty (never the person the entry is about: then the head above them)."""
    _, _, acting = seat_holders(session, Role.DEPARTMENT_HEAD, unit_id, person_id, local_date(clock.now()))
    return next((p for p in acting if p != person_id), None)


def _known(session: Session, source_key: str) -> Opened | None:
    found = session.execute(
        select(Nonconformity.id, Nonconformity.flow_id).where(Nonconformity.source_key == source_key)
    ).first()
    return Opened(found[0], False, found[1]) if found is not None else None


def _claim_key(session: Session, values: dict[str, Any]) -> int | None:
    """Insert the entry unless its cause has one: one statement, safe against a second opener."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(Nonconformity).values(**values).on_conflict_do_nothing(index_elements=["source_key"])
    return session.execute(statement.returning(Nonconformity.id)).scalar()


def open_nonconformity(
    session: Session,
    *,
    cause: str,
    source_key: str | None,
    clock: Clock,
    note: str = "",
    person_id: int | None = None,
    unit_id: int | None = None,
    case_id: int | None = None,
    opened_by: int | None = None,
) -> Opened:
    """Open the journal's entry for one cause (`source_key`, e.g. "report_overdue:case:42"), about
    a person, a unit or a case, and start the journal's diagram on it; an entry opened before for
    the same key is returned as it is (`created` False). `source_key` None: an entry opened by
    hand, never merged with another. Only flushes; the caller commits."""
    if cause not in set(Cause):
        raise ValidationFailed([field_error("kind", "enum")])
    if source_key is not None and not (0 < len(source_key) <= KEY_MAX):
        raise ValidationFailed([field_error("source_key", "maxLength", limit=KEY_MAX)])
    if source_key is not None:
        known = _known(session, source_key)
        if known is not None:
            return known
    person = session.get(Person, person_id) if person_id is not None else None
    if person_id is not None and person is None:
        raise NotFound("No such person", person_id=person_id)
    case = session.get(ProcessInstance, case_id) if case_id is not None else None
    if case_id is not None and case is None:
        raise NotFound("No such case", case_id=case_id)
    if person is None and case is not None:
        person = session.get(Person, case.subject_id)
    unit = _unit_of(session, person, unit_id, case)
    responsible = responsible_head(session, unit, person.id if person else None, clock)
    now = clock.now()
    values = {
        "instance_id": case.id if case else None,
        "person_id": person.id if person else None,
        "unit_id": unit,
        "kind": cause,
        "note": note.strip()[:NOTE_MAX],
        "recorded_at": now,
        "source_key": source_key,
        "stage": Stage.OPENED,
        "responsible_id": responsible,
        "opened_by_id": opened_by,
    }
    entry_id = _claim_key(session, values)
    if entry_id is None:  # another transaction opened it between the look and the insert
        assert source_key is not None
        known = _known(session, source_key)
        assert known is not None
        return known
    entry = session.get(Nonconformity, entry_id)
    assert entry is not None
    flow = _start_flow(session, entry, person, responsible, opened_by, clock)
    return Opened(entry_id, True, flow)


def _start_flow(
    session: Session,
    entry: Nonconformity,
    person: Person | None,
    responsible: int | None,
    opened_by: int | None,
    clock: Clock,
) -> int | None:
    """The journal's diagram on the entry, if it is published (an installation without it works
    its entries on the journal's page alone). Its case is about the person, or else the head."""
    subject = person.id if person is not None else (responsible or opened_by)
    if subject is None:
        return None
    try:
        version = VERSIONS.put(latest_version(session, PROCESS_KEY))
    except NotFound:
        return None
    info = version.definition.info
    now = clock.now()
    instance = new_instance(
        session,
        version.id,
        PROCESS_KEY,
        f"NC-{local_date(now).year}-{secrets.token_hex(4).upper()}",
        subject,
        entry.unit_id,
        now,
    )
    entry.flow_id = instance.id
    data = {
        "policy": info.policy(),
        "entry_id": entry.id,
        "kind": entry.kind,
        "note": entry.note,
        "applicant_id": subject,
        "applicant_name": person.full_name if person else "",
        "person_id": person.id if person else None,
        "responsible_id": responsible,
        "case_key": instance.business_key,
    }
    step = Step(session, instance, version, clock, opened_by, start_data=data)
    step.log(EventKind.CASE_STARTED, info.start_event.id, version=version.version, entry=entry.id)
    step.save()
    return instance.id


def open_by_hand(session: Session, actor_id: int, typed: dict[str, str], clock: Clock) -> Opened:
    """HR, a head or a director opens an entry themselves: about a person of their units (by login)
    or one of their units; the journal records who opened it."""
    today = local_date(clock.now())
    held = [s for s in seats(session, actor_id, today) if s.role in OPENERS]
    if not held:
        raise Forbidden("Only HR and heads open journal entries by hand")
    errors = []
    cause = (typed.get("kind") or "").strip()
    note = (typed.get("note") or "").strip()
    if cause not in set(Cause):
        errors.append(field_error("kind", "enum"))
    if not note:
        errors.append(field_error("note", "required"))
    elif len(note) > NOTE_MAX:
        errors.append(field_error("note", "maxLength", limit=NOTE_MAX))
    login = (typed.get("person") or "").strip()
    person = session.scalar(select(Person).where(Person.username == login)) if login else None
    if login and (person is None or not person.is_active):
        errors.append(field_error("person", "unknown_person"))
    raw_unit = (typed.get("unit") or "").strip()
    unit_id = int(raw_unit) if raw_unit.isascii() and raw_unit.isdigit() and len(raw_unit) < 10 else None
    if unit_id is not None and session.get(OrgUnit, unit_id) is None:
        errors.append(field_error("unit", "enum"))
    elif person is None and unit_id is None:
        errors.append(field_error("unit", "required"))
    if errors:
        raise ValidationFailed(errors)
    unit = unit_id if unit_id is not None else person.org_unit_id  # type: ignore[union-attr]
    roots = scope_roots(session, actor_id, today)
    if not set(ancestors(session, unit)) & set(roots):
        raise Forbidden("The unit is outside the units you oversee")
    return open_nonconformity(
        session,
        cause=cause,
        source_key=None,
        clock=clock,
        note=note,
        person_id=person.id if person else None,
        unit_id=unit_id,
        opened_by=actor_id,
    )
