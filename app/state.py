"""What the app holds for its lifetime: the database, the clock, the file store, the worker."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g
from flask_login import current_user
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from workflows.calendar import local_date
from workflows.cases.documents import FileStore
from workflows.clock import Clock
from workflows.org.seats import HeldSeat, held_seats

KEY = "biliktilik"


@dataclass
class AppState:
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    store: FileStore


def app_state(app: Flask | None = None) -> AppState:
    state: AppState = (app or current_app).extensions[KEY]
    return state


def clock() -> Clock:
    return app_state().clock


def store() -> FileStore:
    return app_state().store


def db() -> Session:
    """The request's session, opened on first use; `transaction.py` commits or rolls it back once."""
    session: Session | None = g.get("db_session")
    if session is None:
        session = app_state().sessions()
        g.db_session = session
    return session


def seats_today() -> list[HeldSeat]:
    """The signed-in person's seats today, read once a request: the page and its header share them."""
    held: list[HeldSeat] | None = g.get("held_seats")
    if held is None:
        held = held_seats(db(), current_user.id, local_date(clock().now()))
        g.held_seats = held
    return held
