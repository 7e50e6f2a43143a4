"""Publishing refuses broken and hostile diagrams with a message naming the element, and never
touches the live version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import Demo
from tests.workflows.definitions.diagrams import (
    BPMN,
    KEY,
    SHIPPED,
    edited,
    one,
    remove,
    set_condition,
    set_parameter,
    set_property,
    set_script,
)
from workflows.cases.models import Event
from workflows.clock import FrozenClock
from workflows.definitions import publishing
from workflows.definitions.models import ProcessVersion
from workflows.definitions.validation import validate
from workflows.engine.definition import MAX_BPMN_BYTES
from workflows.errors import DefinitionInvalid, Problem
from workflows.forms.schema import load_forms

CORPUS = Path(__file__).parent / "corpus"


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
