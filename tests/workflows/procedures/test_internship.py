"""The internship end to end (001 §7.3–7.14): in Kazakhstan and abroad, individual and collective,
with the parties' consent before the order, the host supervisor, the documents within 5 days and
the report approved at the department meeting."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.workflows.flow import Flow
from tests.workflows.procedures.internship import (
    consent,
    meeting,
    personnel_number,
    results,
    start_internship,
)
from workflows.cases.models import Document, Order
from workflows.cases.orders import order_sheet
from workflows.errors import ValidationFailed
from workflows.messaging.models import Notification
from workflows.records.models import Nonconformity, TrainingForm, TrainingMode, TrainingRecord


def _notices(flow: Flow, username: str, kind: str) -> int:
    with flow.factory() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.person_id == flow.demo[username], Notification.kind == kind)
            )
            or 0
        )


def test_an_internship_in_kazakhstan_runs_to_the_training_file(flow: Flow) -> None:
    case = start_internship(flow)
    assert flow.open_elements(case) == ["endorse"]
    flow.do("head", case, "endorse", decision="approve")
    # In Kazakhstan: no coordination by the international office.
    assert flow.open_elements(case) == ["rector_visa"]
    flow.do("rector", case, "rector_visa", decision="approve")
    # The order waits for the parties' written consent and the host supervisor (001 §7.10–7.11).
    assert flow.open_elements(case) == ["record_consent"]
    consent(flow, case)
    assert flow.open_elements(case) == ["prepare_order"]
    flow.do("hr", case, "prepare_order", order_date="2026-03-01")
    assert _notices(flow, "teacher", "order_issued") == 1
    flow.at("2026-04-18T08:00:00+05:00")
    flow.fire()
    task = flow.task(case, "submit_results")
    assert task.due_date == date(2026, 4, 22)  # 5 days after the end (001 §7.14)
    results(flow, case)
    flow.do("centre", case, "check_results", decision="approve")
    meeting(flow, case)
    done = flow.case(case)
    assert done.status == "completed"
    with flow.factory() as s:
        [record] = s.scalars(select(TrainingRecord).where(TrainingRecord.instance_id == case)).all()
        assert (record.person_id, record.form, record.mode) == (
            flow.demo["teacher"],
            TrainingForm.INTERNSHIP,
            TrainingMode.OFFLINE,
        )
        names = sorted(s.scalars(select(Document.filename).where(Document.instance_id == case)))
    assert names == sorted(
        [
            "certificate.pdf",
            "consent.pdf",
            "minutes.pdf",
            "plan.pdf",
            "presentation.pdf",
            "report.pdf",
            "review.pdf",
        ]
    )


def test_the_order_cannot_be_issued_without_the_parties_consent(flow: Flow) -> None:
    case = start_internship(flow)
    flow.do("head", case, "endorse", decision="approve")
    flow.do("rector", case, "rector_visa", decision="approve")
    with pytest.raises(ValidationFailed) as refused:
        flow.do(
            "teacher",
            case,
            "record_consent",
            host_supervisor_name="Серікбаев Ә. Т.",
            host_supervisor_position="Басшы",
            host_supervisor_organisation="НУ",
        )
    assert [e.field for e in refused.value.errors] == ["consent_document"]
    assert flow.open_elements(case) == ["record_consent"]


def test_a_foreign_internship_is_coordinated_by_the_international_office(flow: Flow) -> None:
    case = start_internship(
        flow, host_location="abroad", place="Анкара, Түркия", start_date="2026-05-04", end_date="2026-05-15"
    )
    flow.do("head", case, "endorse", decision="approve")
    assert flow.open_elements(case) == ["coordinate_abroad"]
    coordination = flow.task(case, "coordinate_abroad")
    assert coordination.role == "international_office"
    # Sent back for the invitation, revised, coordinated the second time.
    flow.do("intl", case, "coordinate_abroad", decision="return", comment="Шақыру хатын қосыңыз")
    assert flow.open_elements(case) == ["revise_application"]
    flow.do(
        "teacher",
        case,
        "revise_application",
        **{
            k: v
            for k, v in flow.case(case).summary.items()
            if k in ("course", "provider", "start_date", "end_date", "hours", "funding_source")
        },
        host_location="abroad",
        place="Анкара, Түркия",
        internship_kind="individual",
        internship_plan=flow.upload("teacher", name="plan2.pdf"),
        relevance="Шақыру хаты қосылды",
    )
    flow.do("head", case, "endorse", decision="approve")
    flow.do(
        "intl", case, "coordinate_abroad", decision="approve", invitation=flow.upload("intl", name="inv.pdf")
    )
    assert flow.open_elements(case) == ["rector_visa"]
    flow.do("rector", case, "rector_visa", decision="approve")
    consent(flow, case)
    flow.do("hr", case, "prepare_order", order_date="2026-03-01")
    flow.at("2026-05-16T08:00:00+05:00")
    flow.fire()
    results(flow, case)
    flow.do("centre", case, "check_results", decision="approve")
    meeting(flow, case)
    assert flow.case(case).status == "completed"
    with flow.factory() as s:
        record = s.scalars(select(TrainingRecord).where(TrainingRecord.instance_id == case)).one()
    assert record.mode == TrainingMode.OFFLINE and record.form == TrainingForm.INTERNSHIP


def test_documents_for_a_foreign_internship_are_due_well_before_it_starts(flow: Flow) -> None:
    # 30 days ahead is enough at home (20 days) but not abroad (the diagram's 45 days, 001 §7.5).
    start_internship(flow, start_date="2026-03-31", end_date="2026-04-10")
    with pytest.raises(ValidationFailed) as refused:
        start_internship(
            flow,
            course="Шетелдік тағылымдама",
            host_location="abroad",
            start_date="2026-03-31",
            end_date="2026-04-10",
        )
    [error] = refused.value.errors
    assert (error.field, error.code, error.params["last_day_to_apply"]) == (
        "start_date",
        "foreign_lead_time",
        "2026-02-14",
    )


def test_a_collective_internship_of_three_has_one_order_and_three_records(flow: Flow) -> None:
    others = f"{personnel_number(flow, 'teacher2')}\n{personnel_number(flow, 'director')}"
    case = start_internship(flow, internship_kind="collective", participants=others)
    flow.do("head", case, "endorse", decision="approve")
    flow.do("rector", case, "rector_visa", decision="approve")
    consent(flow, case)
    flow.do("hr", case, "prepare_order", order_date="2026-03-01")
    with flow.factory() as s:
        orders = s.scalars(select(Order).where(Order.instance_id == case)).all()
    assert len(orders) == 1
    for username in ("teacher", "teacher2", "director"):
        assert _notices(flow, username, "order_issued") == 1, username
    with flow.factory() as s:
        sheet = order_sheet(s, flow.demo["hr"], case, flow.clock)
    assert sheet.participants == ["Ерлан Болатұлы Сейітов", "Нұржан Қайратұлы Омаров"]
    flow.at("2026-04-18T08:00:00+05:00")
    flow.fire()
    results(flow, case)
    flow.do("centre", case, "check_results", decision="approve")
    meeting(flow, case)
    with flow.factory() as s:
        people = sorted(s.scalars(select(TrainingRecord.person_id).where(TrainingRecord.instance_id == case)))
    assert people == sorted(flow.demo[u] for u in ("teacher", "teacher2", "director"))
    for username in ("teacher", "teacher2", "director"):
        assert _notices(flow, username, "completed") == 1, username


def test_a_collective_internship_names_real_colleagues(flow: Flow) -> None:
    with pytest.raises(ValidationFailed) as refused:
        start_internship(flow, internship_kind="collective", participants="NO-SUCH-1")
    assert [(e.field, e.code) for e in refused.value.errors] == [("participants", "participant_unknown")]
    with pytest.raises(ValidationFailed) as refused:
        start_internship(flow, internship_kind="collective", participants=personnel_number(flow, "teacher"))
    assert [(e.field, e.code) for e in refused.value.errors] == [("participants", "participant_is_applicant")]
    with pytest.raises(ValidationFailed) as refused:
        start_internship(flow, internship_kind="collective")
    assert [e.field for e in refused.value.errors] == ["participants"]
    with pytest.raises(ValidationFailed) as refused:
        start_internship(flow, participants=personnel_number(flow, "teacher2"))
    assert [(e.field, e.code) for e in refused.value.errors] == [("participants", "participants_individual")]


def test_late_documents_are_a_nonconformity_told_to_the_head_and_hr(flow: Flow) -> None:
    case = start_internship(flow)
    flow.do("head", case, "endorse", decision="approve")
    flow.do("rector", case, "rector_visa", decision="approve")
    consent(flow, case)
    flow.do("hr", case, "prepare_order", order_date="2026-03-01")
    flow.at("2026-04-18T08:00:00+05:00")
    flow.fire()
    flow.at("2026-04-21T08:00:00+05:00")
    flow.fire()
    assert _notices(flow, "teacher", "reminder") == 1
    flow.at("2026-04-23T08:00:00+05:00")
    flow.fire()
    assert _notices(flow, "head", "escalation") == 1 and _notices(flow, "hr", "escalation") == 1
    with flow.factory() as s:
        [entry] = s.scalars(select(Nonconformity).where(Nonconformity.instance_id == case)).all()
    assert entry.kind == "report_overdue"
    assert flow.open_elements(case) == ["submit_results"]  # still the employee's to do
