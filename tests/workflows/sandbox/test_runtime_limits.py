"""The engine through the pool: limits reach the caller as ProcessError, date functions follow the clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from workflows.clock import FrozenClock
from workflows.engine.definition import parse
from workflows.engine.runtime import Runtime
from workflows.errors import ProcessError
from workflows.sandbox import ScriptLimitExceeded

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="compute"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>SCRIPT</bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="review" name="Review">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute" />
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="review" />
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""


def no_services(operator: str, params: dict[str, Any], data: dict[str, Any]) -> Any:
    raise AssertionError("no service in this diagram")


def start(script: str, data: dict[str, Any], clock: FrozenClock) -> Runtime:
    return Runtime.start(parse(DIAGRAM.replace("SCRIPT", script)), data, clock, no_services)


def test_date_functions_run_in_the_sandbox_and_today_follows_the_clock() -> None:
    clock = FrozenClock(datetime(2026, 3, 1, 4, 0, tzinfo=UTC))
    script = "due = add_working_days(start_date, 2)\nseen = today()\ngap = days_between(seen, due)"
    runtime = start(script, {"start_date": "2026-03-20"}, clock)
    data = runtime.current_data()
    # Nauryz (21-23 March) plus the two days freed by its weekend days: the holiday calendar
    # came along with the function.
    assert data["due"] == "2026-03-27" and data["seen"] == "2026-03-01" and data["gap"] == 26
    (task,) = runtime.ready_user_tasks()
    clock.advance(days=2)
    assert runtime.evaluate(task.engine_id, "today()") == "2026-03-03"
    assert runtime.evaluate(task.engine_id, "add_months(today(), 1)") == "2026-04-03"


def test_a_script_over_the_memory_limit_is_a_process_error_naming_the_task() -> None:
    clock = FrozenClock(datetime(2026, 3, 1, 4, 0, tzinfo=UTC))
    with pytest.raises(ProcessError) as info:
        start("a = 1\nb = 'x' * n", {"n": 10**9}, clock)
    assert info.value.params["element_id"] == "compute"
    assert "memory" in str(info.value)


def test_an_expression_over_the_memory_limit_is_a_process_error() -> None:
    clock = FrozenClock(datetime(2026, 3, 1, 4, 0, tzinfo=UTC))
    runtime = start("n = 10**9", {}, clock)
    (task,) = runtime.ready_user_tasks()
    with pytest.raises(ProcessError) as info:
        runtime.evaluate(task.engine_id, "len([0] * n)")
    cause = info.value.__cause__
    assert cause is not None and isinstance(cause.__context__, ScriptLimitExceeded)
    assert runtime.evaluate(task.engine_id, "n // 10") == 10**8
