"""Failed sign-ins counted per login and address, and per address: waits that grow, are forgotten,
and are shared by every process through the database."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workflows.clock import FrozenClock
from workflows.org.models import SignInThrottle
from workflows.org.throttle import (
    WHOLE_ADDRESS,
    ThrottlePolicy,
    address_key,
    forget_failures,
    record_failure,
    waiting,
)

POLICY = ThrottlePolicy(
    failures_per_login=3, failures_per_address=6, delay_seconds=10, max_delay_seconds=60, window_minutes=30
)
HOST = "203.0.113.5"


def _row(session: Session, login: str, address: str = HOST) -> SignInThrottle | None:
    return session.scalar(
        select(SignInThrottle).where(SignInThrottle.address == address, SignInThrottle.login == login)
    )


def _fail(session: Session, login: str, now: datetime, times: int = 1, address: str = HOST) -> None:
    for _ in range(times):
        record_failure(session, address, login, now, POLICY)


def test_addresses_are_counted_by_host_and_ipv6_by_its_64_network() -> None:
    assert address_key("203.0.113.5") == "203.0.113.5"
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:203.0.113.5") == "203.0.113.5"
    assert address_key(None) == ""
    assert address_key("x" * 100) == "x" * 64


def test_a_login_waits_after_its_limit_and_each_further_failure_doubles_the_wait_up_to_the_maximum(
    db: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    _fail(db, "head", now, 2)
    assert not waiting(db, HOST, "head", now)
    _fail(db, "head", now)
    assert waiting(db, HOST, "head", now)
    assert not waiting(db, HOST, "teacher", now)  # another login from the same address
    assert not waiting(db, "198.51.100.1", "head", now)  # the same login from elsewhere
    waits = []
    for _ in range(4):
        row = _row(db, "head")
        assert row is not None and row.blocked_until is not None
        waits.append((row.blocked_until - now).total_seconds())
        now = row.blocked_until
        _fail(db, "head", now)
    assert waits == [10, 20, 40, 60]


def test_an_address_waits_for_every_login_after_its_own_limit(db: Session, clock: FrozenClock) -> None:
    now = clock.now()
    for n in range(6):
        _fail(db, f"guess{n}", now)
    assert waiting(db, HOST, "someone-never-tried", now)
    assert not waiting(db, HOST, "someone-never-tried", now + timedelta(seconds=11))


def test_failures_are_forgotten_after_the_window(db: Session, clock: FrozenClock) -> None:
    now = clock.now()
    _fail(db, "head", now, 2)
    later = now + timedelta(minutes=31)
    _fail(db, "head", later, 2)
    row = _row(db, "head")
    assert row is not None and row.failures == 2
    assert not waiting(db, HOST, "head", later)


def test_the_right_password_forgets_that_logins_count_but_not_the_addresss(
    db: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    _fail(db, "head", now, 2)
    forget_failures(db, HOST, "head")
    assert _row(db, "head") is None
    address = _row(db, WHOLE_ADDRESS)
    assert address is not None and address.failures == 2


def test_counts_that_are_forgotten_anyway_are_pruned(db: Session, clock: FrozenClock) -> None:
    now = clock.now()
    _fail(db, "old", now - timedelta(hours=2), address="192.0.2.1")
    _fail(db, "recent", now - timedelta(minutes=5), address="192.0.2.2")
    _fail(db, "head", now)
    assert _row(db, "old", "192.0.2.1") is None
    assert _row(db, WHOLE_ADDRESS, "192.0.2.1") is None
    assert _row(db, "recent", "192.0.2.2") is not None


def test_processes_counting_at_the_same_moment_lose_no_failure(
    committed_factory: sessionmaker[Session], clock: FrozenClock
) -> None:
    rounds, barrier = 8, threading.Barrier(3)
    errors: list[BaseException] = []

    def count() -> None:
        barrier.wait()
        try:
            for _ in range(rounds):
                with committed_factory() as session:
                    record_failure(session, HOST, "rector", clock.now(), POLICY)
                    session.commit()
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=count) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with committed_factory() as session:
        login, address = _row(session, "rector"), _row(session, WHOLE_ADDRESS)
        assert login is not None and address is not None
        assert (login.failures, address.failures) == (3 * rounds, 3 * rounds)
