"""The qualification request end to end through the services, on a real database."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from tests.workflows.flow import Flow
from workflows.cases.history import case_data
from workflows.cases.models import Event, Order, ProcessInstance
from workflows.errors import Forbidden, ValidationFailed
from workflows.messaging.models import Notification
from workflows.records.models import Nonconformity, TrainingRecord


def _notices(flow: Flow, username: str, kind: str) -> int:
    with flow.factory() as s:
        return len(
            s.scalars(
                select(Notification).where(
                    Notification.person_id == flow.demo[username], Notification.kind == kind
                )
            ).all()
        )


def test_happy_path_own_funds(flow: Flow) -> None:
    case = flow.start()
    assert flow.open_elements(case) == ["endorse"]
    assert flow.task(case, "endorse").due_date == date(2026, 3, 6)
    flow.approve_to_order(case)
    assert flow.open_elements(case) == []
    with flow.factory() as s:
        order = s.scalars(select(Order)).one()
    assert order.number == "БА-2026/0001"
    assert flow.case(case).summary["order_number"] == "БА-2026/0001"
    assert _notices(flow, "teacher", "order_issued") == 1

    # Nothing happens before the course ends...
    flow.at("2026-03-31T23:00:00+05:00")
    flow.fire()
    assert flow.open_elements(case) == []
    # ...and the day after, the report task is there, due in 5 days (001 §7.2).
    flow.at("2026-04-01T08:00:00+05:00")
    assert flow.fire().done >= 1
    report = flow.task(case, "submit_report")
    assert report.due_date == date(2026, 4, 5)
    assert report.assignee_id == flow.demo["teacher"]

    flow.at("2026-04-03T10:00:00+05:00")
    flow.submit_report(case)
    assert flow.open_elements(case) == ["verify_certificate"]
    assert [d.content_type for d in flow.documents(case)] == ["application/pdf"]
    flow.verify(case)
    flow.at("2026-04-20T15:00:00+05:00")
    flow.do("head", case, "meeting_review", **flow.meeting_record(), decision="approve")
    done = flow.case(case)
    assert done.status == "completed"
    assert done.ended_at is not None
    with flow.factory() as s:
        record = s.scalars(select(TrainingRecord)).one()
        assert (record.person_id, record.hours) == (flow.demo["teacher"], 72)
        kinds = [e.kind for e in s.scalars(select(Event).where(Event.instance_id == case).order_by(Event.id))]
    assert kinds[0] == "case_started" and kinds[-1] == "case_completed"
    assert "order_issued" in kinds and "timer_fired" in kinds


def test_late_application_is_refused_and_nothing_is_stored(flow: Flow) -> None:
    flow.at("2026-03-02T09:00:00+05:00")  # 19 days before 21 March
    with pytest.raises(ValidationFailed) as info:
        flow.start()
    [error] = info.value.errors
    assert (error.field, error.code) == ("start_date", "lead_time")
    assert error.params["earliest_start"] == "2026-03-22"
    assert error.params["last_day_to_apply"] == "2026-03-01"
    with flow.factory() as s:
        assert s.scalars(select(ProcessInstance)).all() == []
        # Only the diagrams' publications are in the log: the refused application left no event.
        assert {e.kind for e in s.scalars(select(Event))} == {"definition_published"}


def test_exactly_twenty_days_ahead_is_accepted(flow: Flow) -> None:
    flow.at("2026-03-01T23:59:00+05:00")
    case = flow.start(start_date="2026-03-21")
    assert flow.open_elements(case) == ["endorse"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": "2026-03-20"}, "end_date"),
        ({"hours": 0}, "hours"),
        ({"funding_source": "own", "cost": 150000}, "cost"),
        ({"provider": None}, "provider"),
        ({"funding_source": "university"}, "cost"),
    ],
)
def test_bad_application_names_the_field(flow: Flow, overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        flow.start(**overrides)
    assert field in [e.field for e in info.value.errors]


def test_head_returns_then_employee_resubmits(flow: Flow) -> None:
    case = flow.start()
    flow.do("head", case, "endorse", decision="return", comment="Курс мерзімін нақтылаңыз")
    assert flow.open_elements(case) == ["revise_application"]
    assert _notices(flow, "teacher", "task_assigned") == 1
    revise = flow.task(case, "revise_application")
    with flow.factory() as s:
        data = case_data(s, case, flow.clock)
    assert data["comment"] == "Курс мерзімін нақтылаңыз"
    flow.do(
        "teacher",
        case,
        "revise_application",
        **{**_app(), "start_date": "2026-03-25", "end_date": "2026-04-04"},
    )
    assert revise.id != flow.task(case, "endorse").id
    assert _notices(flow, "teacher", "returned") == 1
    flow.do("head", case, "endorse", decision="approve")
    assert flow.open_elements(case) == ["rector_visa"]
    assert flow.case(case).summary["start_date"] == "2026-03-25"
    assert _notices(flow, "teacher", "approved") == 1


def test_a_resubmission_counts_the_lead_time_from_the_first_filing(flow: Flow) -> None:
    """001 §7.1: the 20 days are about the first submission; the head's return does not make it late."""
    case = flow.start()
    flow.do("head", case, "endorse", decision="return", comment="Орынды нақтылаңыз")
    flow.at("2026-03-10T09:00:00+05:00")  # 11 days before the course: too late for a new application
    flow.do("teacher", case, "revise_application", **_app(place="Алматы, Қазақстан"))
    assert flow.open_elements(case) == ["endorse"]


def test_a_resubmission_may_not_move_the_course_earlier_than_the_first_filing_allowed(flow: Flow) -> None:
    case = flow.start()
    flow.do("head", case, "endorse", decision="return", comment="Күндерді өзгертіңіз")
    flow.at("2026-03-05T09:00:00+05:00")
    with pytest.raises(ValidationFailed) as info:
        flow.do("teacher", case, "revise_application", **_app(start_date="2026-03-15", end_date="2026-03-25"))
    [error] = info.value.errors
    assert (error.field, error.code) == ("start_date", "lead_time_first_filed")
    assert (error.params["filed_on"], error.params["earliest_start"]) == ("2026-03-01", "2026-03-21")
    assert flow.open_elements(case) == ["revise_application"]


def test_return_and_reject_need_a_comment(flow: Flow) -> None:
    case = flow.start()
    with pytest.raises(ValidationFailed) as info:
        flow.do("head", case, "endorse", decision="reject")
    assert [e.field for e in info.value.errors] == ["comment"]
    assert flow.open_elements(case) == ["endorse"]


def test_head_rejects(flow: Flow) -> None:
    case = flow.start()
    flow.do("head", case, "endorse", decision="reject", comment="Жоспарда жоқ")
    assert flow.case(case).status == "rejected"
    assert flow.open_elements(case) == []
    assert _notices(flow, "teacher", "rejected") == 1


def test_rector_rejects(flow: Flow) -> None:
    case = flow.start()
    flow.do("head", case, "endorse", decision="approve")
    flow.do("rector", case, "rector_visa", decision="reject", comment="Қаржы жоқ")
    assert flow.case(case).status == "rejected"


def test_university_funding_goes_through_finance_and_the_training_agreement(flow: Flow) -> None:
    case = flow.start(funding_source="university", cost=250000)
    flow.do("head", case, "endorse", decision="approve")
    assert flow.open_elements(case) == ["finance_agreement"]
    flow.do("finance", case, "finance_agreement", decision="approve", budget_line="BA-2026-01")
    flow.do("rector", case, "rector_visa", decision="approve")
    assert flow.open_elements(case) == ["training_agreement"]
    with pytest.raises(ValidationFailed):
        flow.do(
            "legal",
            case,
            "training_agreement",
            agreement_number="ОК-1",
            agreement_date="2026-03-05",
            refund_clause=False,
            refund_years=3,
        )
    flow.do(
        "legal",
        case,
        "training_agreement",
        agreement_number="ОК-1",
        agreement_date="2026-03-05",
        refund_clause=True,
        refund_years=3,
    )
    assert flow.open_elements(case) == ["prepare_order"]


def test_own_funds_skip_finance(flow: Flow) -> None:
    case = flow.start()
    flow.do("head", case, "endorse", decision="approve")
    assert flow.open_elements(case) == ["rector_visa"]


def test_overdue_report_is_escalated_and_stays_open(flow: Flow) -> None:
    case = flow.start()
    flow.approve_to_order(case)
    flow.at("2026-04-01T08:00:00+05:00")
    flow.fire()
    flow.at("2026-04-04T08:00:00+05:00")
    flow.fire()
    assert _notices(flow, "teacher", "reminder") == 1
    assert _notices(flow, "head", "escalation") == 0
    flow.at("2026-04-06T08:00:00+05:00")
    flow.fire()
    assert _notices(flow, "head", "escalation") == 1
    assert _notices(flow, "hr", "escalation") == 1
    with flow.factory() as s:
        entry = s.scalars(select(Nonconformity)).one()
    assert (entry.kind, entry.instance_id, entry.person_id) == ("report_overdue", case, flow.demo["teacher"])
    assert flow.open_elements(case) == ["submit_report"]
    flow.submit_report(case)  # late, but still accepted
    assert flow.open_elements(case) == ["verify_certificate"]


def test_meeting_sends_report_back_for_rework(flow: Flow) -> None:
    case = flow.start()
    flow.approve_to_order(case)
    flow.at("2026-04-01T08:00:00+05:00")
    flow.fire()
    flow.submit_report(case)
    flow.verify(case)
    meeting = flow.meeting_record(effectiveness="sufficient", attestation_recommendation=False)
    flow.do("head", case, "meeting_review", **meeting, decision="return", comment="Есепті толықтырыңыз")
    assert flow.open_elements(case) == ["revise_report"]
    flow.do(
        "teacher",
        case,
        "revise_report",
        report_text="Толықтырылған есеп: курс нәтижелері және енгізу жоспары.",
    )
    assert flow.open_elements(case) == ["meeting_review"]
    flow.do("head", case, "meeting_review", **meeting, decision="approve")
    assert flow.case(case).status == "completed"


def test_nobody_acts_outside_their_seat(flow: Flow) -> None:
    case = flow.start()
    with pytest.raises(Forbidden):
        flow.do("head2", case, "endorse", decision="approve")  # head of another department
    with pytest.raises(Forbidden):
        flow.do("teacher2", case, "endorse", decision="approve")
    flow.do("head", case, "endorse", decision="approve")


def _app(**overrides: Any) -> dict[str, Any]:
    from tests.workflows.flow import application

    return application(**overrides)


@pytest.mark.parametrize(("role", "element"), [("finance", "finance_agreement"), ("rector", "rector_visa")])
def test_finance_and_the_rector_can_return_an_application_for_changes(
    flow: Flow, role: str, element: str
) -> None:
    case = flow.start(funding_source="university", cost=150000)
    flow.do("head", case, "endorse", decision="approve")
    if element == "rector_visa":
        flow.do("finance", case, "finance_agreement", decision="approve", budget_line="BA-2026-01")
    with pytest.raises(ValidationFailed):  # returning says why
        flow.do(role, case, element, decision="return")
    flow.do(role, case, element, decision="return", comment="Құнын нақтылаңыз")
    assert flow.open_elements(case) == ["revise_application"]
    assert _notices(flow, "teacher", "returned") == 1
    flow.do("teacher", case, "revise_application", **_app(funding_source="university", cost=120000))
    assert flow.open_elements(case) == ["endorse"]  # the changed application is endorsed again
