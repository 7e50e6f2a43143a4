"""The nonconformity journal (000 §9.3): where missed results are recorded, analysed at the unit's
meeting, corrected and re-checked.

HR and the competence centre work the entries; heads and directors read their units' entries,
HR, the centre, the rector and administrators everyone's. Each change is written to the audit log
with the fields before and after; closing needs a note, so no entry is closed silently.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from workflows.calendar import LOCAL_TZ, local_date
from workflows.cases.access import within
from workflows.cases.models import HumanTask, ProcessInstance, TaskStatus
from workflows.clock import Clock
from workflows.errors import Forbidden, NotAllowedNow, NotFound, ValidationFailed, field_error
from workflows.nonconformity.opening import OPENERS
from workflows.org.audit import changes
from workflows.org.models import AuditEntry, OrgUnit, Person
from workflows.org.roles import Role
from workflows.org.seats import ancestors, seats
from workflows.records.models import Nonconformity
from workflows.reports.registers import EXPORT_CHUNK, ScopeUnit, in_units, scope_roots, scope_tree

WRITERS = frozenset({Role.HR, Role.COMPETENCE_CENTRE})
TEXT_MAX = 4000
AUDIT_SUBJECT = "nonconformity"


@dataclass(frozen=True)
class JournalFilter:
    kind: str | None = None
    unit_id: int | None = None
    is_open: bool | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True)
class JournalEntry:
    id: int
    kind: str
    note: str
    recorded_at: datetime
    person_name: str | None
    unit_names: dict[str, str]
    case_id: int | None
    business_key: str | None
    analysis: str | None
    minutes_ref: str | None
    analysed_on: date | None
    corrective_action: str | None
    action_owner: str | None
    action_due: date | None
    recheck_note: str | None
    rechecked_on: date | None
    closed_at: datetime | None
    closed_by: str | None
    stage: str | None = None  # where the journal's diagram has got to (None: worked on this page)
    flow_id: int | None = None  # the journal's own case that works the entry
    cause: str | None = None
    step_name: str | None = None  # the open step of that case, and who holds it
    step_holder: str | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class JournalPage:
    entries: list[JournalEntry]
    total: int
    page: int
    per_page: int
    kinds: list[str]
    can_write: bool
    units: list[ScopeUnit] = field(default_factory=list)
    can_open: bool = False  # HR, heads and directors open entries by hand


_person, _unit, _owner, _closer = aliased(Person), aliased(OrgUnit), aliased(Person), aliased(Person)
# The unit an entry belongs to: its own, else its case's, else the person's.
_entry_unit = func.coalesce(Nonconformity.unit_id, ProcessInstance.subject_unit_id, _person.org_unit_id)


def _reader(session: Session, person_id: int, today: date) -> tuple[list[int], bool]:
    roots = scope_roots(session, person_id, today)
    return roots, any(s.role in WRITERS for s in seats(session, person_id, today))


def _opener(session: Session, person_id: int, today: date) -> bool:
    return any(s.role in OPENERS for s in seats(session, person_id, today))


def _base(roots: list[int]) -> Select[Any]:
    return (
        select(Nonconformity, _person.full_name, _unit.name_kk, _unit.name_ru, _unit.name_en)
        .add_columns(ProcessInstance.business_key, _owner.full_name, _closer.full_name)
        .outerjoin(ProcessInstance, ProcessInstance.id == Nonconformity.instance_id)
        .outerjoin(_person, _person.id == Nonconformity.person_id)
        .outerjoin(_unit, _unit.id == _entry_unit)
        .outerjoin(_owner, _owner.id == Nonconformity.action_owner_id)
        .outerjoin(_closer, _closer.id == Nonconformity.closed_by_id)
        .where(*in_units(_entry_unit, roots, None))
    )


def _conditions(flt: JournalFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if flt.kind:
        found.append(Nonconformity.kind == flt.kind)
    if flt.unit_id is not None:
        found.append(within(_entry_unit, [flt.unit_id], "chosen_units"))
    if flt.is_open is True:
        found.append(Nonconformity.closed_at.is_(None))
    elif flt.is_open is False:
        found.append(Nonconformity.closed_at.is_not(None))
    if flt.date_from:
        found.append(Nonconformity.recorded_at >= datetime.combine(flt.date_from, time.min, LOCAL_TZ))
    if flt.date_to:
        next_day = datetime.combine(flt.date_to + timedelta(days=1), time.min, LOCAL_TZ)
        found.append(Nonconformity.recorded_at < next_day)
    return found


def _entry(raw: Any) -> JournalEntry:
    n, person, kk, ru, en, key, owner, closer = raw
    return JournalEntry(
        n.id,
        n.kind,
        n.note,
        n.recorded_at,
        person,
        {"kk": kk, "ru": ru, "en": en} if kk else {},
        n.instance_id,
        key,
        n.analysis,
        n.minutes_ref,
        n.analysed_on,
        n.corrective_action,
        owner,
        n.action_due,
        n.recheck_note,
        n.rechecked_on,
        n.closed_at,
        closer,
        n.stage,
        n.flow_id,
        n.cause,
    )


def _with_steps(session: Session, entries: list[JournalEntry]) -> list[JournalEntry]:
    """Each entry with the open step of its journal case and who holds it (one query a page)."""
    flows = [e.flow_id for e in entries if e.flow_id is not None]
    if not flows:
        return entries
    rows = session.execute(
        select(HumanTask.instance_id, HumanTask.name, _owner.full_name, HumanTask.role)
        .outerjoin(_owner, _owner.id == HumanTask.assignee_id)
        .where(HumanTask.instance_id.in_(flows), HumanTask.status == TaskStatus.OPEN)
        .order_by(HumanTask.id)
    ).all()
    steps = {flow: (name, holder or role) for flow, name, holder, role in rows}
    return [
        replace(e, step_name=steps[e.flow_id][0], step_holder=steps[e.flow_id][1])
        if e.flow_id in steps
        else e
        for e in entries
    ]


def journal(session: Session, person_id: int, clock: Clock, flt: JournalFilter | None = None) -> JournalPage:
    flt = flt or JournalFilter()
    roots, can_write = _reader(session, person_id, local_date(clock.now()))
    query = _base(roots).where(*_conditions(flt))
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    page = max(flt.page, 1)
    raw = session.execute(
        query.order_by(Nonconformity.recorded_at.desc(), Nonconformity.id.desc())
        .limit(flt.per_page)
        .offset((page - 1) * flt.per_page)
    ).all()
    kinds = list(session.scalars(select(Nonconformity.kind).distinct().order_by(Nonconformity.kind)))
    units = scope_tree(session, roots)
    entries = _with_steps(session, [_entry(r) for r in raw])
    can_open = _opener(session, person_id, local_date(clock.now()))
    return JournalPage(entries, total, page, flt.per_page, kinds, can_write, units, can_open)


def journal_rows(
    session: Session, person_id: int, clock: Clock, flt: JournalFilter
) -> Iterator[JournalEntry]:
    roots, _ = _reader(session, person_id, local_date(clock.now()))
    query = (
        _base(roots)
        .where(*_conditions(flt))
        .order_by(Nonconformity.recorded_at.desc(), Nonconformity.id.desc())
    )

    def rows() -> Iterator[JournalEntry]:
        for chunk in session.execute(query.execution_options(yield_per=EXPORT_CHUNK)).partitions():
            yield from _with_steps(session, [_entry(r) for r in chunk])

    return rows()


def journal_entry(session: Session, person_id: int, entry_id: int, clock: Clock) -> tuple[JournalEntry, bool]:
    """One entry the person may read (NotFound otherwise), and whether they may work it."""
    roots, can_write = _reader(session, person_id, local_date(clock.now()))
    raw = session.execute(_base(roots).where(Nonconformity.id == entry_id)).first()
    if raw is None:
        raise NotFound("No such journal entry", entry_id=entry_id)
    return _with_steps(session, [_entry(raw)])[0], can_write


TEXT_FIELDS = {
    "analysis": TEXT_MAX,
    "minutes_ref": 100,
    "corrective_action": TEXT_MAX,
    "recheck_note": TEXT_MAX,
}
DATE_FIELDS = ("analysed_on", "action_due", "rechecked_on")
FIELDS = (*TEXT_FIELDS, *DATE_FIELDS, "action_owner_id")


def _read(session: Session, typed: Mapping[str, str]) -> dict[str, Any]:
    """The fields of `typed` that the journal keeps, as values (an empty field clears its value)."""
    values: dict[str, Any] = {}
    errors = []
    for name, limit in TEXT_FIELDS.items():
        if name in typed:
            text = typed[name].strip()
            if len(text) > limit:
                errors.append(field_error(name, "maxLength", limit=limit))
            values[name] = text or None
    for name in DATE_FIELDS:
        if name in typed:
            try:
                values[name] = date.fromisoformat(typed[name]) if typed[name].strip() else None
            except ValueError:
                errors.append(field_error(name, "format_date"))
    if "action_owner_id" in typed:
        raw = typed["action_owner_id"].strip()
        owner = session.get(Person, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
        if raw and owner is None:
            errors.append(field_error("action_owner_id", "enum"))
        values["action_owner_id"] = owner.id if owner is not None else None
    if errors:
        raise ValidationFailed(errors)
    return values


def _writable(session: Session, person_id: int, entry_id: int, clock: Clock) -> Nonconformity:
    journal_entry(session, person_id, entry_id, clock)  # NotFound unless it is in the person's scope
    _, can_write = _reader(session, person_id, local_date(clock.now()))
    if not can_write:
        raise Forbidden("Only HR and the competence centre work the journal")
    entry = session.get(Nonconformity, entry_id)
    assert entry is not None  # journal_entry found it
    if entry.flow_id is not None:
        raise NotAllowedNow("entry_in_process", "The entry is worked through its process: act on its steps")
    return entry


def _audit(
    session: Session, actor_id: int, action: str, entry: Nonconformity, data: dict[str, Any], clock: Clock
) -> None:
    session.add(
        AuditEntry(
            at=clock.now(),
            actor_id=actor_id,
            action=action,
            subject_kind=AUDIT_SUBJECT,
            subject_id=entry.id,
            data=data,
        )
    )


def work_entry(
    session: Session, actor_id: int, entry_id: int, typed: Mapping[str, str], clock: Clock
) -> None:
    """Record the analysis at the meeting, the corrective action or the re-check of an open entry:
    the fields present in `typed` (as a form sends them) replace what the entry held."""
    entry = _writable(session, actor_id, entry_id, clock)
    if entry.closed_at is not None:
        raise NotAllowedNow("entry_closed", "The entry is closed: reopen it first")
    values = _read(session, typed)
    before = {name: getattr(entry, name) for name in FIELDS}
    for name, value in values.items():
        setattr(entry, name, value)
    after = {name: getattr(entry, name) for name in FIELDS}
    diff = changes(before, after)
    if diff:
        _audit(session, actor_id, "nonconformity_worked", entry, diff, clock)
    session.flush()


def close_entry(session: Session, actor_id: int, entry_id: int, note: str, clock: Clock) -> None:
    """Close an entry after its re-check, saying why; the note stays in the audit log."""
    entry = _writable(session, actor_id, entry_id, clock)
    if entry.closed_at is not None:
        raise NotAllowedNow("entry_closed", "The entry is already closed")
    if not note.strip():
        raise ValidationFailed([field_error("close_note", "close_note")])
    if not entry.rechecked_on:
        raise ValidationFailed([field_error("close_note", "close_before_recheck")])
    entry.closed_at, entry.closed_by_id = clock.now(), actor_id
    _audit(session, actor_id, "nonconformity_closed", entry, {"note": note.strip()[:TEXT_MAX]}, clock)
    session.flush()


def reopen_entry(session: Session, actor_id: int, entry_id: int, note: str, clock: Clock) -> None:
    entry = _writable(session, actor_id, entry_id, clock)
    if entry.closed_at is None:
        raise NotAllowedNow("entry_open", "The entry is open")
    if not note.strip():
        raise ValidationFailed([field_error("close_note", "close_note")])
    entry.closed_at, entry.closed_by_id = None, None
    _audit(session, actor_id, "nonconformity_reopened", entry, {"note": note.strip()[:TEXT_MAX]}, clock)
    session.flush()


def owner_choices(session: Session, entry_id: int) -> list[tuple[int, str]]:
    """Who can own an entry's corrective action: the active people of its unit and the units above."""
    raw = session.execute(
        select(_entry_unit)
        .select_from(Nonconformity)
        .outerjoin(ProcessInstance, ProcessInstance.id == Nonconformity.instance_id)
        .outerjoin(_person, _person.id == Nonconformity.person_id)
        .where(Nonconformity.id == entry_id)
    ).scalar()
    if raw is None:
        return []
    units = ancestors(session, raw)
    people = session.execute(
        select(Person.id, Person.full_name)
        .where(Person.org_unit_id.in_(units), Person.is_active.is_(True))
        .order_by(Person.full_name)
    ).all()
    return [(p, n) for p, n in people]
