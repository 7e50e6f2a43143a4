"""The audit log keeps who changed what and when, newest first, per subject."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from tests.conftest import Demo
from workflows.clock import FrozenClock
from workflows.errors import Forbidden
from workflows.org.audit import Subject, audit_trail, changes, record_change
from workflows.org.authority import administers, require_administration


def test_entries_come_back_newest_first_with_the_actor_named(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    record_change(db, demo["admin"], "unit_renamed", Subject.UNIT, 7, clock, {"name_kk": ["А", "Б"]})
    clock.advance(minutes=5)
    record_change(db, None, "import_applied", Subject.IMPORT, None, clock, comment="staff.xlsx")
    db.flush()
    newest, oldest = audit_trail(db)[:2]
    assert (newest.action, newest.actor_name, newest.comment) == ("import_applied", None, "staff.xlsx")
    assert (oldest.actor_name, oldest.data) == ("Администратор", {"name_kk": ["А", "Б"]})
    assert newest.at > oldest.at
    assert [line.action for line in audit_trail(db, Subject.UNIT, 7)] == ["unit_renamed"]
    assert audit_trail(db, Subject.UNIT, 8) == []


def test_changes_name_only_the_fields_that_differ() -> None:
    before = {"name": "А", "closed_on": None, "kind": "department"}
    after = {"name": "Б", "closed_on": date(2026, 12, 1), "kind": "department"}
    assert changes(before, after) == {"closed_on": [None, "2026-12-01"], "name": ["А", "Б"]}


def test_only_administrators_and_hr_administer(db: Session, demo: Demo) -> None:
    on = date(2026, 3, 1)
    people = ("admin", "hr", "head", "teacher", "rector")
    assert [name for name in people if administers(db, demo[name], on)] == ["admin", "hr"]
    with pytest.raises(Forbidden):
        require_administration(db, demo["head"], on)
