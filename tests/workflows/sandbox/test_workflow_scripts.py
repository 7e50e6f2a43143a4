"""Diagram code run by SpiffWorkflow goes through the sandbox: scripts, conditions and service calls
of a workflow, and the refusals and failures the engine reports for them."""

from __future__ import annotations

from typing import Any

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from tests.workflows.sandbox.hosts import make_env
from workflows.sandbox import ScriptRejected

GRADING_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="grading" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="score">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>SCRIPT</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:serviceTask id="record">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="record_score" resultVariable="receipt">
          <spiffworkflow:parameters>
            <spiffworkflow:parameter id="total" type="int" value="total" />
            <spiffworkflow:parameter id="who" type="str" value="name.upper()" />
          </spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:exclusiveGateway id="decide" default="f_retake">
      <bpmn:incoming>f3</bpmn:incoming>
      <bpmn:outgoing>f_certify</bpmn:outgoing><bpmn:outgoing>f_retake</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:scriptTask id="certify">
      <bpmn:incoming>f_certify</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:script>outcome = "certified"</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:scriptTask id="retake">
      <bpmn:incoming>f_retake</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing>
      <bpmn:script>outcome = "retake"</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="end_certified"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end_retake"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="score" />
    <bpmn:sequenceFlow id="f2" sourceRef="score" targetRef="record" />
    <bpmn:sequenceFlow id="f3" sourceRef="record" targetRef="decide" />
    <bpmn:sequenceFlow id="f_certify" sourceRef="decide" targetRef="certify">
      <bpmn:conditionExpression>len(passed) == len(points) and total &gt;= 150</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_retake" sourceRef="decide" targetRef="retake" />
    <bpmn:sequenceFlow id="f4" sourceRef="certify" targetRef="end_certified" />
    <bpmn:sequenceFlow id="f5" sourceRef="retake" targetRef="end_retake" />
  </bpmn:process>
</bpmn:definitions>
"""

SCORE_SCRIPT = "total = sum(points)\npassed = [p for p in points if p &gt;= pass_mark()]"


def run_grading(points: list[int], script: str = SCORE_SCRIPT) -> dict[str, Any]:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_str(GRADING_BPMN.replace("SCRIPT", script).encode())
    spec = parser.get_spec("grading")
    services: list[tuple[str, dict[str, Any]]] = []

    def handler(name: str, params: dict[str, Any]) -> Any:
        services.append((name, params))
        return {"stored": params["total"]}

    env = make_env(service_handler=handler)
    workflow = BpmnWorkflow(spec, script_engine=PythonScriptEngine(environment=env))
    (start,) = workflow.get_tasks(state=TaskState.READY)
    start.data.update({"points": points, "name": "aida"})
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert services == [("record_score", {"total": sum(points), "who": "AIDA"})]
    return dict(workflow.data)


def test_workflow_scripts_and_conditions_run_in_the_sandbox() -> None:
    certified = run_grading([60, 70, 80])
    assert certified == {
        "points": [60, 70, 80],
        "name": "aida",
        "total": 210,
        "passed": [60, 70, 80],
        "receipt": {"stored": 210},
        "outcome": "certified",
    }
    # Same total range, but one mark below pass_mark(): the condition is false.
    assert run_grading([40, 90, 90])["outcome"] == "retake"


def test_workflow_refuses_an_escaping_script() -> None:
    with pytest.raises(WorkflowTaskException) as caught:
        run_grading([60], script="total = ().__class__.__base__.__subclasses__()")
    assert caught.value.error_type == "ScriptRejected"
    assert isinstance(caught.value.__context__, ScriptRejected)


def test_workflow_stops_a_runaway_script() -> None:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_str(GRADING_BPMN.replace("SCRIPT", "while True:\n    pass").encode())
    env = make_env(time_limit=0.2)
    workflow = BpmnWorkflow(parser.get_spec("grading"), script_engine=PythonScriptEngine(environment=env))
    with pytest.raises(WorkflowTaskException) as caught:
        workflow.do_engine_steps()
    assert caught.value.error_type == "ScriptTimeout"


@pytest.mark.parametrize(
    ("script", "error_type"),
    [
        ("total = sum(points)\npassed = total / 0", "ZeroDivisionError"),
        ("total = sum(points)\npassed = 'x' * (total * 10**7)", "ScriptLimitExceeded"),
    ],
)
def test_workflow_reports_the_line_that_failed_in_the_sandbox_process(script: str, error_type: str) -> None:
    with pytest.raises(WorkflowTaskException) as caught:
        run_grading([60], script=script)
    assert caught.value.error_type == error_type
    assert caught.value.line_number == 2
    assert caught.value.error_line == script.splitlines()[1]
