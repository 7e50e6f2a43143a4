"""The engine adapter: failures in diagrams surface as ProcessError naming the element."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from workflows.clock import FrozenClock
from workflows.engine.definition import parse
from workflows.engine.runtime import Runtime
from workflows.errors import ProcessError

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="call">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="notify" resultVariable="r">
          <spiffworkflow:parameters>
            <spiffworkflow:parameter id="event" type="str" value="'reminder'" />
          </spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:scriptTask id="compute"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>due = add_days(start_date, 5)</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="compute" />
    <bpmn:sequenceFlow id="f3" sourceRef="compute" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""

CLOCK = FrozenClock(datetime(2026, 3, 1, 4, 0, tzinfo=UTC))


def test_a_failing_service_operator_is_a_process_error_naming_the_task() -> None:
    def broken(operator: str, params: dict[str, Any], data: dict[str, Any]) -> Any:
        raise KeyError("to")

    with pytest.raises(ProcessError) as info:
        Runtime.start(parse(DIAGRAM), {"start_date": "2026-03-21"}, CLOCK, broken)
    assert info.value.params["element_id"] == "call"


def test_services_receive_parameters_and_task_data_and_scripts_get_date_functions() -> None:
    calls: list[tuple[str, dict[str, Any], dict[str, Any]]] = []

    def record(operator: str, params: dict[str, Any], data: dict[str, Any]) -> Any:
        calls.append((operator, params, dict(data)))
        return {"ok": True}

    runtime = Runtime.start(parse(DIAGRAM), {"start_date": "2026-03-21"}, CLOCK, record)
    assert runtime.is_completed
    assert calls == [("notify", {"event": "reminder"}, {"start_date": "2026-03-21"})]
    data = runtime.current_data()
    assert data["due"] == "2026-03-26" and data["r"] == {"ok": True}


def test_a_script_error_is_a_process_error() -> None:
    with pytest.raises(ProcessError) as info:
        Runtime.start(parse(DIAGRAM), {}, CLOCK, lambda *a: {})
    assert info.value.params["element_id"] == "compute"
