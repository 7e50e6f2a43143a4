"""Editing the shipped diagram as a process owner would, for the tests of validation, versions,
the editor and incidents: change an element, add a step, publish the change, read what happened."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import ROOT
from tests.workflows.flow import Flow
from workflows.cases.models import Event, ProcessInstance
from workflows.definitions import browser, drafts
from workflows.definitions.models import ProcessVersion
from workflows.engine.definition import NS

SHIPPED = (ROOT / "bpmn" / "qualification_request.bpmn").read_text("utf-8")
KEY = "qualification_request"
BPMN = NS["bpmn"]
SPIFF = NS["spiffworkflow"]


def edited(change: Callable[[etree._Element], None], source: str = SHIPPED) -> str:
    """The diagram after an edit, serialised as a BPMN tool would write it."""
    root = etree.fromstring(source.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def one(root: etree._Element, xpath: str) -> etree._Element:
    found = root.xpath(xpath, namespaces=NS)
    assert len(found) == 1, xpath
    return found[0]


def remove(node: etree._Element) -> None:
    parent = node.getparent()
    assert parent is not None
    parent.remove(node)


def set_property(root: etree._Element, element_id: str, name: str, value: str | None) -> None:
    prop = one(
        root, f"//*[@id='{element_id}']/bpmn:extensionElements//spiffworkflow:property[@name='{name}']"
    )
    if value is None:
        remove(prop)
    else:
        prop.set("value", value)


def set_parameter(root: etree._Element, element_id: str, name: str, value: str) -> None:
    one(root, f"//*[@id='{element_id}']//spiffworkflow:parameter[@id='{name}']").set("value", value)


def set_condition(flow_id: str, text: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        one(root, f"//bpmn:sequenceFlow[@id='{flow_id}']/bpmn:conditionExpression").text = text

    return change


def set_script(element_id: str, text: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        one(root, f"//bpmn:scriptTask[@id='{element_id}']/bpmn:script").text = text

    return change


HR_CHECK_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "x-title": {"kk": "HR тексеруі", "ru": "Проверка HR", "en": "HR check"},
    "properties": {
        "documents_complete": {"type": "boolean", "x-title": {"kk": "Құжаттар толық", "en": "Complete"}},
        "comment": {"type": "string", "maxLength": 2000},
    },
    "required": ["documents_complete"],
    "additionalProperties": False,
}


def add_hr_check(xml: str) -> str:
    """An HR check step between the rector's visa and the agreement gateway, in the HR lane."""

    def change(root: etree._Element) -> None:
        approve = one(root, "//bpmn:sequenceFlow[@id='flow_rector_approve']")
        approve.set("targetRef", "hr_check")
        one(root, "//bpmn:exclusiveGateway[@id='gw_agreement_needed']/bpmn:incoming").text = "flow_hr_checked"
        task = etree.fromstring(
            f"""<bpmn:userTask xmlns:bpmn="{BPMN}" xmlns:spiffworkflow="{SPIFF}" id="hr_check"
                    name="Құжаттарды HR тексеруі">
                  <bpmn:extensionElements>
                    <spiffworkflow:properties>
                      <spiffworkflow:property name="form" value="hr_check" />
                      <spiffworkflow:property name="due" value="add_working_days(today(), 2)" />
                    </spiffworkflow:properties>
                  </bpmn:extensionElements>
                  <bpmn:incoming>flow_rector_approve</bpmn:incoming>
                  <bpmn:outgoing>flow_hr_checked</bpmn:outgoing>
                </bpmn:userTask>"""
        )
        flow = etree.fromstring(
            f'<bpmn:sequenceFlow xmlns:bpmn="{BPMN}" id="flow_hr_checked" sourceRef="hr_check" '
            'targetRef="gw_agreement_needed" />'
        )
        rector = one(root, "//bpmn:userTask[@id='rector_visa']")
        rector.addnext(task)
        approve.addnext(flow)
        ref = etree.SubElement(one(root, "//bpmn:lane[@id='lane_hr']"), f"{{{BPMN}}}flowNodeRef")
        ref.text = "hr_check"

    return edited(change, xml)


def publish_change(flow: Flow, change: Callable[[str], str], forms: dict[str, object] | None = None) -> int:
    owner = flow.demo["owner"]
    with flow.factory() as s:
        opened = browser.get_draft_or_latest(s, KEY, owner, flow.clock)
        new_forms = None if forms is None else {**opened.forms, **forms}
        saved = drafts.save_draft(s, KEY, change(opened.bpmn_xml), new_forms, opened.token, owner, flow.clock)
        assert saved.problems == []
        published = drafts.publish_draft(s, KEY, saved.token, "Order 17 of the rector", owner, flow.clock)
        s.commit()
    assert not published.unchanged
    return published.version


def version_of(flow: Flow, case_id: int) -> int:
    with flow.factory() as s:
        return s.execute(
            select(ProcessVersion.version)
            .join(ProcessInstance, ProcessInstance.version_id == ProcessVersion.id)
            .where(ProcessInstance.id == case_id)
        ).scalar_one()


def events(session: Session, *kinds: str) -> list[Event]:
    """Definition events caused by people (the fixture's deployment of the shipped diagrams has no actor)."""
    return list(
        session.scalars(
            select(Event)
            .where(Event.instance_id.is_(None), Event.actor_id.is_not(None), Event.kind.in_(kinds))
            .order_by(Event.id)
        )
    )


def versions(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(ProcessVersion.version)
            .where(ProcessVersion.process_key == KEY)
            .order_by(ProcessVersion.version)
        )
    )
