"""The shipped procedures pass the publish validation, say on each step which seed section it
implements, and give every institutional step a due rule with its reminder and escalation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from workflows.definitions.validation import validate
from workflows.engine.definition import NS, read_info

ROOT = Path(__file__).resolve().parents[3]
FORMS = {p.stem: json.loads(p.read_text("utf-8")) for p in (ROOT / "forms").glob("*.json")}
SHIPPED = ("qualification_request", "internship", "refund")
# Steps that are the applicant's own revisions: they have no institutional deadline.
OWN_REVISIONS = {"revise_application", "revise_report", "revise_results"}
# What sits inside an element (its timer, its script), and the flows and merges between steps.
NOT_STEPS = {"sequenceFlow", "exclusiveGateway", "timerEventDefinition", "timeDate", "script"}


def _xml(key: str) -> str:
    return (ROOT / "bpmn" / f"{key}.bpmn").read_text("utf-8")


@pytest.mark.parametrize("key", SHIPPED)
def test_the_diagram_passes_the_publish_validation(key: str) -> None:
    parsed, problems = validate(_xml(key), FORMS)
    assert problems == [] and parsed is not None
    assert parsed.info.process_key == key


@pytest.mark.parametrize("key", ("internship", "refund"))
def test_every_element_cites_its_seed_section(key: str) -> None:
    root = etree.fromstring(_xml(key).encode())
    info = read_info(root)
    undocumented = [
        element.id
        for element in info.elements.values()
        if element.kind not in NOT_STEPS
        and not root.xpath(f"//*[@id='{element.id}']/bpmn:documentation/text()", namespaces=NS)
    ]
    assert undocumented == []
    assert root.xpath("//bpmn:process/bpmn:documentation/text()", namespaces=NS)


@pytest.mark.parametrize("key", SHIPPED)
def test_every_institutional_step_has_a_due_rule_a_reminder_and_an_escalation(key: str) -> None:
    root = etree.fromstring(_xml(key).encode())
    info = read_info(root)
    for task in info.user_tasks():
        if task.id in OWN_REVISIONS:
            continue
        assert task.properties.get("due"), task.id
        attached = {
            b.get("id")
            for b in root.xpath(f"//bpmn:boundaryEvent[@attachedToRef='{task.id}']", namespaces=NS)
        }
        assert {f"{task.id}_remind", f"{task.id}_escalate"} <= attached or task.id == "submit_report", task.id
