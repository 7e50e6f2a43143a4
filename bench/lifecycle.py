"""How fast the qualification request runs through the services, against the bare engine and a floor.

    .venv/bin/python bench/lifecycle.py [--sqlite-only] [--lifecycles 30] [--loops 50]
                                        [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

Figures, per backend (SQLite in a temporary file; PostgreSQL from --postgres-url or BENCH_DATABASE_URL):

1. full lifecycles per second through the services, each step in its own session and commit as the
   web app and the worker do it: start, endorse, rector's visa, order, (clock past the course end)
   worker run, upload of the certificate, report, verification, meeting;
2. the same lifecycle on the bare engine in memory (`Runtime` with a trivial service handler);
3. the floor: the bare engine plus the serialized state written to a one-row table, one commit per step
   (and the same with the state reloaded from its text before every step, as a stateless request must);
4. the services' time over the floor;
5. median and p95 latency of `complete_task` (session, step and commit) on fresh instances and on one
   with --loops return-and-resubmit loops, with the SQL statements each step issues;
6. the size of the stored engine state after a finished lifecycle and after the loops.

Figures 1-3 are measured in turns (one lifecycle of each, again and again), so that all of them share
whatever else the machine is doing. On PostgreSQL everything lives in a schema of its own
(bench_<pid>), dropped at the end. Timings are printed, never checked.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any, TypeVar

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
from workflows.definitions.publishing import BPMN_DIR, publish_directory
from workflows.definitions.versions import VERSIONS
from workflows.engine.definition import ParsedDefinition, parse
from workflows.engine.runtime import Runtime
from workflows.engine.state import SERIALIZER_VERSION
from workflows.org.demo import load_demo
from workflows.org.models import Person
from workflows.worker import fire_due_jobs

T = TypeVar("T")

PROCESS = "qualification_request"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
APPLY_AT = datetime.fromisoformat("2026-03-01T09:00:00+05:00")
# The day after the course ends, when its timer is due. The steps after it happen at the same moment,
# so the emails they queue are due at the next lifecycle's worker run: every run sees the same backlog.
COURSE_OVER_AT = datetime.fromisoformat("2026-04-01T08:00:00+05:00")
FRESH_INSTANCES = 12  # fresh instances measured at their first return and resubmission
LONG_LOOPS_MEASURED = 12  # loops measured on the long instance after the --loops it was built with

APPLICATION: dict[str, Any] = {
    "course": "Жоғары мектептегі цифрлық педагогика",
    "provider": "Назарбаев Университеті",
    "training_form": "course",
    "mode": "without_leaving_work",
    "place": "Астана, Қазақстан",
    "start_date": "2026-03-21",
    "end_date": "2026-03-31",
    "hours": 72,
    "funding_source": "own",
    "in_plan": True,
    "relevance": "Оқытатын пәндерге цифрлық құралдарды енгізу",
}
APPROVE: dict[str, Any] = {"decision": "approve"}
RETURN: dict[str, Any] = {"decision": "return", "comment": "Курс мерзімін нақтылаңыз"}
ORDER: dict[str, Any] = {"order_date": "2026-03-01"}
REPORT: dict[str, Any] = {
    "certificate_number": "NU-2026-114",
    "report_text": "Курста цифрлық бағалау құралдарын үйрендім және оларды пәнге енгіземін.",
}
VERIFY: dict[str, Any] = {"decision": "approve", "counted_hours": 72}
MEETING: dict[str, Any] = {
    "minutes_number": "8",
    "minutes_date": "2026-04-01",
    "effectiveness": "high",
    "implementation_plan": "Цифрлық бағалауды 2026-2027 оқу жылында енгізу",
    "attestation_recommendation": True,
    "decision": "approve",
}
# (step, element, who, form data) before and after the course; the report also carries its upload.
BEFORE_COURSE = [
    ("endorse", "endorse", "head", APPROVE),
    ("rector_visa", "rector_visa", "rector", APPROVE),
    ("prepare_order", "prepare_order", "hr", ORDER),
]
AFTER_COURSE = [
    ("verify_certificate", "verify_certificate", "centre", VERIFY),
    ("meeting_review", "meeting_review", "head", MEETING),
]
WORKER_STEP = "worker run (timer + emails)"
UPLOAD_STEP = "upload certificate"
SERVICE_STEPS = [
    "start_case",
    *(s[0] for s in BEFORE_COURSE),
    WORKER_STEP,
    UPLOAD_STEP,
    "submit_report",
    *(s[0] for s in AFTER_COURSE),
]


def pdf(serial: int) -> bytes:
    return f"%PDF-1.4\n1 0 obj<<>>endobj\n% certificate {serial}\ntrailer<<>>\n%%EOF\n".encode()


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def p95_ms(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000


# --- the bare engine ---------------------------------------------------------------------------------


def trivial_services(operator: str, params: dict[str, Any], data: dict[str, Any]) -> Any:
    if operator == "issue_order":
        return {"number": "БА-2026/0001", "date": "2026-03-01"}
    if operator == "notify":
        return {"event": params.get("event"), "recipients": 1}
    if operator == "record_training":
        return {"hours": int(data.get("counted_hours") or 0)}
    return {}


def initial_data(definition: ParsedDefinition) -> dict[str, Any]:
    """What `start_case` puts into a new instance besides the application."""
    return {
        **APPLICATION,
        "policy": definition.info.policy(),
        "applicant_id": 1,
        "applicant_name": "Айгүл Серікқызы Нұрланова",
        "submitted_on": "2026-03-01",
        "case_key": "2026-BENCH000",
    }


def complete_element(runtime: Runtime, element_id: str, data: dict[str, Any]) -> None:
    ready = [t for t in runtime.ready_user_tasks() if t.element_id == element_id]
    if len(ready) != 1:
        raise RuntimeError(f"expected one ready {element_id}, found {len(ready)}")
    runtime.complete(ready[0].engine_id, data)


class EngineLifecycle:
    """The lifecycle on the engine alone; `write` receives the state after each step when given."""

    def __init__(
        self,
        definition: ParsedDefinition,
        write: Callable[[int, str, bool], None] | None = None,
        reload: bool = False,
    ) -> None:
        self.definition = definition
        self.write = write
        self.reload = reload
        self.clock = FrozenClock(APPLY_AT)

    def run(self, serial: int) -> Runtime:
        self.clock.set(APPLY_AT)
        runtime = Runtime.start(self.definition, initial_data(self.definition), self.clock, trivial_services)
        state = self._after(serial, runtime, first=True)
        actions: list[Callable[[Runtime], None]] = [
            *(self._completing(element, data) for _, element, _, data in BEFORE_COURSE),
            self._firing,
            self._completing("submit_report", {**REPORT, "certificate": f"{serial:032x}"}),
            *(self._completing(element, data) for _, element, _, data in AFTER_COURSE),
        ]
        for action in actions:
            if self.reload:
                runtime = Runtime.load(
                    self.definition, state, SERIALIZER_VERSION, self.clock, trivial_services
                )
            action(runtime)
            state = self._after(serial, runtime, first=False)
        if not runtime.is_completed:
            raise RuntimeError("the engine lifecycle did not complete")
        return runtime

    def _after(self, serial: int, runtime: Runtime, first: bool) -> str:
        if self.write is None and not self.reload:
            return ""
        state = runtime.dump()
        if self.write is not None:
            self.write(serial, state, first)
        return state

    def _completing(self, element: str, data: dict[str, Any]) -> Callable[[Runtime], None]:
        return lambda runtime: complete_element(runtime, element, data)

    def _firing(self, runtime: Runtime) -> None:
        self.clock.set(COURSE_OVER_AT)
        runtime.fire_timers()


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

    @classmethod
    def open(cls, name: str, engine: Engine, workdir: Path) -> Backend:
        migrate.upgrade(engine)
        VERSIONS.clear()  # version ids repeat across databases
        factory = make_session_factory(engine)
        clock = FrozenClock(APPLY_AT)
        with factory() as session:
            load_demo(session)
            publish_directory(session, clock)
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
        return self.transaction(lambda s: complete_task(s, task_id, self.people[who], data, self.clock))

    def start(self) -> CaseRef:
        return self.transaction(
            lambda s: start_case(s, PROCESS, self.people["teacher"], APPLICATION, self.clock)
        )

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

    with timed(steps[UPLOAD_STEP]):
        task_id, doc_id = b.transaction(upload)
    with timed(steps["submit_report"]):
        ref = b.complete(task_id, "teacher", {**REPORT, "certificate": doc_id})
    for step, _, who, data in AFTER_COURSE:
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
    for _ in range(loops):
        ref, endorse, revise = one_loop(b, ref)
        stats.by_loop.append(endorse.seconds + revise.seconds)
        stats.statements_by_loop.append(endorse.statements + revise.statements)
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


def state_roundtrip_seconds(definition: ParsedDefinition, state: str, repeat: int = 10) -> float:
    """Engine only: restore the stored state and serialize it again, as every step does."""
    clock = FrozenClock(APPLY_AT)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        Runtime.load(definition, state, SERIALIZER_VERSION, clock, trivial_services).dump()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


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


def measure_backend(b: Backend, definition: ParsedDefinition, args: argparse.Namespace) -> BackendResult:
    """The four ways of running a lifecycle take turns, so that they share whatever else the machine does."""
    progress(f"{b.name}: {args.lifecycles} lifecycles each through the services, the engine and the floors")
    stats = LifecycleStats()
    runners: dict[str, Callable[[int, LifecycleStats], object]] = {
        "services": lambda serial, into: services_lifecycle(b, serial, into),
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


# --- output ---------------------------------------------------------------------------------------------

Rows = list[tuple[str, list[str]]]
LABEL_WIDTH = 60


def progress(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def render(names: list[str], sections: list[tuple[str, Rows]]) -> str:
    """All sections share one set of column widths so the figures line up down the page."""
    widths = [
        max([len(name), 12, *(len(cells[i]) for _, rows in sections for _, cells in rows)])
        for i, name in enumerate(names)
    ]
    lines: list[str] = []
    for title, rows in sections:
        head = "  ".join(n.rjust(w) for n, w in zip(names, widths, strict=True))
        lines.extend(["", title.ljust(LABEL_WIDTH) + head])
        for label, cells in rows:
            body = "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))
            lines.append(f"  {label}".ljust(LABEL_WIDTH) + body)
    return "\n".join(lines)


def latency_cell(samples: list[Sample]) -> str:
    seconds = [s.seconds for s in samples]
    return f"{median_ms(seconds):.1f} / {p95_ms(seconds):.1f}"


def statements_cell(samples: list[Sample]) -> str:
    """The distinct counts seen (one number when every sample issued the same)."""
    return "/".join(str(c) for c in sorted({s.statements for s in samples}))


def near(values: list[float], index: int) -> float:
    """The median of the five values around `index`: one step alone may have met a garbage collection."""
    return statistics.median(values[max(0, index - 2) : index + 3])


def checkpoints(count: int) -> list[int]:
    """Indexes of the first, two middle and the last loop."""
    return sorted({0, count // 5, count // 2, count - 1}) if count else []


def report(results: list[BackendResult], args: argparse.Namespace, pg_note: str) -> str:
    names = [r.name for r in results]
    pg = next((r.server_version for r in results if r.name == "PostgreSQL"), pg_note)
    loops = args.loops
    commits = 1 + len(BEFORE_COURSE) + 1 + 1 + len(AFTER_COURSE)
    header = [
        f"Biliktilik lifecycle benchmark: {PROCESS}, {args.lifecycles} lifecycles per throughput figure, "
        f"{loops} return-and-resubmit loops",
        f"Python {platform.python_version()} | SpiffWorkflow {package_version('SpiffWorkflow')} | "
        f"SQLAlchemy {package_version('SQLAlchemy')} | SQLite {sqlite3.sqlite_version} | PostgreSQL {pg} | "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
    ]

    throughput: Rows = [
        ("1. services, one session + commit per step", [f"{r.services_rate:.1f}" for r in results]),
        ("2. bare engine in memory (no database)", [f"{r.engine_rate:.1f}" for r in results]),
        (
            f"3. floor: engine + state to a 1-row table, {commits} commits",
            [f"{r.floor_rate:.1f}" for r in results],
        ),
        (
            "   floor with the state reloaded before each step",
            [f"{r.floor_reload_rate:.1f}" for r in results],
        ),
        ("4. services time / floor time", [f"{r.floor_rate / r.services_rate:.1f}x" for r in results]),
        (
            "   services time / floor-with-reload time",
            [f"{r.floor_reload_rate / r.services_rate:.1f}x" for r in results],
        ),
        ("   services time / bare engine time", [f"{r.engine_rate / r.services_rate:.1f}x" for r in results]),
        (
            "   SQL statements per lifecycle",
            [f"{statistics.mean(r.lifecycle.statements):.0f}" for r in results],
        ),
        (
            "   jobs per worker run (the timer + queued emails)",
            [f"{statistics.mean(r.lifecycle.worker_jobs):.0f}" for r in results],
        ),
    ]
    per_step: Rows = [
        (step, [f"{statistics.mean(r.lifecycle.per_step[step]) * 1000:.1f}" for r in results])
        for step in SERVICE_STEPS
    ]

    samples = f"{FRESH_INSTANCES * 2} / {LONG_LOOPS_MEASURED * 2}"
    latency: Rows = [(f"steps timed, fresh / after {loops} loops", [samples for _ in results])]
    statements: Rows = []
    for label, kind in (("endorse (head returns)", "endorse"), ("revise_application", "revise")):
        latency.append((f"{label}, fresh instance", [latency_cell(r.loops.fresh[kind]) for r in results]))
        latency.append((f"{label}, after {loops} loops", [latency_cell(r.loops.long[kind]) for r in results]))
        statements.append(
            (f"{label}, fresh instance", [statements_cell(r.loops.fresh[kind]) for r in results])
        )
        statements.append(
            (f"{label}, after {loops} loops", [statements_cell(r.loops.long[kind]) for r in results])
        )
    latency.append(
        (
            "both, fresh instance",
            [latency_cell([*r.loops.fresh["endorse"], *r.loops.fresh["revise"]]) for r in results],
        )
    )
    latency.append(
        (
            f"both, after {loops} loops",
            [latency_cell([*r.loops.long["endorse"], *r.loops.long["revise"]]) for r in results],
        )
    )
    latency.append(
        (
            "full garbage collections while timing, fresh / long",
            [f"{r.loops.full_collections[0]} / {r.loops.full_collections[1]}" for r in results],
        )
    )
    marks = checkpoints(loops)
    latency.append(
        (
            "one loop while building, ms near loop " + ", ".join(str(i + 1) for i in marks),
            [", ".join(f"{near(r.loops.by_loop, i) * 1000:.0f}" for i in marks) for r in results],
        )
    )
    statements.append(
        (
            "one loop while building, at loop " + ", ".join(str(i + 1) for i in marks),
            [", ".join(str(r.loops.statements_by_loop[i]) for i in marks) for r in results],
        )
    )
    verdicts = []
    for r in results:
        fresh = {s.statements for k in ("endorse", "revise") for s in r.loops.fresh[k]}
        long = {s.statements for k in ("endorse", "revise") for s in r.loops.long[k]}
        grows = fresh != long or len(set(r.loops.statements_by_loop)) > 1
        verdicts.append("GROWS" if grows else "constant")
    statements.append(("per step, fresh vs long history", verdicts))

    sizes: Rows = [
        ("fresh instance, waiting for the endorsement", [f"{r.loops.fresh_state_bytes:,}" for r in results]),
        ("after a finished lifecycle", [f"{r.finished_state_bytes:,}" for r in results]),
        (f"after {loops} loops", [f"{r.loops.long_state_bytes:,}" for r in results]),
        (
            "engine load + dump of the fresh / long state, ms",
            [f"{r.roundtrip_fresh * 1000:.1f} / {r.roundtrip_long * 1000:.1f}" for r in results],
        ),
    ]
    sections = [
        ("Lifecycles per second", throughput),
        ("Mean ms per lifecycle step (services)", per_step),
        ("5. complete_task, median / p95 ms", latency),
        ("   SQL statements per complete_task", statements),
        ("6. process_instance.state, bytes (UTF-8)", sizes),
    ]
    return "\n".join(header) + "\n" + render(names, sections)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Lifecycle throughput and step latency of Biliktilik.")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--lifecycles", type=int, default=30, help="lifecycles per throughput figure")
    parser.add_argument(
        "--loops", type=int, default=50, help="return-and-resubmit loops of the long instance"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL),
        help="PostgreSQL server to use; a schema bench_<pid> is created there and dropped at the end",
    )
    args = parser.parse_args(argv)
    if args.lifecycles < 1 or args.loops < 1:
        parser.error("--lifecycles and --loops must be at least 1")

    began = time.perf_counter()
    failed = False
    with tempfile.TemporaryDirectory(prefix="biliktilik-bench-") as tmp:
        workdir = Path(tmp)
        # Emails go to files in the temporary directory, never to a mail server.
        os.environ.pop("SMTP_HOST", None)
        os.environ["MAIL_OUTBOX"] = str(workdir / "outbox")

        definition = parse((BPMN_DIR / f"{PROCESS}.bpmn").read_text(encoding="utf-8"))

        results = [run_sqlite(definition, args, workdir)]
        pg_note = "not run (--sqlite-only)"
        if not args.sqlite_only:
            try:
                results.append(run_postgres(definition, args, workdir))
            except PostgresUnavailable as exc:
                pg_note = f"unavailable: {exc}"
                progress(f"PostgreSQL skipped, {pg_note}")
            except Exception:  # print what SQLite measured, then fail
                traceback.print_exc()
                pg_note, failed = "run failed (traceback on stderr)", True
    print(report(results, args, pg_note))
    print(f"\nTotal run time {time.perf_counter() - began:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
