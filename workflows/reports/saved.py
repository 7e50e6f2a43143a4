"""Saved filters: a register's filters under a name, per person ("my overdue", "this quarter's orders")."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.clock import Clock
from workflows.errors import NotFound, ValidationFailed, field_error
from workflows.reports.models import SavedFilter

REGISTERS = ("cases", "orders", "journal", "certificates")
NAME_MAX = 100
QUERY_MAX = 2000


@dataclass(frozen=True)
class SavedFilterView:
    id: int
    register: str
    name: str
    query: str  # the register's address query: open it by following register?query


def _view(row: SavedFilter) -> SavedFilterView:
    return SavedFilterView(row.id, row.register, row.name, row.query)


def saved_filters(session: Session, person_id: int, register: str) -> list[SavedFilterView]:
    rows = session.scalars(
        select(SavedFilter)
        .where(SavedFilter.person_id == person_id, SavedFilter.register == register)
        .order_by(SavedFilter.name)
    )
    return [_view(r) for r in rows]


def save_filter(
    session: Session, person_id: int, register: str, name: str, params: dict[str, str], clock: Clock
) -> SavedFilterView:
    """Keep `params` (the register's filter arguments) under `name`; the same name replaces it."""
    if register not in REGISTERS:
        raise NotFound("No such register", register=register)
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed([field_error("name", "required")])
    if len(name) > NAME_MAX:
        raise ValidationFailed([field_error("name", "maxLength", limit=NAME_MAX)])
    query = urlencode(sorted(params.items()))
    if len(query) > QUERY_MAX:
        raise ValidationFailed([field_error("name", "filter_too_long")])
    row = session.scalars(
        select(SavedFilter).where(
            SavedFilter.person_id == person_id, SavedFilter.register == register, SavedFilter.name == name
        )
    ).first()
    if row is None:
        row = SavedFilter(
            person_id=person_id, register=register, name=name, query=query, created_at=clock.now()
        )
        session.add(row)
    else:
        row.query, row.created_at = query, clock.now()
    session.flush()
    return _view(row)


def delete_filter(session: Session, person_id: int, filter_id: int) -> str:
    """Forget one of the person's saved filters; returns its register. Another's is not found."""
    row = session.get(SavedFilter, filter_id)
    if row is None or row.person_id != person_id:
        raise NotFound("No such saved filter", filter_id=filter_id)
    register = row.register
    session.delete(row)
    session.flush()
    return register


def filter_params(query: str) -> dict[str, str]:
    return dict(parse_qsl(query))
