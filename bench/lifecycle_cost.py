"""Where a step's time goes and what a finished case leaves in the database: the phase timers, the
ten-step process (bench/ten_steps/) through the services, the database growth per finished
instance, and the summary lines bench/lifecycle.py ends with. It only measures; lifecycle.py prints."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from workflows.cases.start import start_case
from workflows.cases.tasks import complete_task
from workflows.definitions.publishing import publish
from workflows.engine.runtime import Runtime

TEN_STEPS_DIR = Path(__file__).resolve().parent / "ten_steps"
TEN_STEPS = "ten_steps"
TEN_STEP_DATA: dict[str, Any] = {"note": "Дайын"}
# The last phase is what is left: the services' Python, SQLAlchemy's ORM and statement building.
SQL = "SQL statements (the driver's execute)"
PHASES = ("engine", "serialization", "commit", SQL, "Python, ORM and the rest")


def publish_ten_steps(session: Session, clock: Any) -> None:
    forms = {path.stem: json.loads(path.read_text("utf-8")) for path in TEN_STEPS_DIR.glob("*.json")}
    bpmn = (TEN_STEPS_DIR / "ten_steps.bpmn").read_text("utf-8")
    publish(session, bpmn, forms, None, clock, note="bench")


# --- phase timers ---------------------------------------------------------------------------------


@dataclass
class Phases:
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PHASES, 0.0))
    total: float = 0.0

    def shares(self) -> dict[str, float]:
        measured = {k: v for k, v in self.seconds.items() if k != PHASES[-1]}
        rest = max(self.total - sum(measured.values()), 0.0)
        every = {**measured, PHASES[-1]: rest}
        return {k: (v / self.total if self.total else 0.0) for k, v in every.items()}


def _wrapped(
    target: Any, name: str, into: dict[str, float], phase: str, active: list[str]
) -> Callable[[], None]:
    """Time every call of `target.name` into `into[phase]`; returns the undo. `active` holds the
    phases being timed, innermost last: statements a phase runs are taken out of it."""
    original = target.__dict__[name]
    function = original.__func__ if isinstance(original, classmethod) else original

    def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        active.append(phase)
        try:
            return function(*args, **kwargs)
        finally:
            active.pop()
            into[phase] += time.perf_counter() - began

    setattr(target, name, classmethod(timed) if isinstance(original, classmethod) else timed)
    return lambda: setattr(target, name, original)


def _statements_timed(engine: Engine, into: dict[str, float], active: list[str]) -> Callable[[], None]:
    """Time each statement's execution by the driver (sending it, the database's work, the reply)
    into the SQL phase, and out of a phase that ran it (a service task's statement is not the
    engine's time); returns the undo."""
    began: list[float] = []

    def before(*_: Any) -> None:
        began.append(time.perf_counter())

    def after(*_: Any) -> None:
        spent = time.perf_counter() - began.pop()
        into[SQL] += spent
        if active:
            into[active[-1]] -= spent

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)

    def undo() -> None:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)

    return undo


@contextmanager
def phase_timers(phases: Phases, engine: Engine) -> Iterator[None]:
    """While inside: the engine's steps, the state's load and dump, the commits and the statements
    `engine` runs are timed."""
    into, active = phases.seconds, []
    undo = [
        _wrapped(Runtime, "advance", into, "engine", active),
        _wrapped(Runtime, "complete", into, "engine", active),
        _wrapped(Runtime, "fire_timers", into, "engine", active),
        _wrapped(Runtime, "load", into, "serialization", active),
        _wrapped(Runtime, "dump", into, "serialization", active),
        _wrapped(Session, "commit", into, "commit", active),
        _statements_timed(engine, into, active),
    ]
    began = time.perf_counter()
    try:
        yield
    finally:
        phases.total += time.perf_counter() - began
        for restore in undo:
            restore()


# --- the ten-step process and the growth per finished instance -----------------------------------


def database_bytes(engine: Engine) -> int:
    """What the database takes on disk now, dead space squeezed out first (VACUUM)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM")
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
            size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
        return int(pages) * int(size)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # The bench's own tables only: other schemas of the server are none of its business.
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).scalars()
        conn.exec_driver_sql("VACUUM FULL " + ", ".join(f'"{name}"' for name in tables))
        total = conn.execute(
            text(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'm')"
            )
        ).scalar_one()
    return int(total)


@dataclass
class TenSteps:
    seconds: list[float] = field(default_factory=list)  # per completion
    statements: list[int] = field(default_factory=list)  # per completion, without the commit
    bytes_per_instance: float = 0.0


def ten_step_runs(backend: Any, instances: int) -> TenSteps:
    """`instances` cases of the ten-step process from start to end, each step its own transaction."""
    stats = TenSteps()
    teacher = backend.people["teacher"]
    before = database_bytes(backend.engine)
    for _ in range(instances):
        ref = backend.transaction(
            lambda s: start_case(s, TEN_STEPS, teacher, dict(TEN_STEP_DATA), backend.clock)
        )
        while ref.open_tasks:
            task_id = ref.open_tasks[0]
            counted = backend.counter.count
            began = time.perf_counter()
            ref = backend.transaction(
                lambda s, t=task_id: complete_task(s, t, teacher, dict(TEN_STEP_DATA), backend.clock)
            )
            stats.seconds.append(time.perf_counter() - began)
            stats.statements.append(backend.counter.count - counted)
        if ref.status != "completed":
            raise RuntimeError(f"ten-step case {ref.business_key} ended as {ref.status}")
    stats.bytes_per_instance = (database_bytes(backend.engine) - before) / instances
    return stats


def growth_per_instance(backend: Any, run: Callable[[int], object], instances: int) -> float:
    """Database growth per finished instance over `instances` runs of `run`."""
    before = database_bytes(backend.engine)
    for serial in range(instances):
        run(serial)
    return (database_bytes(backend.engine) - before) / instances


# --- the summary ----------------------------------------------------------------------------------


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def summary_lines(values: dict[str, float | int | str]) -> str:
    """`key: value` a line, as the benchmark's last lines."""
    out = []
    for key, value in values.items():
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        out.append(f"{key}: {shown}")
    return "\n".join(out)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
