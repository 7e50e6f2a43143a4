"""A case's history (the event log) and its current data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from workflows.cases.models import Event, ProcessInstance
from workflows.cases.steps import Step
from workflows.clock import Clock
from workflows.errors import NotFound
from workflows.org.models import Person


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str
    actor_id: int | None
    actor_name: str | None
    on_behalf_of_id: int | None
    element_id: str | None
    comment: str | None
    data: dict[str, Any]


def history(session: Session, instance_id: int) -> list[HistoryEntry]:
    rows = session.execute(
        select(Event, Person.full_name)
        .outerjoin(Person, Person.id == Event.actor_id)
        .where(Event.instance_id == instance_id)
        .order_by(Event.at, Event.id)
    ).all()
    return [
        HistoryEntry(e.at, e.kind, e.actor_id, name, e.on_behalf_of_id, e.element_id, e.comment, dict(e.data))
        for e, name in rows
    ]


def case_data(session: Session, instance_id: int, clock: Clock) -> dict[str, Any]:
    """The case's current data (opens the state: for the case page, never for lists)."""
    instance = session.get(ProcessInstance, instance_id, options=[undefer(ProcessInstance.state)])
    if instance is None:
        raise NotFound("No such case", instance_id=instance_id)
    return Step.open(session, instance, clock, None).runtime.current_data()
