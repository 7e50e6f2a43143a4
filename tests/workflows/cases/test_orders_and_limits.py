"""The order's date and lateness, the hours counted, and the limits a real course has (policy)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from tests.workflows.flow import Flow
from workflows.cases.models import Event, EventKind, HumanTask, Order
from workflows.cases.start import start_case
from workflows.definitions import publishing
from workflows.errors import ValidationFailed


def _to_order(flow: Flow, case: int) -> None:
    flow.do("head", case, "endorse", decision="approve")
    flow.do("rector", case, "rector_visa", decision="approve")


def _refused(flow: Flow, case: int, element: str, **data: object) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as info:
        flow.do("hr" if element == "prepare_order" else "centre", case, element, **data)
    return [(e.field, e.code) for e in info.value.errors]


def test_the_order_bears_the_date_hr_entered(flow: Flow) -> None:
    case = flow.start()
    _to_order(flow, case)
    flow.at("2026-03-04T11:00:00+05:00")
    flow.do("hr", case, "prepare_order", order_date="2026-03-03")  # signed yesterday, entered today
    with flow.factory() as s:
        order = s.scalars(select(Order).where(Order.instance_id == case)).one()
        assert order.order_date == date(2026, 3, 3)


@pytest.mark.parametrize(
    ("order_date", "code"),
    [("2026-03-05", "order_in_future"), ("2026-02-28", "order_before_application")],
)
def test_an_order_date_in_the_future_or_before_the_application_is_refused(
    flow: Flow, order_date: str, code: str
) -> None:
    case = flow.start()
    _to_order(flow, case)
    flow.at("2026-03-04T11:00:00+05:00")
    assert _refused(flow, case, "prepare_order", order_date=order_date) == [("order_date", code)]
    assert flow.open_elements(case) == ["prepare_order"]


def test_an_order_after_the_start_says_why_and_the_report_period_waits_for_it(flow: Flow) -> None:
    case = flow.start()  # course 21–31 March
    _to_order(flow, case)
    flow.at("2026-04-02T10:00:00+05:00")  # HR is late: the course is already over
    assert _refused(flow, case, "prepare_order", order_date="2026-04-02") == [
        ("late_reason", "order_late_reason")
    ]
    flow.do("hr", case, "prepare_order", order_date="2026-04-02", late_reason="Ректордың визасы кешікті")
    with flow.factory() as s:
        issued = s.scalars(
            select(Event).where(Event.instance_id == case, Event.kind == EventKind.ORDER_ISSUED)
        ).one()
        assert issued.data["late"] is True and issued.data["course_start"] == "2026-03-21"
        assert issued.comment == "Ректордың визасы кешікті" and issued.actor_id == flow.demo["hr"]
    flow.fire()  # the course's end is past: the report is asked for at once...
    report = flow.task(case, "submit_report")
    assert report.due_date == date(2026, 4, 7)  # ...due 5 days after the order, not after the course


def test_an_order_in_time_is_not_marked_late(flow: Flow) -> None:
    case = flow.start()
    flow.approve_to_order(case)
    with flow.factory() as s:
        issued = s.scalars(
            select(Event).where(Event.instance_id == case, Event.kind == EventKind.ORDER_ISSUED)
        ).one()
        assert "late" not in issued.data and issued.comment is None


def test_no_more_hours_are_counted_than_the_course_has(flow: Flow) -> None:
    case = flow.start(hours=72)
    flow.approve_to_order(case)
    flow.at("2026-04-01T08:00:00+05:00")
    flow.fire()
    flow.submit_report(case)
    assert _refused(
        flow,
        case,
        "verify_certificate",
        decision="approve",
        counted_hours=500,
        certificate_type="certificate",
    ) == [("counted_hours", "counted_over_course")]
    flow.verify(case)
    assert flow.open_elements(case) == ["meeting_review"]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"start_date": "2026-03-21", "end_date": "9999-12-31"}, "end_date", "course_too_long"),
        ({"start_date": "2030-01-01", "end_date": "2030-01-10"}, "start_date", "start_too_far"),
        ({"start_date": "2026-03-21", "end_date": "2028-03-20"}, "end_date", "course_too_long"),
        ({"start_date": "2026-03-21", "end_date": "2026-03-21", "hours": 2000}, "hours", "too_many_hours"),
    ],
)
def test_an_application_beyond_the_limits_is_refused_before_anything_is_stored(
    flow: Flow, overrides: dict[str, Any], field: str, code: str
) -> None:
    with pytest.raises(ValidationFailed) as info:
        flow.start(**overrides)
    assert (field, code) in [(e.field, e.code) for e in info.value.errors]
    with flow.factory() as s:
        assert s.scalars(select(HumanTask)).all() == []


def test_a_year_abroad_is_within_the_limits(flow: Flow) -> None:
    case = flow.start(mode="abroad", start_date="2026-09-01", end_date="2027-08-31", hours=1000)
    assert flow.open_elements(case) == ["endorse"]


def test_a_second_application_for_the_same_course_and_dates_is_refused(flow: Flow) -> None:
    first = flow.start(course="Цифрлық педагогика")
    with pytest.raises(ValidationFailed) as info:
        flow.start(course="  цифрлық   ПЕДАГОГИКА ")  # the same course, typed differently
    [error] = info.value.errors
    assert (error.field, error.code) == ("course", "duplicate_application")
    assert error.params["business_key"] == flow.case(first).business_key
    other_dates = flow.start(course="Цифрлық педагогика", start_date="2026-04-01", end_date="2026-04-10")
    assert other_dates != first


def test_a_rejected_application_may_be_made_again(flow: Flow) -> None:
    first = flow.start(course="Цифрлық педагогика")
    flow.do("head", first, "endorse", decision="reject", comment="Жоспарда жоқ")
    again = flow.start(course="Цифрлық педагогика")
    assert flow.open_elements(again) == ["endorse"]


NO_COURSE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="leave_note" name="Note" isExecutable="true">
    <bpmn:startEvent id="start">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="form" value="leave_note" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:outgoing>f1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""
NOTE_FORM = {"type": "object", "properties": {"note": {"type": "string"}}, "required": ["note"]}


def test_a_process_whose_start_form_names_no_course_starts_as_often_as_needed(flow: Flow) -> None:
    with flow.factory() as s:
        publishing.publish(s, NO_COURSE, {"leave_note": NOTE_FORM}, flow.demo["owner"], flow.clock)
        teacher = flow.demo["teacher"]
        refs = [start_case(s, "leave_note", teacher, {"note": "x"}, flow.clock) for _ in range(2)]
        s.commit()
    assert [r.status for r in refs] == ["completed", "completed"] and refs[0].id != refs[1].id
