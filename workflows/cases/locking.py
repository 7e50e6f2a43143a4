"""Locking a case before changing it: its instance row first (`lock_case`, `lock_task`), then its
tasks and jobs, always in that order, so that two writers of one case queue instead of
deadlocking. PostgreSQL locks rows; SQLite, which locks no rows, takes its one write lock with a
write of the case that changes nothing. Either way the locked rows come back in one statement.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Date, Integer, ScalarSelect, Table, bindparam, select, update
from sqlalchemy.orm import Session, make_transient_to_detached, undefer
from sqlalchemy.orm.attributes import set_committed_value

from workflows.cases.models import HumanTask, ProcessInstance
from workflows.db import Base
from workflows.org.seats import seat_columns

T = TypeVar("T", bound=Base)

TASKS: Table = HumanTask.__table__  # type: ignore[assignment]
CASES: Table = ProcessInstance.__table__  # type: ignore[assignment]
TASK_KEYS = tuple(c.key for c in TASKS.columns)


def lock_case(
    session: Session, instance_id: int | ScalarSelect[int], with_state: bool = False
) -> ProcessInstance | None:
    """The instance row, fresh, and locked until the transaction ends: a second writer of the case
    waits here, then reads what the first committed. PostgreSQL locks the row (`FOR NO KEY UPDATE`,
    which rows referring to the case do not wait for); SQLite locks no rows, so there a write that
    changes nothing takes its one write lock instead, and hands the row back (one statement either
    way). `instance_id` may be a subquery: a task's case is locked by the task's id."""
    options = [undefer(ProcessInstance.state)] if with_state else []
    if session.get_bind().dialect.name == "sqlite":
        statement: Any = (
            update(ProcessInstance)
            .where(ProcessInstance.id == instance_id)
            .values(row_version=ProcessInstance.row_version)
            .returning(ProcessInstance)
        )
        fresh = {"synchronize_session": False, "populate_existing": True}
    else:
        statement = select(ProcessInstance).where(ProcessInstance.id == instance_id)
        statement = statement.with_for_update(key_share=True)
        fresh = {"populate_existing": True}
    found: ProcessInstance | None = session.scalars(
        statement.options(*options).execution_options(**fresh)
    ).first()
    return found


def lock_task(
    session: Session, task_id: int, with_state: bool, actor_id: int, today: date
) -> tuple[HumanTask, ProcessInstance, bool, int | None] | None:
    """A task and its case, the case's row locked as `lock_case` does, in one statement; read
    beside them, whether `actor_id` holds the task's seat on `today`, and for whom they deputise in it.

    PostgreSQL locks the task's row after the case's (`FOR NO KEY UPDATE OF` both, in that order):
    a writer that held the case hands both rows over as it committed them. SQLite's one write lock
    is taken by the no-op write of the case, and the task comes back in it as subqueries, each a
    lookup by primary key. The rows are read as plain columns and become the session's objects
    here (the ORM's loading of two entities cost several times the statement)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    params = {"task_id": task_id, "actor_id": actor_id, "today": today}
    row = session.connection().execute(_lock_task_statement(sqlite, with_state), params).first()
    if row is None:
        return None
    cases = len(_case_columns(with_state))
    values = dict(zip(TASK_KEYS, row[cases:-2], strict=True))
    if values["id"] is None:
        return None
    case = _persistent(
        session, ProcessInstance, dict(zip(_case_columns(with_state), row[:cases], strict=True))
    )
    if not with_state and "state" in case.__dict__:
        session.expire(case, ["state"])  # loaded before the lock: read again when next used
    return _persistent(session, HumanTask, values), case, bool(row[-2]), row[-1]


@cache
def _case_columns(with_state: bool) -> tuple[str, ...]:
    """The case's columns a lock reads (the engine state only for a step that runs the engine)."""
    return tuple(c.key for c in CASES.columns if with_state or c.key != "state")


@cache
def _lock_task_statement(sqlite: bool, with_state: bool) -> Any:
    """What `lock_task` runs, built once: the task, actor and day are parameters. Its columns: the
    case's (`_case_columns`), the task's (`TASK_KEYS`), then the seat's two."""
    task_id = bindparam("task_id", type_=Integer)
    holds, deputy_for = seat_columns(
        bindparam("actor_id", type_=Integer),
        TASKS.c.role,
        TASKS.c.org_unit_id,
        bindparam("today", type_=Date),
    )
    case = [CASES.c[key] for key in _case_columns(with_state)]
    if not sqlite:
        return (
            select(*case, *TASKS.c, holds, deputy_for)
            .join_from(CASES, TASKS, TASKS.c.instance_id == CASES.c.id)
            .where(TASKS.c.id == task_id)
            .with_for_update(key_share=True, of=[CASES, TASKS])
        )
    case_of_task = select(TASKS.c.instance_id).where(TASKS.c.id == task_id).scalar_subquery()
    by_id = select().select_from(TASKS).where(TASKS.c.id == task_id)
    fields = [by_id.add_columns(c).scalar_subquery().label(f"task_{c.key}") for c in TASKS.columns]
    seat = [select(c).where(TASKS.c.id == task_id).scalar_subquery() for c in (holds, deputy_for)]
    return (
        update(CASES)
        .where(CASES.c.id == case_of_task)
        .values(row_version=CASES.c.row_version)
        .returning(*case, *fields, *seat)
    )


def _persistent(session: Session, model: type[T], values: dict[str, Any]) -> T:
    """The row as the session's persistent object, with the values just read as its committed ones
    (as the ORM's `populate_existing` would leave it); the columns not read load when next used."""
    known = session.identity_map.get(session.identity_key(model, values["id"]))
    if isinstance(known, model):
        for name, value in values.items():
            set_committed_value(known, name, value)
        return known
    row = model(**values)
    make_transient_to_detached(row)
    session.add(row)
    return row
