"""Makes SpiffWorkflow's timers read the injected clock.

SpiffWorkflow's timer events call `datetime.now(timezone.utc)` directly. The product moves
time with a clock object (tests, the demo, the worker firing what is due "as of" a time),
so the timer module's `datetime` is replaced by a subclass whose `now()` asks the clock
bound to the current context. Outside `clock_context` it is the real time.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer_module

from workflows.clock import Clock

_current: contextvars.ContextVar[Clock | None] = contextvars.ContextVar("engine_clock", default=None)


class _ClockedDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _ClockedDatetime:
        clock = _current.get()
        moment = clock.now() if clock is not None else datetime.now(UTC)
        at = moment.astimezone(tz) if tz is not None else moment.astimezone().replace(tzinfo=None)
        return cls(at.year, at.month, at.day, at.hour, at.minute, at.second, at.microsecond, at.tzinfo)


_timer_module.datetime = _ClockedDatetime


@contextmanager
def clock_context(clock: Clock) -> Iterator[None]:
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)
