"""How late timers fire: the worker sleeping until the next job is due, and waking on new ones.

    .venv/bin/python bench/timers.py [--sqlite-only] [--timers 40] [--spacing 1.0] [--lead 1.0]
                                     [--max-sleep 5] [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

Each case of a one-timer diagram (published into the bench database only) waits until the moment
in its application, `fire_at`; the timers fall due --spacing seconds apart. Two runs per backend:

1. known in advance: all --timers cases are started first, the first timer due a few seconds later;
   the worker has to sleep until each one is due;
2. committed shortly before: each case is started --lead seconds before its timer is due, so the
   worker, with nothing else due, is asleep (for up to --max-sleep) when the new timer arrives and
   has to be woken by the commit.

The worker is the real one: on SQLite (a temporary file) the web app's embedded worker thread
(app/worker.py), with the cases started through the same session factory as the app's requests;
on PostgreSQL (a schema bench_timers_<pid> of --postgres-url or BENCH_DATABASE_URL, dropped at the
end) a separate `biliktilik worker` process, woken through LISTEN/NOTIFY. Lateness is when the
worker marked the timer's job done minus its due time. Figures are printed, never checked.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.worker import WorkerThread
from workflows import migrate
from workflows.cases.models import Job
from workflows.cases.start import start_case
from workflows.clock import SystemClock
from workflows.db import make_engine, make_session_factory
from workflows.definitions.publishing import publish
from workflows.org.demo import load_demo
from workflows.org.models import Person

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
PROCESS = "bench_timer"
ON_TIME = 2.0  # seconds: the target for a timer's lateness

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="bench" targetNamespace="bench">
  <bpmn:process id="bench_timer" name="Bench timer" isExecutable="true">
    <bpmn:startEvent id="start">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="form" value="bench_timer" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:outgoing>f1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="wait" name="Wait">
      <bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition id="wait_timer">
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">fire_at</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""
FORM: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "x-title": {"kk": "Таймер", "ru": "Таймер", "en": "Timer"},
    "properties": {
        "fire_at": {
            "x-title": {"kk": "Уақыты", "ru": "Время", "en": "When"},
            "type": "string",
            "minLength": 1,
        }
    },
    "required": ["fire_at"],
}


@dataclass
class Run:
    name: str
    late: list[float]  # seconds, one per timer that fired
    missing: int  # timers not fired by the end of the wait

    def cells(self) -> list[str]:
        if not self.late:
            return ["-", "-", "-", f"0/{self.missing}"]
        ordered = sorted(self.late)
        p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
        on_time = sum(1 for s in self.late if s <= ON_TIME)
        return [
            f"{max(self.late):.3f}",
            f"{p95:.3f}",
            f"{statistics.median(self.late):.3f}",
            f"{on_time}/{len(self.late) + self.missing}",
        ]


class Bench:
    def __init__(self, engine: Engine, factory: sessionmaker[Session], args: argparse.Namespace) -> None:
        self.engine, self.factory, self.args = engine, factory, args
        self.clock = SystemClock()
        with factory() as session:
            load_demo(session)
            publish(session, DIAGRAM, {PROCESS: FORM}, None, self.clock, note="bench")
            session.commit()
            self.teacher = session.scalars(select(Person.id).where(Person.username == "teacher")).one()

    def start(self, due: datetime) -> int:
        with self.factory() as session:
            ref = start_case(session, PROCESS, self.teacher, {"fire_at": due.isoformat()}, self.clock)
            session.commit()
            return ref.id

    def known_in_advance(self) -> Run:
        first = datetime.now(UTC) + timedelta(seconds=3 + 0.1 * self.args.timers)
        dues = [first + timedelta(seconds=i * self.args.spacing) for i in range(self.args.timers)]
        cases = [self.start(due) for due in dues]
        return self.measure("known in advance", cases, dues[-1])

    def committed_shortly_before(self) -> Run:
        first = datetime.now(UTC) + timedelta(seconds=self.args.max_sleep + 2)
        dues = [first + timedelta(seconds=i * self.args.spacing) for i in range(self.args.timers)]
        cases = []
        for due in dues:
            wait_until(due - timedelta(seconds=self.args.lead))
            cases.append(self.start(due))
        return self.measure(f"committed {self.args.lead:g} s before due", cases, dues[-1])

    def measure(self, name: str, cases: list[int], last_due: datetime) -> Run:
        deadline = last_due + timedelta(seconds=self.args.max_sleep + 10)
        while True:
            with self.factory() as session:
                jobs = session.scalars(
                    select(Job).where(Job.instance_id.in_(cases), Job.kind == "timer")
                ).all()
            pending = [j for j in jobs if j.status == "pending"]
            if not pending or datetime.now(UTC) > deadline:
                break
            time.sleep(0.5)
        late = [(j.done_at - j.due_at).total_seconds() for j in jobs if j.status == "done" and j.done_at]
        return Run(name, late, len(cases) - len(late))


def wait_until(moment: datetime) -> None:
    seconds = (moment - datetime.now(UTC)).total_seconds()
    if seconds > 0:
        time.sleep(seconds)


def progress(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def runs(bench: Bench) -> list[Run]:
    progress("known in advance")
    first = bench.known_in_advance()
    progress("committed shortly before")
    return [first, bench.committed_shortly_before()]


def run_sqlite(args: argparse.Namespace, workdir: Path) -> list[Run]:
    engine = make_engine(f"sqlite:///{workdir / 'timers.sqlite3'}")
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    bench = Bench(engine, factory, args)
    worker = WorkerThread(factory, bench.clock, args.max_sleep)
    worker.start()
    try:
        return runs(bench)
    finally:
        worker.stop()
        engine.dispose()


def run_postgres(args: argparse.Namespace, workdir: Path) -> list[Run]:
    base = args.postgres_url
    schema = f"bench_timers_{os.getpid()}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    worker: subprocess.Popen[bytes] | None = None
    try:
        migrate.upgrade(engine)
        bench = Bench(engine, make_session_factory(engine), args)
        since = datetime.now(UTC)
        command = [sys.executable, "-m", "workflows.cli", "--database", url, "worker", "--name", "bench"]
        env = {**os.environ, "MAIL_OUTBOX": str(workdir / "outbox")}
        worker = subprocess.Popen([*command, "--max-sleep", str(args.max_sleep)], env=env)
        wait_for(lambda: listening(admin, since), "the worker process to listen")
        return runs(bench)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(30)
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def listening(admin: Engine, since: datetime) -> bool:
    with admin.connect() as conn:
        found = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN biliktilik_jobs%' AND backend_start >= :since"
            ),
            {"since": since},
        ).scalar()
    return bool(found)


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what}")
        time.sleep(0.2)


def render(results: dict[str, list[Run]], args: argparse.Namespace) -> str:
    header = ["run", "max s", "p95 s", "median s", f"within {ON_TIME:g} s"]
    rows: list[list[str]] = []
    for backend, backend_runs in results.items():
        rows += [[f"{backend}: {r.name}", *r.cells()] for r in backend_runs]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        f"{args.timers} timers {args.spacing:g} s apart, worker's longest sleep {args.max_sleep:g} s; "
        "lateness = job done - timer due",
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timers", type=int, default=40)
    parser.add_argument("--spacing", type=float, default=1.0, help="seconds between due times")
    parser.add_argument(
        "--lead", type=float, default=1.0, help="seconds between a case's start and its due time"
    )
    parser.add_argument("--max-sleep", type=float, default=5.0, help="the worker's longest sleep")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL))
    args = parser.parse_args(argv)
    results: dict[str, list[Run]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        progress("SQLite with the embedded worker thread")
        results["SQLite, embedded worker"] = run_sqlite(args, workdir)
        if not args.sqlite_only:
            progress("PostgreSQL with a separate worker process")
            results["PostgreSQL, worker process"] = run_postgres(args, workdir)
    print(render(results, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
