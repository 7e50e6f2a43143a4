"""Signing in, the sessions a person has open, and changing the password, below the web."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Demo
from workflows.clock import FrozenClock
from workflows.errors import Forbidden, NotFound, ValidationFailed
from workflows.org.accounts import account, authenticate, sign_out_everywhere
from workflows.org.models import Person
from workflows.org.passwords import PasswordPolicy, change_password, common_passwords
from workflows.org.throttle import ThrottlePolicy

THROTTLE = ThrottlePolicy(5, 20, 30, 900, 60)
PASSWORDS = PasswordPolicy(min_length=10, max_length=200)
HOST = "192.0.2.10"


def test_signing_in_hands_out_the_current_session_generation(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    result = authenticate(db, " Teacher ", "demo", HOST, clock, THROTTLE)
    assert (result.person_id, result.session_generation) == (demo["teacher"], 0)
    assert account(db, demo["teacher"], 0) is not None
    assert not authenticate(db, "teacher", "wrong", HOST, clock, THROTTLE).ok
    assert not authenticate(db, "t" * 101, "demo", HOST, clock, THROTTLE).ok


def test_ending_the_sessions_makes_every_earlier_generation_worthless(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    ended = sign_out_everywhere(db, demo["teacher"], demo["teacher"], clock)
    assert (ended.person_id, ended.session_generation) == (demo["teacher"], 1)
    assert "Айгүл" in ended.full_name
    assert account(db, demo["teacher"], 0) is None
    found = account(db, demo["teacher"], 1)
    assert found is not None and found.session_generation == 1
    assert authenticate(db, "teacher", "demo", HOST, clock, THROTTLE).session_generation == 1


def test_only_the_person_or_an_administrator_ends_their_sessions(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    with pytest.raises(Forbidden):
        sign_out_everywhere(db, demo["head"], demo["teacher"], clock)
    with pytest.raises(Forbidden):  # and nobody else learns whether a person exists
        sign_out_everywhere(db, demo["head"], 999999, clock)
    assert account(db, demo["teacher"], 0) is not None
    sign_out_everywhere(db, demo["admin"], demo["teacher"], clock)
    assert account(db, demo["teacher"], 0) is None
    with pytest.raises(NotFound):
        sign_out_everywhere(db, demo["admin"], 999999, clock)


def _hash(db: Session, person_id: int) -> str | None:
    return db.scalar(select(Person.password_hash).where(Person.id == person_id))


def test_a_password_change_checks_the_current_one_and_the_rules(db: Session, demo: Demo) -> None:
    teacher = demo["teacher"]
    before = _hash(db, teacher)
    attempts = {
        ("wrong", "Көктем-жаз-2026", "Көктем-жаз-2026"): [("current_password", "password_wrong")],
        ("demo", "short", "short"): [("new_password", "minLength")],
        ("demo", "QwertyUiop", "QwertyUiop"): [("new_password", "password_common")],
        ("demo", "Көктем-жаз-2026", "Көктем-жаз-2025"): [("repeat_password", "password_mismatch")],
        ("demo", "x" * 201, "x" * 201): [("new_password", "maxLength")],
        ("", "", ""): [
            ("current_password", "required"),
            ("new_password", "required"),
            ("repeat_password", "required"),
        ],
    }
    for (current, new, repeated), expected in attempts.items():
        with pytest.raises(ValidationFailed) as refused:
            change_password(db, teacher, current, new, repeated, PASSWORDS)
        assert [(e.field, e.code) for e in refused.value.errors] == expected, (current, new)
        assert all(e.message and e.message != e.code for e in refused.value.errors)  # English for logs
    assert _hash(db, teacher) == before


def test_a_password_change_stores_an_argon2_hash_and_ends_the_other_sessions(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    generation = change_password(db, demo["teacher"], "demo", "Көктем-жаз-2026", "Көктем-жаз-2026", PASSWORDS)
    assert generation == 1
    hashed = _hash(db, demo["teacher"])
    assert hashed is not None and hashed.startswith("$argon2id$")
    assert account(db, demo["teacher"], 0) is None
    assert not authenticate(db, "teacher", "demo", HOST, clock, THROTTLE).ok
    assert authenticate(db, "teacher", "Көктем-жаз-2026", HOST, clock, THROTTLE).ok


def test_the_common_passwords_list_is_shipped_and_lower_case() -> None:
    common = common_passwords()
    assert len(common) > 19000
    assert {"123456", "password", "qwertyuiop", "1q2w3e4r5t"} <= common
    assert all(p == p.lower() for p in common)
