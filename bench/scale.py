"""The product at a university's scale, on PostgreSQL: the inbox over a large task table, and
completions per second over HTTP.

    .venv/bin/python bench/scale.py [--small] [--instances 100000] [--tasks 1000000] [--sample 200]
                                    [--clients 20] [--seconds 60] [--no-load] [--schema NAME]
                                    [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

1. builds the data: --sample cases of the qualification request through the services (applied,
   some endorsed, some at the rector, some at HR, some waiting for the course, some returned and
   resubmitted), then copied at the SQL level with new ids to --instances cases and --tasks human
   task rows (history rows of finished steps make up the difference); most copies are finished,
   a few per hundred stay open;
2. the server time of the inbox page (the app in process, no network) for a department head and
   for an HR officer: p50 and p95 of 100 requests each;
3. completions per second: 4 gunicorn workers and 2 job workers on 127.0.0.1, and --clients
   clients in a closed loop for --seconds, each signed in as the head and approving endorsements
   of its own share of the open ones (page, then form); every answer that is not the redirect
   after a completion is an error and is printed.

Everything lives in a schema of its own (bench_scale_<pid>), dropped at the end. --small runs the
same with a few hundred rows, two clients and two seconds (a smoke test). --no-load skips step 3.
--schema NAME keeps the data in that schema instead, for a later run: a run given a schema that
already holds it migrates it and measures again without building (step 3, which changes the data,
is then skipped). Figures are printed, never checked.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from lifecycle_steps import (  # the sibling module: the script runs with bench/ on its path
    APPLICATION,
    APPLY_AT,
    DEFAULT_POSTGRES_URL,
    progress,
)
from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session

from app import create_app
from app.state import app_state
from workflows import migrate
from workflows.cases.models import HumanTask
from workflows.cases.start import start_case
from workflows.cases.tasks import complete_task
from workflows.clock import FrozenClock
from workflows.db import make_engine, make_session_factory
from workflows.definitions.publishing import publish_directory
from workflows.definitions.versions import VERSIONS
from workflows.org.demo import DEMO_PASSWORD, load_demo
from workflows.org.models import Person

ROOT = Path(__file__).resolve().parents[1]
OPEN_PER_HUNDRED = 3  # copies that stay running


def percentile_ms(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] * 1000


# --- the data --------------------------------------------------------------------------------------


def build_sample(engine: Engine, sample: int) -> dict[str, int]:
    """Cases through the services, in every early state; returns the demo people by username."""
    factory = make_session_factory(engine)
    clock = FrozenClock(APPLY_AT)
    with factory() as session:
        load_demo(session)
        publish_directory(session, clock)
        session.commit()
        people = {p.username: p.id for p in session.scalars(select(Person))}

    def act(who: str, case: int, element: str, data: dict[str, Any]) -> None:
        with factory() as session:
            task = session.scalars(
                select(HumanTask.id).where(
                    HumanTask.instance_id == case, HumanTask.element_id == element, HumanTask.status == "open"
                )
            ).one()
            complete_task(session, task, people[who], data, clock)
            session.commit()

    approve = {"decision": "approve"}
    for serial in range(sample):
        with factory() as session:
            data = {**APPLICATION, "course": f"{APPLICATION['course']} ({serial})"}
            case = start_case(session, "qualification_request", people["teacher"], data, clock).id
            session.commit()
        for _ in range(serial % 3):
            act("head", case, "endorse", {"decision": "return", "comment": "Мерзімін нақтылаңыз"})
            act("teacher", case, "revise_application", data)
        stage = serial % 5
        if stage >= 1:
            act("head", case, "endorse", approve)
        if stage >= 2:
            act("rector", case, "rector_visa", approve)
        if stage >= 3:
            act("hr", case, "prepare_order", {"order_date": "2026-03-01"})
    return people


INSTANCE_COLUMNS = (
    "version_id, process_key, subject_id, subject_unit_id, status, summary, search_text, state, "
    "serializer_version, row_version, started_at, updated_at, ended_at"
)
TASK_COLUMNS = (
    "element_id, name, form_key, role, org_unit_id, assignee_id, subject_id, due_date, status, "
    "created_at, completed_at, completed_by_id, on_behalf_of_id, outcome, comment"
)


COUNTS = "SELECT (SELECT count(*) FROM process_instance), (SELECT count(*) FROM human_task)"


def _prefixed(table: str, columns: str) -> str:
    return ", ".join(f"{table}.{c.strip()}" for c in columns.split(","))


def copy_at_scale(engine: Engine, instances: int, tasks: int) -> tuple[int, int]:
    """The sample copied (new ids, new keys) up to `instances` cases and `tasks` task rows."""
    with engine.begin() as conn:
        sample = conn.execute(text("SELECT count(*) FROM process_instance")).scalar_one()
        copies = max(0, math.ceil(instances / sample) - 1)
        # Most copies are finished cases, their open steps done long ago: decided as they are
        # written (an UPDATE afterwards would leave dead rows that a busy server may not vacuum).
        finished = "g % 100 >= :open"
        instance_columns = _prefixed("s", INSTANCE_COLUMNS).replace(
            "s.status", f"CASE WHEN s.status = 'running' AND {finished} THEN 'completed' ELSE s.status END"
        )
        instance_columns = instance_columns.replace(
            "s.ended_at",
            f"CASE WHEN s.status = 'running' AND {finished} THEN s.updated_at ELSE s.ended_at END",
        )
        conn.execute(
            text(
                f"INSERT INTO process_instance (business_key, {INSTANCE_COLUMNS}) "
                f"SELECT s.business_key || '-' || g, {instance_columns} "
                "FROM process_instance s CROSS JOIN generate_series(1, :copies) g"
            ),
            {"copies": copies, "open": OPEN_PER_HUNDRED},
        )
        columns = _prefixed("t", TASK_COLUMNS)
        copied = columns.replace(
            "t.status", f"CASE WHEN t.status = 'open' AND {finished} THEN 'completed' ELSE t.status END"
        ).replace(
            "t.completed_at",
            f"CASE WHEN t.status = 'open' AND {finished} THEN t.created_at ELSE t.completed_at END",
        )
        conn.execute(
            text(
                f"INSERT INTO human_task (instance_id, engine_task_id, {TASK_COLUMNS}) "
                f"SELECT c.id, t.engine_task_id, {copied} FROM human_task t "
                "JOIN process_instance s ON s.id = t.instance_id "
                "CROSS JOIN generate_series(1, :copies) g "
                "JOIN process_instance c ON c.business_key = s.business_key || '-' || g"
            ),
            {"copies": copies, "open": OPEN_PER_HUNDRED},
        )
        have = conn.execute(text("SELECT count(*) FROM human_task")).scalar_one()
        missing = max(0, tasks - have)
        if missing:
            # History rows: finished steps of earlier passes, spread over the cases, made from the
            # sample's finished steps, until there are enough.
            conn.execute(
                text(
                    "WITH template AS (SELECT t.*, row_number() OVER (ORDER BY t.id) - 1 AS k "
                    "FROM human_task t WHERE t.status = 'completed' AND t.instance_id <= :sample), "
                    "kinds AS (SELECT count(*) AS n FROM template), "
                    "slot AS (SELECT c.id AS instance_id, (c.id + r) % (SELECT n FROM kinds) AS k "
                    "FROM process_instance c CROSS JOIN generate_series(1, :per_case) r LIMIT :missing) "
                    f"INSERT INTO human_task (instance_id, engine_task_id, {TASK_COLUMNS}) "
                    f"SELECT slot.instance_id, gen_random_uuid()::text, {columns} "
                    "FROM slot JOIN template t ON t.k = slot.k"
                ),
                {
                    "per_case": math.ceil(missing / (sample * (copies + 1))) + 1,
                    "sample": sample,
                    "missing": missing,
                },
            )
        counts = conn.execute(text(COUNTS)).one()
    # What autovacuum does for a running installation: the rows the copy closed leave dead index
    # entries (20,000 behind 1,000 open tasks without it, and the inbox reading them all).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE human_task, process_instance")
    return int(counts[0]), int(counts[1])


# --- the inbox's server time ------------------------------------------------------------------------


def inbox_times(
    url: str, people: dict[str, int], requests: int
) -> tuple[dict[str, list[float]], dict[str, int], dict[str, float]]:
    """The page's server times per person, the statements one page sends, and the median CPU time
    of this process for a page (what a shared machine's load does not lengthen)."""
    VERSIONS.clear()
    app = create_app({"TESTING": True, "DATABASE_URL": url, "START_WORKER": False, "SECRET_KEY": "bench"})
    times: dict[str, list[float]] = {}
    statements: dict[str, int] = {}
    cpu_ms: dict[str, float] = {}
    for who in ("head", "hr"):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = str(people[who]), True
        client.get("/")  # warm: the version cache, the templates
        sent: list[str] = []

        def record(*args: Any, sent: list[str] = sent) -> None:
            sent.append(args[2])

        engine = app_state(app).engine
        event.listen(engine, "before_cursor_execute", record)
        client.get("/")
        event.remove(engine, "before_cursor_execute", record)
        statements[who] = len(sent)
        spent, cpu = [], []
        for _ in range(requests):
            began, began_cpu = time.perf_counter(), time.process_time()
            answer = client.get("/")
            spent.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
            if answer.status_code != 200:
                raise RuntimeError(f"inbox answered {answer.status_code} for {who}")
        cpu_ms[who] = statistics.median(cpu) * 1000
        times[who] = spent
    return times, statements, cpu_ms


# --- completions over HTTP ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Client(threading.Thread):
    """Signs in as the head, then approves its own share of the open endorsements, one by one."""

    def __init__(self, base: str, tasks: list[int], deadline: float) -> None:
        super().__init__(daemon=True)
        self.base, self.tasks, self.deadline = base, tasks, deadline
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.done, self.errors = 0, []  # type: ignore[var-annotated]

    def call(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data)
        try:
            with self.opener.open(request, timeout=30) as answer:
                return answer.status, answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")[:300]

    def token(self, page: str) -> str:
        found = CSRF.search(page)
        return found.group(1) if found else ""

    def run(self) -> None:
        _, page = self.call("/sign-in")
        status, _ = self.call(
            "/sign-in", {"csrf_token": self.token(page), "username": "head", "password": DEMO_PASSWORD}
        )
        if status != 200:  # the redirect is followed to the inbox
            self.errors.append(f"sign-in answered {status}")
            return
        for task in self.tasks:
            if time.monotonic() > self.deadline and (self.done or self.errors):
                return  # past the time, and at least one completion tried
            status, page = self.call(f"/tasks/{task}")
            if status != 200:
                self.errors.append(f"task {task} page answered {status}")
                continue
            status, body = self.call(
                f"/tasks/{task}", {"csrf_token": self.token(page), "decision": "approve"}
            )
            if status == 200:  # the redirect to the inbox, followed
                self.done += 1
            else:
                self.errors.append(f"task {task} answered {status}: {body[:120]}")


def completions(
    url: str, engine: Engine, clients: int, seconds: float, workdir: Path
) -> tuple[float, list[str]]:
    with Session(engine) as session:
        open_endorse = list(
            session.scalars(
                select(HumanTask.id).where(HumanTask.element_id == "endorse", HumanTask.status == "open")
            )
        )
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-scale",
        "SESSION_COOKIE_SECURE": "0",
        "START_WORKER": "0",
        "MAIL_OUTBOX": str(workdir / "outbox"),
        "FILE_STORE": str(workdir / "files"),
        "PYTHONPATH": str(ROOT),
    }
    python = sys.executable
    web = subprocess.Popen(
        [str(Path(python).with_name("gunicorn")), "-w", "4", "-b", f"127.0.0.1:{port}", "app.wsgi:app"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers = [
        subprocess.Popen(
            [python, "-m", "workflows.cli", "--database", url, "worker", "--name", f"scale-{n}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(2)
    ]
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/sign-in", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        began = time.monotonic()
        threads = [Client(base, open_endorse[n::clients], began + seconds) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 60)
        spent = time.monotonic() - began
        return sum(t.done for t in threads) / spent, [e for t in threads for e in t.errors]
    finally:
        for process in [web, *workers]:
            process.terminate()
        for process in [web, *workers]:
            process.wait(30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Inbox and completions at scale, on PostgreSQL.")
    parser.add_argument("--small", action="store_true", help="a smoke run with a few hundred rows")
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--no-load", action="store_true", help="the inbox only, no completions over HTTP")
    parser.add_argument("--schema", help="keep the data in this schema; reuse it when it is already there")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL))
    args = parser.parse_args(argv)
    if args.small:
        args.instances, args.tasks, args.sample, args.clients, args.seconds = 200, 1000, 20, 2, 2.0
    schema = args.schema or f"bench_scale_{os.getpid()}"
    admin = make_engine(args.postgres_url)
    with admin.begin() as conn:
        reuse = bool(
            args.schema
            and conn.execute(
                text(
                    "SELECT 1 FROM information_schema.tables "
                    "WHERE table_schema = :s AND table_name = 'human_task'"
                ),
                {"s": schema},
            ).first()
        )
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    base = args.postgres_url
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    os.environ.pop("SMTP_HOST", None)
    began = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="biliktilik-scale-") as tmp:
            os.environ["MAIL_OUTBOX"] = str(Path(tmp) / "outbox")
            migrate.upgrade(engine)
            if reuse:
                progress(f"the data already in {schema}")
                with engine.connect() as conn:
                    people = {u: i for u, i in conn.execute(select(Person.username, Person.id))}
                    instances, tasks = conn.execute(text(COUNTS)).one()
            else:
                progress(f"{args.sample} cases through the services")
                people = build_sample(engine, args.sample)
                progress(f"copying to {args.instances:,} cases and {args.tasks:,} task rows")
                instances, tasks = copy_at_scale(engine, args.instances, args.tasks)
            progress("the inbox's server time")
            inbox, statements, cpu_ms = inbox_times(url, people, 100 if not args.small else 10)
            rate, errors = 0.0, list[str]()
            if not (args.no_load or reuse):
                progress(f"{args.clients} clients for {args.seconds:g} s over HTTP")
                rate, errors = completions(url, engine, args.clients, args.seconds, Path(tmp))
    finally:
        engine.dispose()
        if not args.schema:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    print(f"Biliktilik at scale on PostgreSQL: {instances:,} cases, {tasks:,} human task rows")
    for who, label in (("head", "department head"), ("hr", "HR officer")):
        values = inbox[who]
        print(
            f"  inbox page, {label}: p50 {statistics.median(values) * 1000:.1f} ms, "
            f"p95 {percentile_ms(values, 0.95):.1f} ms (server time, {len(values)} requests, "
            f"{statements[who]} statements a page, CPU p50 {cpu_ms[who]:.1f} ms)"
        )
    if args.no_load or reuse:
        print("  completions per second: not measured (--no-load, or the data reused)")
    else:
        print(
            f"  completions per second, 4 web workers, 2 job workers, {args.clients} clients "
            f"for {args.seconds:g} s: {rate:.1f}"
        )
        print(f"  errors: {len(errors)}")
        for error in errors[:20]:
            print(f"    {error}")
    print(f"\nTotal run time {time.perf_counter() - began:.0f} s")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
