"""Races between real threads on the real database: two approvers, two HR officers, two workers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from tests.workflows.flow import Flow
from workflows.cases.models import Event, HumanTask, Job, Order
from workflows.cases.tasks import claim_task, complete_task
from workflows.clock import FrozenClock
from workflows.errors import TaskAlreadyCompleted, TaskClaimedByOther
from workflows.messaging.models import Notification
from workflows.worker import FireResult, fire_due_jobs


def _race(actions: list[Callable[[], object]]) -> list[BaseException | None]:
    """Run the actions at the same moment in threads; return what each raised (None on success)."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[BaseException | None] = [None] * len(actions)

    def run(i: int) -> None:
        barrier.wait()
        try:
            actions[i]()
        except BaseException as exc:  # collected and asserted on by the caller
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def _complete(
    factory: sessionmaker[Session], task_id: int, actor: int, data: dict[str, Any], clock: FrozenClock
) -> Callable[[], object]:
    def act() -> object:
        with factory() as session:
            complete_task(session, task_id, actor, data, clock)
            session.commit()
        return None

    return act


def test_two_deputies_approve_at_once_exactly_one_wins(committed_flow: Flow) -> None:
    case = committed_flow.start()
    with committed_flow.factory() as s:  # both deputise for the head this week
        for deputy in ("head2", "director"):
            head, substitute = committed_flow.demo["head"], committed_flow.demo[deputy]
            factories.deputy(s, head, substitute, date(2026, 2, 1), date(2026, 3, 31))
        s.commit()
    task = committed_flow.task(case, "endorse")
    outcomes = _race(
        [
            _complete(
                committed_flow.factory,
                task.id,
                committed_flow.demo["head2"],
                {"decision": "approve"},
                committed_flow.clock,
            ),
            _complete(
                committed_flow.factory,
                task.id,
                committed_flow.demo["director"],
                {"decision": "approve"},
                committed_flow.clock,
            ),
        ]
    )
    failures = [o for o in outcomes if o is not None]
    assert len(failures) == 1, outcomes
    # The loser waited for the winner's commit and is told who decided.
    assert isinstance(failures[0], TaskAlreadyCompleted), failures
    winner = "Гүлнар Маратқызы Әлиева" if outcomes[0] is None else "Нұржан Қайратұлы Омаров"
    assert failures[0].params["completed_by"] == winner
    with committed_flow.factory() as s:
        done = s.get(HumanTask, task.id)
        assert done is not None and done.status == "completed"
        assert done.on_behalf_of_id == committed_flow.demo["head"]
        completions = s.scalars(
            select(Event).where(Event.instance_id == case, Event.kind == "task_completed")
        ).all()
    assert len(completions) == 1
    assert committed_flow.open_elements(case) == ["rector_visa"]


def test_two_hr_officers_issue_orders_at_once_numbers_never_repeat(committed_flow: Flow) -> None:
    with committed_flow.factory() as s:
        second_id = factories.colleague(s, committed_flow.demo["hr"], "hr", "Екінші HR").id
        s.commit()
    cases = [committed_flow.start(), committed_flow.start(username="teacher2")]
    for case in cases:
        committed_flow.do("head" if case == cases[0] else "head2", case, "endorse", decision="approve")
        committed_flow.do("rector", case, "rector_visa", decision="approve")
    tasks = [committed_flow.task(case, "prepare_order") for case in cases]
    data = {"order_date": "2026-03-01"}
    outcomes = _race(
        [
            _complete(
                committed_flow.factory, tasks[0].id, committed_flow.demo["hr"], data, committed_flow.clock
            ),
            _complete(committed_flow.factory, tasks[1].id, second_id, data, committed_flow.clock),
        ]
    )
    assert outcomes == [None, None]
    with committed_flow.factory() as s:
        numbers = sorted(s.scalars(select(Order.number)))
    assert numbers == ["БА-2026/0001", "БА-2026/0002"]


def test_two_workers_fire_each_due_job_exactly_once(committed_flow: Flow) -> None:
    cases = [committed_flow.start() for _ in range(6)]
    for case in cases:
        committed_flow.approve_to_order(case)
    committed_flow.at("2026-04-01T08:00:00+05:00")
    with committed_flow.factory() as s:
        due = s.scalars(select(Job).where(Job.kind == "timer", Job.status == "pending")).all()
    assert len(due) == len(cases)
    results = []
    outcomes = _race(
        [
            lambda name=name: results.append(
                fire_due_jobs(committed_flow.factory, committed_flow.clock, name)
            )  # type: ignore[misc]
            for name in ("w1", "w2")
        ]
    )
    assert outcomes == [None, None]
    with committed_flow.factory() as s:
        timers = s.scalars(select(Job).where(Job.id.in_([j.id for j in due]))).all()
        fired = s.scalars(select(Event).where(Event.kind == "timer_fired")).all()
    assert all(j.status == "done" and j.attempts == 1 for j in timers)
    assert len(fired) == len(cases)
    for case in cases:
        assert committed_flow.open_elements(case) == ["submit_report"]


def _claim(
    factory: sessionmaker[Session], task_id: int, actor: int, clock: FrozenClock
) -> Callable[[], object]:
    def act() -> object:
        with factory() as session:
            claim_task(session, task_id, actor, clock)
            session.commit()
        return None

    return act


def test_a_claim_and_a_completion_at_once_exactly_one_wins(committed_flow: Flow) -> None:
    flow = committed_flow
    with flow.factory() as s:  # two deputies of the head: one claims the task, the other decides it
        for deputy in ("head2", "director"):
            factories.deputy(s, flow.demo["head"], flow.demo[deputy], date(2026, 2, 1), date(2026, 3, 31))
        s.commit()
    claimer, decider = flow.demo["head2"], flow.demo["director"]
    for _ in range(6):
        case = flow.start()
        task = flow.task(case, "endorse")
        claim, complete = _race(
            [
                _claim(flow.factory, task.id, claimer, flow.clock),
                _complete(flow.factory, task.id, decider, {"decision": "approve"}, flow.clock),
            ]
        )
        assert (claim is None) != (complete is None), (claim, complete)
        # Whoever waited for the other's commit is told what it did.
        assert isinstance(complete, TaskClaimedByOther) or isinstance(claim, TaskAlreadyCompleted), (
            claim,
            complete,
        )
        with flow.factory() as s:
            row = s.get(HumanTask, task.id)
            assert row is not None
            kinds = list(
                s.scalars(
                    select(Event.kind).where(
                        Event.instance_id == case, Event.kind.in_(["task_claimed", "task_completed"])
                    )
                )
            )
        if claim is None:  # the claim won: the task waits for the claimer, undecided
            assert (row.status, row.assignee_id, kinds) == ("open", claimer, ["task_claimed"])
            assert flow.open_elements(case) == ["endorse"]
        else:  # the decision won: nobody holds a task that is already done
            assert (row.status, row.assignee_id, kinds) == ("completed", None, ["task_completed"])
            assert flow.open_elements(case) == ["rector_visa"]


def test_workers_firing_two_timers_of_one_case_at_once_never_deadlock(committed_flow: Flow) -> None:
    """The report's reminder and escalation both fall due on each case; several workers fire at once."""
    flow = committed_flow
    cases = [flow.start() for _ in range(3)]
    for case in cases:
        flow.approve_to_order(case)
    flow.at("2026-04-01T08:00:00+05:00")  # the course has ended: the report is awaited, two timers set
    flow.fire()
    flow.at("2026-04-07T08:00:00+05:00")  # both the reminder and the escalation are due
    with flow.factory() as s:
        due = s.scalars(select(Job).where(Job.kind == "timer", Job.status == "pending")).all()
    assert sorted(j.instance_id or 0 for j in due) == sorted(cases * 2)
    results: list[FireResult] = []
    outcomes = _race(
        [
            lambda name=name: results.append(fire_due_jobs(flow.factory, flow.clock, name))  # type: ignore[misc]
            for name in ("w1", "w2", "w3", "w4")
        ]
    )
    assert outcomes == [None] * 4
    assert [(r.retried, r.failed) for r in results] == [(0, 0)] * 4
    with flow.factory() as s:
        timers = s.scalars(select(Job).where(Job.id.in_([j.id for j in due]))).all()
        assert [(j.status, j.last_error) for j in timers if j.status not in ("done", "cancelled")] == []
        assert all(j.last_error is None for j in timers)
        for case in cases:
            told = s.scalars(select(Notification.kind).where(Notification.instance_id == case)).all()
            assert (told.count("reminder"), told.count("escalation")) == (1, 2)  # escalation: head and HR
