"""Removing records past their retention period (`biliktilik purge`): listed first, removed only
when asked to, and never anything younger than its period.

What goes: cases of the qualification procedure ended longer ago than the schedule's period
(602-01) with their tasks, timers, history, notices and orders; closed journal entries older than
the journal's period with the journal's case that worked them; staff imports older than the staff
lists' period (602-02). What stays: the training records of a removed case (the personal training
file keeps them, without the case) and documents other records still name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import CursorResult, Table, delete, select, update
from sqlalchemy.orm import Session

from workflows.calendar import LOCAL_TZ, add_months, local_date
from workflows.cases.models import ProcessInstance
from workflows.clock import Clock
from workflows.definitions.catalog import listed_keys
from workflows.definitions.listing import Listing
from workflows.org.audit import Subject, record_change
from workflows.org.import_models import ImportRun
from workflows.records.models import Nonconformity
from workflows.reports.retention import retention_for
from workflows.schema import metadata

# Rows that belong to what they point at: removed with it, even where the column may be empty.
OWNED = frozenset({"human_task", "job", "event", "notification", "incident", "training_order"})


@dataclass(frozen=True)
class PastPeriod:
    kind: str  # the kind of 000's list
    table: str
    id: int
    label: str  # what a person recognises it by: a case number, an entry number, a file name
    since: datetime  # ended, closed or imported then
    kept_until: datetime  # the end of its period


def _cutoff(clock: Clock, years: int) -> datetime:
    day = add_months(local_date(clock.now()), -12 * years)
    return datetime.combine(day, time.min, LOCAL_TZ)


def past_period(session: Session, clock: Clock) -> list[PastPeriod]:
    """Everything past its period today, oldest first within each kind."""
    found: list[PastPeriod] = []
    schedule, journal, staff = (retention_for(session, k) for k in ("schedule", "journal", "staff_lists"))
    if schedule is not None:
        cutoff = _cutoff(clock, schedule.years)
        # The journal's own cases are kept with its entries, by the journal's period.
        journal_processes, _ = listed_keys(session, frozenset({Listing.JOURNAL}))
        rows = session.execute(
            select(ProcessInstance.id, ProcessInstance.business_key, ProcessInstance.ended_at)
            .where(
                ProcessInstance.process_key.not_in(journal_processes),
                ProcessInstance.ended_at.is_not(None),
                ProcessInstance.ended_at < cutoff,
            )
            .order_by(ProcessInstance.ended_at, ProcessInstance.id)
        ).all()
        found += [
            PastPeriod("schedule", "process_instance", i, k, e, _until(e, schedule.years))
            for i, k, e in rows
            if e is not None
        ]
    if journal is not None:
        cutoff = _cutoff(clock, journal.years)
        entries = session.execute(
            select(Nonconformity.id, Nonconformity.closed_at)
            .where(Nonconformity.closed_at.is_not(None), Nonconformity.closed_at < cutoff)
            .order_by(Nonconformity.closed_at, Nonconformity.id)
        ).all()
        found += [
            PastPeriod("journal", "nonconformity", i, f"№ {i}", c, _until(c, journal.years))
            for i, c in entries
            if c is not None
        ]
    if staff is not None:
        cutoff = _cutoff(clock, staff.years)
        runs = session.execute(
            select(ImportRun.id, ImportRun.file_name, ImportRun.created_at)
            .where(ImportRun.created_at < cutoff)
            .order_by(ImportRun.created_at, ImportRun.id)
        ).all()
        found += [
            PastPeriod("staff_lists", "import_run", i, n, c, _until(c, staff.years)) for i, n, c in runs
        ]
    return found


def _until(since: datetime, years: int) -> datetime:
    local = since.astimezone(LOCAL_TZ)
    return datetime.combine(add_months(local.date(), 12 * years), local.timetz())


def _remove(session: Session, table: Table, ids: list[Any]) -> int:
    """Delete the rows and what belongs to them; other rows naming them keep themselves, unnamed."""
    if not ids:
        return 0
    for other in metadata.sorted_tables:
        if other is table:
            continue
        for fk in other.foreign_keys:
            if fk.column.table is not table:
                continue
            column = fk.parent
            if column.nullable and other.name not in OWNED:
                session.execute(update(other).where(column.in_(ids)).values({column.name: None}))
            elif "id" in other.c:
                children = list(session.scalars(select(other.c.id).where(column.in_(ids))))
                _remove(session, other, children)
            else:
                session.execute(delete(other).where(column.in_(ids)))
    result: CursorResult[Any] = session.execute(delete(table).where(table.c.id.in_(ids)))  # type: ignore[assignment]
    return result.rowcount or 0


def purge(session: Session, clock: Clock, actor_id: int | None = None) -> dict[str, int]:
    """Remove what `past_period` lists (checked again now, never a list from before); the audit
    log keeps what was removed, by kind and label. Only flushes."""
    items = past_period(session, clock)
    removed: dict[str, int] = {}
    flows = [
        f
        for f in session.scalars(
            select(Nonconformity.flow_id).where(
                Nonconformity.id.in_([i.id for i in items if i.table == "nonconformity"])
            )
        )
        if f is not None
    ]
    for name in ("nonconformity", "process_instance", "import_run"):
        ids = [i.id for i in items if i.table == name]
        if name == "process_instance":
            ids += flows
        count = _remove(session, metadata.tables[name], ids)
        if ids:
            removed[name] = count
    for item in items:
        data = {"kind": item.kind, "label": item.label, "kept_until": item.kept_until.isoformat()}
        record_change(session, actor_id, "record_purged", Subject.PURGE, item.id, clock, data)
    session.flush()
    return removed
