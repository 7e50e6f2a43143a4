"""Archiving a process: its owner takes it out of use (no new case starts on it) without touching
the cases already running on it, and can put it back."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from workflows.cases.models import Event, EventKind
from workflows.clock import Clock
from workflows.definitions.draft_rows import latest_row, require_owner
from workflows.definitions.models import DefinitionKind, ProcessArchive
from workflows.errors import NotAllowedNow, NotFound


def archived_keys(session: Session) -> set[str]:
    return set(session.scalars(select(ProcessArchive.process_key)))


def is_archived(session: Session, process_key: str) -> bool:
    found = session.scalar(select(ProcessArchive.id).where(ProcessArchive.process_key == process_key))
    return found is not None


def _require_process(session: Session, process_key: str) -> None:
    latest = latest_row(session, process_key)
    if latest is None or latest.kind != DefinitionKind.PROCESS:
        raise NotFound(f"No published process '{process_key}'", process_key=process_key)


def _log(session: Session, kind: EventKind, process_key: str, actor_id: int, clock: Clock) -> None:
    session.add(
        Event(
            instance_id=None,
            process_key=process_key,
            at=clock.now(),
            kind=kind,
            actor_id=actor_id,
            data={"process_key": process_key},
        )
    )


def archive_process(session: Session, process_key: str, actor_id: int, clock: Clock) -> None:
    """No new case starts on the process from now on; running cases continue on their versions."""
    require_owner(session, actor_id, clock)
    _require_process(session, process_key)
    if is_archived(session, process_key):
        raise NotAllowedNow("process_archived", "The process is archived already", process_key=process_key)
    session.add(ProcessArchive(process_key=process_key, archived_by_id=actor_id, archived_at=clock.now()))
    _log(session, EventKind.DEFINITION_ARCHIVED, process_key, actor_id, clock)
    session.flush()


def unarchive_process(session: Session, process_key: str, actor_id: int, clock: Clock) -> None:
    require_owner(session, actor_id, clock)
    _require_process(session, process_key)
    removed = session.execute(delete(ProcessArchive).where(ProcessArchive.process_key == process_key))
    if not removed.rowcount:  # type: ignore[attr-defined]  # a DML result has a row count
        raise NotAllowedNow("process_not_archived", "The process is not archived", process_key=process_key)
    _log(session, EventKind.DEFINITION_UNARCHIVED, process_key, actor_id, clock)
    session.flush()
