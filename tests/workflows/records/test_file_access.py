"""Who sees a person's training file: the person, heads of units at or above theirs, HR, the centre,
the rector and administrators; anyone else is told it does not exist."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from tests import factories
from tests.app.test_access_matrix import SIGNED_IN
from tests.conftest import Demo
from workflows.clock import FrozenClock
from workflows.errors import NotFound
from workflows.org.models import Person
from workflows.records.access import file_access
from workflows.records.training_file import training_file

TODAY = date(2026, 3, 1)
SEES_TEACHER = {"teacher", "head", "director", "hr", "centre", "rector", "admin"}


@pytest.mark.parametrize("reader", SIGNED_IN)
def test_the_teachers_file_is_seen_by_herself_her_heads_and_oversight(
    db: Session, demo: Demo, reader: str
) -> None:
    if reader in SEES_TEACHER:
        access = file_access(db, demo[reader], demo["teacher"], TODAY)
        assert access.own == (reader == "teacher")
        assert access.can_keep == (reader in {"hr", "centre"})
        assert access.can_issue == (reader in {"teacher", "hr", "admin"})
    else:
        with pytest.raises(NotFound):
            file_access(db, demo[reader], demo["teacher"], TODAY)


def test_a_head_sees_the_people_below_the_seat_only_while_holding_it(db: Session, demo: Demo) -> None:
    head2 = db.get(Person, demo["head2"])
    assert head2 is not None
    lab = factories.unit(db, parent=head2.org_unit, kind="office")
    member = factories.person(db, lab.id)
    assert file_access(db, demo["head2"], member.id, TODAY).own is False
    with pytest.raises(NotFound):
        file_access(db, demo["head"], member.id, TODAY)
    acting = factories.person(db)
    factories.seat(db, acting.id, "department_head", head2.org_unit_id, valid_to=date(2026, 2, 1))
    with pytest.raises(NotFound):
        file_access(db, acting.id, member.id, TODAY)


def test_a_deputy_sees_what_the_head_sees(db: Session, demo: Demo) -> None:
    deputy = factories.person(db)
    factories.deputy(db, demo["head"], deputy.id, date(2026, 2, 20), date(2026, 3, 10))
    assert file_access(db, deputy.id, demo["teacher"], TODAY).can_keep is False


def test_an_unknown_person_and_a_hidden_one_read_the_same(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    with pytest.raises(NotFound) as unknown:
        training_file(db, demo["teacher2"], 999_999, clock)
    with pytest.raises(NotFound) as hidden:
        training_file(db, demo["teacher2"], demo["teacher"], clock)
    assert str(unknown.value) == str(hidden.value)
