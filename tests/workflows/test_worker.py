"""The worker's sleep: until the next job is due, never longer than its bound, woken by new jobs."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import Engine, event, select

from tests.workflows.flow import Flow
from workflows.cases.models import Job
from workflows.worker import FireResult, JobListener, fire_due_jobs, run_worker, start_sweeps


def _timer(flow: Flow, case: int) -> Job:
    with flow.factory() as s:
        return s.scalars(
            select(Job).where(Job.instance_id == case, Job.kind == "timer", Job.status == "pending")
        ).one()


def test_the_worker_sleeps_until_the_next_timer_is_due_then_fires_it(committed_flow: Flow) -> None:
    flow = committed_flow
    case = flow.start()
    flow.approve_to_order(case)  # the case now waits for the course to end
    course_over = _timer(flow, case)
    flow.clock.set(course_over.due_at - timedelta(seconds=2.5))
    stop = threading.Event()
    sleeps: list[float] = []
    passes: list[FireResult] = []

    def wait(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 1:  # as if the sleep had lasted what was asked, and a hair more
            flow.clock.set(course_over.due_at + timedelta(milliseconds=1))
        else:
            stop.set()

    run_worker(flow.factory, flow.clock, stop, "w", max_sleep=60, on_pass=passes.append, wait=wait)
    # The first pass sent the emails of the steps so far; the timer was due 2.5 s later.
    assert passes[0].done > 0 and sleeps[0] == 2.5
    assert passes[1].done > 0  # the timer fired, and the emails of the report task it opened went
    assert flow.open_elements(case) == ["submit_report"]
    # Now the report's reminder is next, days away: the worker sleeps its longest.
    assert sleeps[1] == 60
    with flow.factory() as s:
        job = s.get(Job, course_over.id)
        assert job is not None and job.status == "done"


def test_with_nothing_pending_the_worker_sleeps_its_longest(committed_flow: Flow) -> None:
    stop = threading.Event()
    sleeps: list[float] = []

    def wait(seconds: float) -> None:
        sleeps.append(seconds)
        stop.set()

    run_worker(committed_flow.factory, committed_flow.clock, stop, max_sleep=7, wait=wait)
    assert sleeps == [7]


def test_a_pass_that_finds_nothing_due_never_rolls_back(
    committed_flow: Flow, committed_engine: Engine
) -> None:
    # A rollback makes PostgreSQL's driver forget its prepared statements: the worker, which looks
    # many times a minute, ends its reads by committing them.
    start_sweeps(committed_flow.factory, committed_flow.clock)  # what a new database queues, run first
    fire_due_jobs(committed_flow.factory, committed_flow.clock)
    ended: list[str] = []
    listeners = {
        "commit": lambda _conn: ended.append("commit"),
        "rollback": lambda _conn: ended.append("rollback"),
    }
    for name, listener in listeners.items():
        event.listen(committed_engine, name, listener)
    stop = threading.Event()
    passes: list[FireResult] = []
    try:
        run_worker(
            committed_flow.factory,
            committed_flow.clock,
            stop,
            max_sleep=7,
            on_pass=passes.append,
            wait=lambda _s: stop.set(),
        )
    finally:
        for name, listener in listeners.items():
            event.remove(committed_engine, name, listener)
    assert passes[0].done == 0  # nothing was due: the pass only read
    assert "commit" in ended and "rollback" not in ended


def test_a_committed_step_wakes_a_listening_worker(committed_flow: Flow, committed_engine: Engine) -> None:
    # SQLite has no notifications: a worker process there sleeps until the next job is due or its
    # longest sleep ends; inside the web app the app's commits wake it (tests/app/test_app.py).
    assert JobListener.wanted(committed_engine) == (committed_engine.dialect.name == "postgresql")
    if not JobListener.wanted(committed_engine):
        return
    listener = JobListener(committed_engine)
    try:
        assert listener.wait(0) is False  # nothing committed since it began to listen
        committed_flow.start()  # queues the head's email; NOTIFY goes out with the commit
        assert listener.wait(60) is True
    finally:
        listener.close()
