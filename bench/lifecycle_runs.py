"""The measuring part of bench/lifecycle.py: the floor, the services on a real database, and the
return-and-resubmit loops. It only measures; lifecycle.py prints."""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lifecycle_cost import (  # sibling modules: the script runs with bench/ on its path
    Phases,
    TenSteps,
    growth_per_instance,
    phase_timers,
    publish_ten_steps,
    ten_step_runs,
)
from lifecycle_steps import (
    AFTER_COURSE,
    APPLICATION,
    APPLY_AT,
    BEFORE_COURSE,
    COURSE_OVER_AT,
    FRESH_INSTANCES,
    LONG_LOOPS_MEASURED,
    PROCESS,
    REPORT,
    RETURN,
    SERVICE_STEPS,
    UPLOAD_STEP,
    WORKER_STEP,
    EngineLifecycle,
    T,
    pdf,
    progress,
    state_roundtrip_seconds,
)
from sqlalchemy import Engine, event, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from workflows import migrate
from workflows.cases.documents import FileStore, store_upload
from workflows.cases.input import CaseRef
from workflows.cases.models import HumanTask, ProcessInstance
from workflows.cases.start import start_case
from workflows.cases.tasks import complete_task
from workflows.clock import FrozenClock
from workflows.db import make_engine, make_session_factory
from workflows.definitions.publishing import publish_directory
from workflows.definitions.versions import VERSIONS
from workflows.engine.definition import ParsedDefinition
from workflows.org.demo import load_demo
from workflows.org.models import Person
from workflows.worker import fire_due_jobs

# --- a database with the demo university ----------------------------------------------------------


class StatementCounter:
    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        self.count += 1


@dataclass
class Backend:
    name: str
    engine: Engine
    factory: sessionmaker[Session]
    people: dict[str, int]
    clock: FrozenClock
    store: FileStore
    counter: StatementCounter
    server_version: str = ""
    started: int = 0  # applications started, to give each its own course
    completion_statements: list[int] = field(default_factory=list)  # per complete_task, no commit

    @classmethod
    def open(cls, name: str, engine: Engine, workdir: Path) -> Backend:
        migrate.upgrade(engine)
        VERSIONS.clear()  # version ids repeat across databases
        factory = make_session_factory(engine)
        clock = FrozenClock(APPLY_AT)
        with factory() as session:
            load_demo(session)
            publish_directory(session, clock)
            publish_ten_steps(session, clock)
            session.commit()
            people = {p.username: p.id for p in session.scalars(select(Person))}
        with engine.connect() as conn:
            server = (
                str(conn.execute(text("SHOW server_version")).scalar_one())
                if engine.dialect.name == "postgresql"
                else sqlite3.sqlite_version
            )
            conn.execute(text("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, state TEXT NOT NULL)"))
            conn.commit()
        store = FileStore(workdir / f"files-{name.lower()}")
        return cls(name, engine, factory, people, clock, store, StatementCounter(engine), server)

    def transaction(self, action: Callable[[Session], T]) -> T:
        with self.factory() as session:
            result = action(session)
            session.commit()
            return result

    def complete(self, task_id: int, who: str, data: dict[str, Any]) -> CaseRef:
        before = self.counter.count
        ref = self.transaction(lambda s: complete_task(s, task_id, self.people[who], data, self.clock))
        self.completion_statements.append(self.counter.count - before)
        return ref

    def start(self) -> CaseRef:
        # A course of its own each time: a second application for the same course and dates is refused.
        self.started += 1
        data = {**APPLICATION, "course": f"{APPLICATION['course']} ({self.started})"}
        return self.transaction(lambda s: start_case(s, PROCESS, self.people["teacher"], data, self.clock))

    def state_bytes(self, case_id: int) -> int:
        with self.factory() as session:
            instance = session.get(ProcessInstance, case_id)
            if instance is None:
                raise LookupError(case_id)
            return len(instance.state.encode("utf-8"))

    def state_of(self, case_id: int) -> str:
        with self.factory() as session:
            instance = session.get(ProcessInstance, case_id)
            if instance is None:
                raise LookupError(case_id)
            return instance.state

    def floor_writer(self, id_base: int) -> Callable[[int, str, bool], None]:
        """Writes a lifecycle's state to its own row of the one-row-per-instance floor table."""

        def write(serial: int, state: str, first: bool) -> None:
            statement = (
                "INSERT INTO bench_floor (id, state) VALUES (:id, :state)"
                if first
                else "UPDATE bench_floor SET state = :state WHERE id = :id"
            )
            with self.engine.begin() as conn:
                conn.execute(text(statement), {"id": id_base + serial, "state": state})

        return write

    def clear_floor(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text("DELETE FROM bench_floor"))


def only(ref: CaseRef) -> int:
    if len(ref.open_tasks) != 1:
        raise RuntimeError(f"case {ref.business_key} has {len(ref.open_tasks)} open tasks, expected one")
    return ref.open_tasks[0]


# --- the lifecycle through the services -----------------------------------------------------------


@dataclass
class LifecycleStats:
    per_step: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SERVICE_STEPS})
    statements: list[int] = field(default_factory=list)
    worker_jobs: list[int] = field(default_factory=list)
    last_case: int = 0


@contextmanager
def timed(into: list[float]) -> Iterator[None]:
    began = time.perf_counter()
    yield
    into.append(time.perf_counter() - began)


def services_lifecycle(b: Backend, serial: int, stats: LifecycleStats) -> None:
    steps, statements_before = stats.per_step, b.counter.count
    b.clock.set(APPLY_AT)
    with timed(steps["start_case"]):
        ref = b.start()
    for step, _, who, data in BEFORE_COURSE:
        with timed(steps[step]):
            ref = b.complete(only(ref), who, data)
    case_id = ref.id
    b.clock.set(COURSE_OVER_AT)
    with timed(steps[WORKER_STEP]):
        fired = fire_due_jobs(b.factory, b.clock, "bench")
    if fired.failed or fired.retried:
        raise RuntimeError(f"worker jobs failed: {fired}")

    def upload(session: Session) -> tuple[int, str]:
        # The employee opens the report task from the inbox and attaches the certificate.
        task_id = session.scalars(
            select(HumanTask.id).where(HumanTask.instance_id == case_id, HumanTask.status == "open")
        ).one()
        doc = store_upload(
            session, b.store, "certificate", "certificate.pdf", pdf(serial), b.people["teacher"], b.clock
        )
        return task_id, doc.id

    def minutes(who: str) -> Callable[[Session], str]:
        def upload_minutes(session: Session) -> str:
            doc = store_upload(
                session, b.store, "minutes_file", "minutes.pdf", pdf(serial), b.people[who], b.clock
            )
            return doc.id

        return upload_minutes

    with timed(steps[UPLOAD_STEP]):
        task_id, doc_id = b.transaction(upload)
    with timed(steps["submit_report"]):
        ref = b.complete(task_id, "teacher", {**REPORT, "certificate": doc_id})
    for step, _, who, data in AFTER_COURSE:
        if step == "meeting_review":  # the head attaches the meeting's minutes (000 §11.3)
            data = {**data, "minutes_file": b.transaction(minutes(who))}
        with timed(steps[step]):
            ref = b.complete(only(ref), who, data)
    if ref.status != "completed":
        raise RuntimeError(f"case {ref.business_key} ended as {ref.status}")
    stats.statements.append(b.counter.count - statements_before)
    stats.worker_jobs.append(fired.done)
    stats.last_case = case_id


# --- return-and-resubmit loops ------------------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    statements: int


@dataclass
class LoopStats:
    fresh: dict[str, list[Sample]] = field(default_factory=lambda: {"endorse": [], "revise": []})
    long: dict[str, list[Sample]] = field(default_factory=lambda: {"endorse": [], "revise": []})
    by_loop: list[float] = field(default_factory=list)  # seconds per return + resubmit, while building
    statements_by_loop: list[int] = field(default_factory=list)
    fresh_state_bytes: int = 0
    long_state_bytes: int = 0
    fresh_state: str = ""
    long_state: str = ""
    full_collections: tuple[int, int] = (0, 0)  # Python's gen-2 garbage collections while timing
    state_by_pass: dict[int, int] = field(default_factory=dict)  # bytes after passes 1, 51, 201


def measured(b: Backend, task_id: int, who: str, data: dict[str, Any]) -> tuple[CaseRef, Sample]:
    before = b.counter.count
    began = time.perf_counter()
    ref = b.complete(task_id, who, data)
    return ref, Sample(time.perf_counter() - began, b.counter.count - before)


def one_loop(b: Backend, ref: CaseRef) -> tuple[CaseRef, Sample, Sample]:
    """The head returns the application, the employee resubmits it: the endorsement is open again."""
    ref, endorse = measured(b, only(ref), "head", RETURN)
    ref, revise = measured(b, only(ref), "teacher", APPLICATION)
    return ref, endorse, revise


def run_loops(b: Backend, loops: int) -> LoopStats:
    stats = LoopStats()
    fresh_gc = full_collections()
    b.clock.set(APPLY_AT)  # resubmissions are held to the lead time: the clock stays at the application
    for _ in range(FRESH_INSTANCES):
        ref = b.start()
        if not stats.fresh_state:
            stats.fresh_state = b.state_of(ref.id)
            stats.fresh_state_bytes = len(stats.fresh_state.encode("utf-8"))
        _, endorse, revise = one_loop(b, ref)
        stats.fresh["endorse"].append(endorse)
        stats.fresh["revise"].append(revise)
    fresh_gc = full_collections() - fresh_gc
    ref = b.start()
    for done in range(1, loops + 1):
        ref, endorse, revise = one_loop(b, ref)
        stats.by_loop.append(endorse.seconds + revise.seconds)
        stats.statements_by_loop.append(endorse.statements + revise.statements)
        if done in (1, 51, 201) or done == loops:
            stats.state_by_pass[done] = b.state_bytes(ref.id)
    stats.long_state = b.state_of(ref.id)
    stats.long_state_bytes = len(stats.long_state.encode("utf-8"))
    long_gc = full_collections()
    for _ in range(LONG_LOOPS_MEASURED):
        ref, endorse, revise = one_loop(b, ref)
        stats.long["endorse"].append(endorse)
        stats.long["revise"].append(revise)
    stats.full_collections = (fresh_gc, full_collections() - long_gc)
    return stats


def full_collections() -> int:
    return int(gc.get_stats()[2]["collections"])


# --- one backend, end to end --------------------------------------------------------------------------


@dataclass
class BackendResult:
    name: str
    server_version: str
    services_rate: float
    engine_rate: float
    floor_rate: float
    floor_reload_rate: float
    lifecycle: LifecycleStats
    loops: LoopStats
    finished_state_bytes: int
    roundtrip_fresh: float
    roundtrip_long: float
    phases: Phases
    ten_steps: TenSteps
    qualification_bytes: float  # database growth per finished qualification request
    completion_statements: list[int]


def measure_backend(b: Backend, definition: ParsedDefinition, args: argparse.Namespace) -> BackendResult:
    """The four ways of running a lifecycle take turns, so that they share whatever else the machine does."""
    progress(f"{b.name}: {args.lifecycles} lifecycles each through the services, the engine and the floors")
    stats = LifecycleStats()
    phases = Phases()

    def services(serial: int, into: LifecycleStats) -> None:
        with phase_timers(phases, b.engine):
            services_lifecycle(b, serial, into)

    runners: dict[str, Callable[[int, LifecycleStats], object]] = {
        "services": services,
        "engine": lambda serial, _: EngineLifecycle(definition).run(serial),
        "floor": lambda serial, _: EngineLifecycle(definition, b.floor_writer(0)).run(serial),
        "reload": lambda serial, _: EngineLifecycle(definition, b.floor_writer(10**6), reload=True).run(
            serial
        ),
    }
    for run in runners.values():
        run(0, LifecycleStats())  # warm-up: caches, compiled expressions, connections
    spent = dict.fromkeys(runners, 0.0)
    for serial in range(1, args.lifecycles + 1):
        for name, run in runners.items():
            began = time.perf_counter()
            run(serial, stats)
            spent[name] += time.perf_counter() - began
    b.clear_floor()
    rate = {name: args.lifecycles / seconds for name, seconds in spent.items()}

    progress(f"{b.name}: {args.loops} return-and-resubmit loops")
    loops = run_loops(b, args.loops)
    progress(f"{b.name}: database growth per finished instance, ten-step process")
    instances = max(3, args.lifecycles // 3)
    ten_steps = ten_step_runs(b, instances)
    start_serial = args.lifecycles + 1
    qualification = growth_per_instance(
        b, lambda serial: services_lifecycle(b, start_serial + serial, LifecycleStats()), instances
    )
    return BackendResult(
        name=b.name,
        server_version=b.server_version,
        services_rate=rate["services"],
        engine_rate=rate["engine"],
        floor_rate=rate["floor"],
        floor_reload_rate=rate["reload"],
        lifecycle=stats,
        loops=loops,
        finished_state_bytes=b.state_bytes(stats.last_case),
        roundtrip_fresh=state_roundtrip_seconds(definition, loops.fresh_state),
        roundtrip_long=state_roundtrip_seconds(definition, loops.long_state),
        phases=phases,
        ten_steps=ten_steps,
        qualification_bytes=qualification,
        completion_statements=list(b.completion_statements),
    )


def run_sqlite(definition: ParsedDefinition, args: argparse.Namespace, workdir: Path) -> BackendResult:
    engine = make_engine(f"sqlite:///{workdir / 'bench.sqlite3'}")
    try:
        return measure_backend(Backend.open("SQLite", engine, workdir), definition, args)
    finally:
        engine.dispose()


class PostgresUnavailable(Exception):
    pass


def run_postgres(definition: ParsedDefinition, args: argparse.Namespace, workdir: Path) -> BackendResult:
    schema = f"bench_{os.getpid()}"
    admin = make_engine(args.postgres_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        admin.dispose()
        raise PostgresUnavailable(str(exc.orig or exc).strip().splitlines()[0]) from exc
    # Only the bench's own schema is on the search path: tables, alembic_version and all go there.
    engine = make_engine(args.postgres_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        return measure_backend(Backend.open("PostgreSQL", engine, workdir), definition, args)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
