"""Publishing refuses broken and hostile diagrams with a message naming the element, and never
touches the live version; a published change applies to new cases only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import ROOT, Demo
from tests.workflows.flow import Flow, application
from workflows.cases.models import Event, ProcessInstance
from workflows.clock import FrozenClock
from workflows.definitions import browser, drafts, publishing
from workflows.definitions.models import ProcessVersion
from workflows.definitions.validation import validate
from workflows.engine.definition import MAX_BPMN_BYTES, NS
from workflows.errors import DefinitionInvalid, Problem, ValidationFailed
from workflows.forms.schema import load_forms

SHIPPED = (ROOT / "bpmn" / "qualification_request.bpmn").read_text("utf-8")
CORPUS = Path(__file__).parent / "corpus"
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


def no_start_event(root: etree._Element) -> None:
    # What deleting the start shape in an editor leaves: its outgoing flow and lane reference go too.
    remove(one(root, "//bpmn:startEvent[@id='start']"))
    remove(one(root, "//bpmn:sequenceFlow[@id='flow_start']"))
    remove(one(root, "//bpmn:incoming[text()='flow_start']"))
    remove(one(root, "//bpmn:flowNodeRef[text()='start']"))


def unquoted_duration(root: etree._Element) -> None:
    timer = one(root, "//bpmn:boundaryEvent[@id='escalate_report']//bpmn:timeDate")
    timer.tag = f"{{{BPMN}}}timeDuration"
    timer.text = "P5D"


def unquoted_date(root: etree._Element) -> None:
    one(root, "//bpmn:intermediateCatchEvent[@id='wait_course_end']//bpmn:timeDate").text = "2026-5-1"


def rename(old: str, new: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        for node in root.iter():
            if not isinstance(node.tag, str):
                continue
            for attribute in ("id", "sourceRef", "targetRef", "bpmnElement", "attachedToRef"):
                if node.get(attribute) == old:
                    node.set(attribute, new)
            if node.text == old and etree.QName(node).localname in {"flowNodeRef", "incoming", "outgoing"}:
                node.text = new

    return change


def unreachable_task(root: etree._Element) -> None:
    # The flow into the meeting step now skips it: the task is left without a way in.
    one(root, "//bpmn:sequenceFlow[@id='flow_to_meeting']").set("targetRef", "gw_meeting_decision")


@dataclass(frozen=True)
class Broken:
    name: str
    text: Callable[[], str]
    code: str
    element_id: str | None


CASES = [
    Broken("malformed XML", lambda: SHIPPED[: len(SHIPPED) // 2], "xml_syntax", None),
    Broken(
        "wrong BPMN namespace",
        lambda: SHIPPED.replace(BPMN, "http://www.omg.org/spec/BPMN/20100501/MODEL"),
        "not_bpmn",
        "definitions_qualification_request",
    ),
    Broken("no start event", lambda: edited(no_start_event), "no_start", KEY),
    Broken(
        "script imports os",
        lambda: edited(set_script("set_report_due", "import os\nreport_due = os.getcwd()")),
        "expression",
        "set_report_due",
    ),
    Broken(
        "script calls __import__",
        lambda: edited(set_script("set_report_due", "report_due = __import__('os').getcwd()")),
        "expression",
        "set_report_due",
    ),
    Broken(
        "script walks dunder attributes",
        lambda: edited(
            set_script("extend_report_due", "report_due = ().__class__.__bases__[0].__subclasses__()")
        ),
        "expression",
        "extend_report_due",
    ),
    Broken(
        "condition opens a file",
        lambda: edited(
            lambda r: setattr(
                one(r, "//bpmn:sequenceFlow[@id='flow_rector_approve']/bpmn:conditionExpression"),
                "text",
                "open('/etc/passwd').read() != ''",
            )
        ),
        "expression",
        "flow_rector_approve",
    ),
    Broken(
        "timer duration without quotes",
        lambda: edited(unquoted_duration),
        "timer_unquoted",
        "escalate_report",
    ),
    Broken("timer date as arithmetic", lambda: edited(unquoted_date), "timer_not_text", "wait_course_end"),
    Broken(
        "lane with an unknown role",
        lambda: edited(lambda r: set_property(r, "lane_hr", "role", "human_resources")),
        "unknown_role",
        "lane_hr",
    ),
    Broken(
        "user task without a form",
        lambda: edited(lambda r: set_property(r, "rector_visa", "form", None)),
        "no_form",
        "rector_visa",
    ),
    Broken(
        "user task with a missing form",
        lambda: edited(lambda r: set_property(r, "endorse", "form", "head_endorsment")),
        "missing_form",
        "endorse",
    ),
    Broken(
        "unknown named check",
        lambda: edited(lambda r: set_property(r, "start", "checks", "lead_time,date_range,funding,budget")),
        "unknown_check",
        "start",
    ),
    Broken(
        "unknown service operator",
        lambda: edited(
            lambda r: one(r, "//bpmn:serviceTask[@id='notify_order']//spiffworkflow:serviceTaskOperator").set(
                "id", "send_sms"
            )
        ),
        "unknown_operator",
        "notify_order",
    ),
    Broken(
        "unconditioned non-default exclusive flow",
        lambda: edited(
            lambda r: remove(one(r, "//bpmn:sequenceFlow[@id='flow_rector_reject']/bpmn:conditionExpression"))
        ),
        "no_condition",
        "flow_rector_reject",
    ),
    Broken(
        "dangling sequence flow",
        lambda: edited(
            lambda r: one(r, "//bpmn:sequenceFlow[@id='flow_rector_reject']").set("targetRef", "gw_rejected")
        ),
        "dangling_flow",
        "flow_rector_reject",
    ),
    Broken("unreachable task", lambda: edited(unreachable_task), "unreachable", "meeting_review"),
    Broken(
        "element id is an operator name",
        lambda: edited(rename("verify_certificate", "notify")),
        "id_is_operator",
        "notify",
    ),
    Broken("billion laughs", lambda: (CORPUS / "billion_laughs.bpmn").read_text("utf-8"), "doctype", None),
    Broken(
        "external entity", lambda: (CORPUS / "external_entity.bpmn").read_text("utf-8"), "xml_syntax", None
    ),
    Broken("external DTD", lambda: (CORPUS / "external_dtd.bpmn").read_text("utf-8"), "doctype", None),
    Broken(
        "larger than 2 MiB",
        lambda: SHIPPED.replace("</bpmn:definitions>", f"<!--{'x' * MAX_BPMN_BYTES}-->\n</bpmn:definitions>"),
        "too_large",
        None,
    ),
    Broken(
        "not UTF-8",
        lambda: SHIPPED.replace('encoding="UTF-8"', 'encoding="windows-1251"'),
        "encoding_declared",
        None,
    ),
    Broken(
        "a 100 KB condition",
        lambda: edited(set_condition("flow_endorse_approve", 'decision == "approve" and ' * 4000 + "True")),
        "expression",
        "flow_endorse_approve",
    ),
    Broken(
        "a 50,000-term sum",
        lambda: edited(set_condition("flow_endorse_approve", " + ".join(["1"] * 50_000) + " > 0")),
        "expression",
        "flow_endorse_approve",
    ),
    Broken(
        "a condition nested a thousand deep",
        lambda: edited(set_condition("flow_endorse_approve", "not " * 1000 + "False")),
        "expression",
        "flow_endorse_approve",
    ),
    Broken(
        "an outcome the product does not know",
        lambda: edited(lambda root: set_property(root, "end_completed", "outcome", "finished")),
        "unknown_outcome",
        "end_completed",
    ),
    Broken(
        "a notice the product does not know",
        lambda: edited(lambda root: set_parameter(root, "notify_order", "event", "'order_signed'")),
        "unknown_notice",
        "notify_order",
    ),
    Broken(
        "a notice to an unknown role",
        lambda: edited(lambda root: set_parameter(root, "notify_order", "to", "'employee, dean'")),
        "unknown_recipient",
        "notify_order",
    ),
]


def _live(session: Session) -> tuple[int, str, int]:
    latest = publishing.latest_version(session, KEY)
    count = session.scalar(select(func.count()).select_from(ProcessVersion))
    return latest.id, latest.content_hash, int(count or 0)


def test_the_unedited_diagram_is_clean() -> None:
    """The corpus is built by editing the shipped diagram: the editing itself must break nothing."""
    parsed, problems = validate(edited(lambda root: None), load_forms())
    assert problems == []
    assert parsed is not None and parsed.info.process_key == KEY


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_diagram_is_refused_and_live_version_kept(
    case: Broken, db: Session, demo: Demo, clock: FrozenClock
) -> None:
    before = _live(db)
    events = db.scalar(select(func.count()).select_from(Event))
    with pytest.raises(DefinitionInvalid) as refused:
        publishing.publish(db, case.text(), load_forms(), demo["owner"], clock, note=case.name)
    problems: list[Problem] = refused.value.problems
    matching = [p for p in problems if p.code == case.code and p.element_id == case.element_id]
    assert matching, [(p.code, p.element_id, p.message) for p in problems]
    for problem in matching:
        if case.element_id is not None:
            assert case.element_id in problem.message  # the message says where, not only the field
    assert all("root:" not in p.message for p in problems)  # no file content leaks into messages
    db.flush()
    assert _live(db) == before
    assert db.scalar(select(func.count()).select_from(Event)) == events


@pytest.mark.parametrize(
    ("kind", "text", "code"),
    [
        ("timeDuration", '"P5D"', None),
        ("timeDuration", '"P5X"', "timer_value"),
        ("timeDate", '"P5D"', "timer_value"),
        ("timeDate", '"2026-05-01T09:00:00+05:00"', None),
        ("timeDate", "2026-05-01", "timer_unquoted"),
        ("timeDate", "add_days(report_due, P5D)", "timer_unquoted"),
        ("timeCycle", "R3/PT1H", "timer_unquoted"),
        ("timeCycle", '"R3/PT1H"', None),
        ("timeDate", "", "timer_empty"),
        ("timeDate", "day_start(add_days(report_due, 2))", None),
    ],
)
def test_timer_expressions(kind: str, text: str, code: str | None) -> None:
    def change(root: etree._Element) -> None:
        timer = one(root, "//bpmn:boundaryEvent[@id='escalate_report']//bpmn:timeDate")
        timer.tag = f"{{{BPMN}}}{kind}"
        timer.text = text

    _, problems = validate(edited(change), load_forms())
    assert [(p.code, p.element_id) for p in problems] == ([(code, "escalate_report")] if code else [])


def test_entities_are_not_expanded_even_in_validation_output() -> None:
    _, problems = validate((CORPUS / "billion_laughs.bpmn").read_text("utf-8"), {})
    assert [p.code for p in problems] == ["doctype"]
    assert all("lollol" not in p.message for p in problems)


# --------------------------------------------------------------------------
# A published change applies to cases started after it
# --------------------------------------------------------------------------


def _publish_change(flow: Flow, change: Callable[[str], str], forms: dict[str, object] | None = None) -> int:
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


def _version_of(flow: Flow, case_id: int) -> int:
    with flow.factory() as s:
        return s.execute(
            select(ProcessVersion.version)
            .join(ProcessInstance, ProcessInstance.version_id == ProcessVersion.id)
            .where(ProcessInstance.id == case_id)
        ).scalar_one()


def test_new_lead_time_applies_to_new_cases_only(flow: Flow) -> None:
    old_case = flow.start()  # 1 March, course on 21 March: the 20 days of version 1
    version = _publish_change(
        flow,
        lambda xml: xml.replace('name="lead_time_days" value="20"', 'name="lead_time_days" value="25"'),
    )
    assert version == 2

    # A case started now needs 25 days' notice...
    with pytest.raises(ValidationFailed) as refused:
        flow.start()
    assert [(e.field, e.code) for e in refused.value.errors] == [("start_date", "lead_time")]
    new_case = flow.start(start_date="2026-03-26", end_date="2026-04-05")
    assert _version_of(flow, old_case) == 1
    assert _version_of(flow, new_case) == 2

    # ...while the case started before keeps 20: its resubmission is held to 20 days from its filing.
    flow.do("head", old_case, "endorse", decision="return", comment="Курс күндерін нақтылаңыз")
    flow.do("head", new_case, "endorse", decision="return", comment="Курс күндерін нақтылаңыз")
    flow.at("2026-03-02T10:00:00+05:00")
    three_weeks = application(start_date="2026-03-22", end_date="2026-04-01")  # 21 days after 1 March
    with pytest.raises(ValidationFailed):  # 19 days after the filing is too few under either rule
        flow.do("teacher", old_case, "revise_application", **application(start_date="2026-03-20"))
    with pytest.raises(ValidationFailed) as refused:
        flow.do("teacher", new_case, "revise_application", **three_weeks)
    assert [e.code for e in refused.value.errors] == ["lead_time_first_filed"]
    flow.do("teacher", old_case, "revise_application", **three_weeks)
    assert flow.open_elements(old_case) == ["endorse"]


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


def test_extra_step_applies_to_new_cases_only(flow: Flow) -> None:
    old_case = flow.start()
    assert _publish_change(flow, add_hr_check, {"hr_check": HR_CHECK_FORM}) == 2
    new_case = flow.start()

    for case in (old_case, new_case):
        flow.do("head", case, "endorse", decision="approve")
        flow.do("rector", case, "rector_visa", decision="approve")
    assert flow.open_elements(old_case) == ["prepare_order"]
    assert flow.open_elements(new_case) == ["hr_check"]
    assert flow.task(new_case, "hr_check").role == "hr"

    with pytest.raises(ValidationFailed):
        flow.do("hr", new_case, "hr_check", comment="the form of the new step is enforced")
    flow.do("hr", new_case, "hr_check", documents_complete=True)
    assert flow.open_elements(new_case) == ["prepare_order"]
    for case in (old_case, new_case):
        flow.do("hr", case, "prepare_order", order_date="2026-03-01")
        assert flow.open_elements(case) == []
        assert flow.case(case).summary.get("order_number")
