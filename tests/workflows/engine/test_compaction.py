"""Compacting the engine state changes nothing a case does: every path runs twice side by side, once
stored whole and once compacted, reloaded from its stored text after every step, and both must
agree on the ready tasks, the data, the waiting timers and the end after each step."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from workflows.clock import FrozenClock
from workflows.definitions.publishing import BPMN_DIR
from workflows.engine.definition import DefinitionInfo, ParsedDefinition, parse
from workflows.engine.runtime import Runtime
from workflows.engine.state import SERIALIZER_VERSION

DIAGRAMS = Path(__file__).parent / "diagrams"
BEGIN = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
APPLICATION: dict[str, Any] = {
    "course": "Цифрлық педагогика",
    "provider": "Назарбаев Университеті",
    "training_form": "course",
    "mode": "without_leaving_work",
    "start_date": "2026-03-21",
    "end_date": "2026-03-31",
    "hours": 72,
    "funding_source": "own",
    "in_plan": True,
    # The shipped diagram's own policy, as a case copies it at its start (its deadlines read it).
    "policy": parse((BPMN_DIR / "qualification_request.bpmn").read_text("utf-8")).info.policy(),
}
RETURN: dict[str, Any] = {"decision": "return", "comment": "Мерзімін нақтылаңыз"}


def _services(operator: str, params: dict[str, Any], data: dict[str, Any]) -> Any:
    if operator == "issue_order":
        return {"number": "БА-2026/0001", "date": "2026-03-01"}
    return {"operator": operator, **params}


def _diagram(name: str) -> ParsedDefinition:
    return parse((DIAGRAMS / f"{name}.bpmn").read_text("utf-8"))


def _calling(name: str) -> ParsedDefinition:
    """A diagram whose main process calls another one in the same file: the engine runs it, though
    publishing takes one process per diagram."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(DIAGRAMS / f"{name}.bpmn"))
    info = DefinitionInfo(process_key=name, name=name, properties={}, elements={}, lanes={})
    return ParsedDefinition(info, parser.get_spec(name), parser.get_subprocess_specs(name))


class Twins:
    """The same case in memory and stored compacted; the first `compact_after` stores keep the
    state whole (an old state from before compaction)."""

    def __init__(self, definition: ParsedDefinition, data: dict[str, Any], compact_after: int = 0) -> None:
        self.definition, self.clock = definition, FrozenClock(BEGIN)
        self.steps, self.compact_after = 0, compact_after
        self.runs = {
            compacted: Runtime.start(definition, dict(data), self.clock, _services)
            for compacted in (False, True)
        }
        self.sizes: list[int] = []  # the compacted state's size after each step
        self.tasks: list[int] = []  # and the number of tasks it holds
        self._stored()

    def _stored(self) -> None:
        """The compacted twin is stored and reloaded after each step; the other one stays in memory
        (what the engine does without any storing)."""
        self.steps += 1
        state = self.runs[True].dump(self.steps > self.compact_after)
        self.runs[True] = Runtime.load(self.definition, state, SERIALIZER_VERSION, self.clock, _services)
        self.sizes.append(len(state.encode("utf-8")))
        self.tasks.append(len(json.loads(state)["tasks"]))
        self.assert_same()

    def view(self, runtime: Runtime) -> tuple[Any, ...]:
        return (
            [t.element_id for t in runtime.ready_user_tasks()],
            runtime.current_data(),
            runtime.timer_due_times(),
            runtime.is_completed,
        )

    def assert_same(self) -> None:
        whole, compacted = (self.view(self.runs[flag]) for flag in (False, True))
        assert compacted == whole, f"after step {self.steps}"

    @property
    def ready(self) -> list[str]:
        return [t.element_id for t in self.runs[True].ready_user_tasks()]

    def complete(self, element_id: str, nth: int = 0, **data: Any) -> None:
        for runtime in self.runs.values():
            tasks = [t for t in runtime.ready_user_tasks() if t.element_id == element_id]
            runtime.complete(tasks[nth].engine_id, data)
        self._stored()

    def fire(self, moment: datetime) -> list[str]:
        self.clock.set(moment)
        fired = [runtime.fire_timers() for runtime in self.runs.values()]
        assert fired[0] == fired[1]
        self._stored()
        return fired[1]

    @property
    def done(self) -> bool:
        return self.runs[True].is_completed


def test_a_hundred_and_twenty_return_loops_keep_the_state_the_size_of_the_first() -> None:
    definition = parse((BPMN_DIR / "qualification_request.bpmn").read_text("utf-8"))
    twins = Twins(definition, APPLICATION)
    # The twin kept whole in memory is SpiffWorkflow's own tree: with the endorsement's three
    # deadline timers each pass nests more levels in it, and past about 150 passes it reaches
    # Python's recursion limit. The product stores only the compacted state.
    for loop in range(120):
        twins.complete("endorse", **RETURN)
        twins.complete("revise_application", **APPLICATION, note=f"pass {loop}")
    first_size, first_tasks = twins.sizes[2], twins.tasks[2]  # after the first pass
    assert twins.tasks[-1] == first_tasks  # the same tasks on the 201st pass as on the first
    assert twins.sizes[-1] <= first_size * 1.02, (first_size, twins.sizes[-1])
    twins.complete("endorse", decision="approve")
    twins.complete("rector_visa", decision="approve")
    twins.complete("prepare_order", order_date="2026-03-01")
    assert twins.ready == [] and twins.runs[True].timer_due_times()
    twins.fire(datetime(2026, 4, 1, 3, 0, tzinfo=UTC))
    assert twins.ready == ["submit_report"]


@pytest.mark.parametrize("order", ["a first", "b first", "a between b and b2"])
def test_parallel_branches_join_alike_in_any_order_and_loop(order: str) -> None:
    twins = Twins(_diagram("parallel_loop"), {"round": 0})
    for loop in range(5):
        assert sorted(twins.ready) == ["a", "b"]
        steps = {
            "a first": [("a", {"from_a": loop}), ("b", {"from_b": loop}), ("b2", {"from_b2": loop})],
            "b first": [("b", {"from_b": loop}), ("b2", {"from_b2": loop}), ("a", {"from_a": loop})],
            "a between b and b2": [
                ("b", {"from_b": loop}),
                ("a", {"from_a": loop}),
                ("b2", {"from_b2": loop}),
            ],
        }[order]
        for element, data in steps:
            twins.complete(element, **data)
        assert twins.ready == ["c"]
        twins.complete("c", decision="again" if loop < 4 else "done", round=loop)
    assert twins.done


def test_boundary_timers_fire_alike_on_every_pass() -> None:
    plan = {
        "remind_at": (BEGIN + timedelta(days=1)).isoformat(),
        "escalate_at": (BEGIN + timedelta(days=30)).isoformat(),
        "reminders": 0,
    }
    twins = Twins(_diagram("boundary_timers"), plan)
    for loop in range(4):
        assert len(twins.runs[True].timer_due_times()) == 2
        twins.fire(BEGIN + timedelta(days=1, hours=loop + 1, minutes=30))  # the reminder, not the escalation
        assert len(twins.runs[True].timer_due_times()) == 1
        twins.complete("report", report=f"pass {loop}")
        twins.complete(
            "check", decision="again", remind_at=(BEGIN + timedelta(days=1, hours=loop + 2)).isoformat()
        )
    twins.fire(BEGIN + timedelta(days=31))  # the escalation interrupts the report
    assert twins.ready == ["explain"] and twins.runs[True].timer_due_times() == []
    twins.complete("explain", reason="late")
    assert twins.done


def test_call_activities_and_subprocesses_run_alike_and_leave_nothing_behind() -> None:
    twins = Twins(_calling("call_activity"), {"topic": "plan"})
    for loop in range(6):
        twins.complete("first_look", seen=loop)
        twins.complete("second_look", again=loop)
        twins.complete("inner_task", inner=loop)
        twins.complete("decide_task", decision="again" if loop < 5 else "done")
    assert twins.done
    assert max(twins.tasks[4:]) <= twins.tasks[4] + 2, twins.tasks  # no pass is kept


def test_multi_instance_units_run_alike() -> None:
    twins = Twins(_diagram("multi_instance"), {"units": ["physics", "history", "languages"]})
    for loop in range(3):
        assert twins.ready == ["unit_plan"] * 3
        for nth in (2, 0, 0):  # in no particular order
            twins.complete("unit_plan", nth, plan=f"plan {loop}.{nth}")
        for unit in range(3):
            assert twins.ready == ["unit_sign"]
            twins.complete("unit_sign", signature=f"sig {loop}.{unit}")
        assert len(twins.runs[True].current_data()["plans"]) == 3
        twins.complete("summary", decision="again" if loop < 2 else "done", plans=[], signatures=[])
    assert twins.done


def test_a_state_stored_whole_before_compaction_loads_and_runs_on() -> None:
    definition = parse((BPMN_DIR / "qualification_request.bpmn").read_text("utf-8"))
    twins = Twins(definition, APPLICATION, compact_after=21)  # ten loops stored whole first
    for _ in range(10):
        twins.complete("endorse", **RETURN)
        twins.complete("revise_application", **APPLICATION)
    grown = twins.sizes[-1]
    twins.complete("endorse", **RETURN)  # the first save since: compacted
    assert twins.sizes[-1] < grown / 2
    twins.complete("revise_application", **APPLICATION)
    twins.complete("endorse", decision="approve")
    assert twins.ready == ["rector_visa"]


def test_a_finished_case_keeps_only_its_data() -> None:
    twins = Twins(_diagram("parallel_loop"), {"round": 0})
    twins.complete("a", from_a=1)
    twins.complete("b", from_b=1)
    twins.complete("b2", from_b2=1)
    twins.complete("c", decision="done")
    assert twins.done and twins.tasks[-1] == 2  # the root and the task holding the case's data
