"""Failed sign-ins, counted where they come from, so that guessing is slowed down without anyone
being locked out by somebody else.

Failures are counted for each login from each network address, and for each address over all
logins. When a count reaches its limit, that login from that address (or the whole address) waits
before the next attempt is even checked; each further failure doubles the wait, up to a maximum.
Failures from another address never make anybody wait, so the right password from an address that
is not waiting always signs in. A count is forgotten once its last failure is older than the window;
the right password forgets the failures of that login from that address (not the address's own).

The counts live in the database (`sign_in_throttle`), so every web process sees the same ones.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from workflows.org.models import SignInThrottle

WHOLE_ADDRESS = ""  # the login of the row that counts an address's failures at every login
LOGIN_LENGTH = 100
ADDRESS_LENGTH = 64
IPV6_NETWORK = 64  # one subscriber gets a whole /64: its addresses count as one
_MAX_DOUBLINGS = 30
_PRUNE_BATCH = 100


@dataclass(frozen=True)
class ThrottlePolicy:
    failures_per_login: int  # failures at one login from one address before it waits
    failures_per_address: int  # failures from one address, at any logins, before the address waits
    delay_seconds: int  # the first wait; every further failure doubles it
    max_delay_seconds: int
    window_minutes: int  # a count is forgotten once its last failure is this old


def address_key(remote_address: str | None) -> str:
    """Where an attempt comes from: an IPv4 address, or the /64 network of an IPv6 address."""
    raw = (remote_address or "").strip()
    try:
        parsed = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:ADDRESS_LENGTH]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, IPV6_NETWORK), strict=False))
    return str(parsed)


def login_key(username: str) -> str:
    return username.strip().lower()[:LOGIN_LENGTH]


def waiting(session: Session, address: str, login: str, now: datetime) -> bool:
    """Whether attempts at `login` from `address` wait now (that login's count or the address's)."""
    found = session.scalar(
        select(SignInThrottle.id)
        .where(
            SignInThrottle.address == address,
            SignInThrottle.login.in_([WHOLE_ADDRESS, login]),
            SignInThrottle.blocked_until > now,
        )
        .limit(1)
    )
    return found is not None


def record_failure(session: Session, address: str, login: str, now: datetime, policy: ThrottlePolicy) -> None:
    """Count a failed attempt at `login` from `address`, for the login and for the whole address."""
    # Always the address's row first: two processes counting at once lock in the same order.
    _count(session, address, WHOLE_ADDRESS, now, policy.failures_per_address, policy)
    if login != WHOLE_ADDRESS:
        _count(session, address, login, now, policy.failures_per_login, policy)
    _prune(session, now, policy)
    session.flush()


def forget_failures(session: Session, address: str, login: str) -> None:
    """The right password: the failures at this login from this address no longer count."""
    if login != WHOLE_ADDRESS:
        session.execute(
            delete(SignInThrottle).where(SignInThrottle.address == address, SignInThrottle.login == login)
        )


def _count(
    session: Session, address: str, login: str, now: datetime, limit: int, policy: ThrottlePolicy
) -> None:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(SignInThrottle)
        .values(address=address, login=login, failures=0, last_failure_at=now)
        .on_conflict_do_nothing(index_elements=["address", "login"])
    )
    row = session.scalars(
        select(SignInThrottle)
        .where(SignInThrottle.address == address, SignInThrottle.login == login)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if row.last_failure_at < now - timedelta(minutes=policy.window_minutes):
        row.failures, row.blocked_until = 0, None
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= limit:
        doublings = min(row.failures - limit, _MAX_DOUBLINGS)
        row.blocked_until = now + timedelta(
            seconds=min(policy.delay_seconds * 2**doublings, policy.max_delay_seconds)
        )


def _prune(session: Session, now: datetime, policy: ThrottlePolicy) -> None:
    """Drop a bounded batch of counts that are forgotten anyway, skipping rows others hold."""
    stale = (
        select(SignInThrottle.id)
        .where(
            SignInThrottle.last_failure_at < now - timedelta(minutes=policy.window_minutes),
            or_(SignInThrottle.blocked_until.is_(None), SignInThrottle.blocked_until <= now),
        )
        .limit(_PRUNE_BATCH)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(stale))
    if ids:
        session.execute(delete(SignInThrottle).where(SignInThrottle.id.in_(ids)))
