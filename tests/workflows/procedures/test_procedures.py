"""The KazNRTU and KAFU procedures run side by side with SKMA's, each from its own diagram: every
path end to end with a moved clock, started by the role the diagram names."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.workflows.flow import Flow, application
from workflows.cases.models import Order
from workflows.clock import today
from workflows.errors import Forbidden, NotAllowedNow
from workflows.records.models import Nonconformity, TrainingRecord

REPORT = "Курста цифрлық бағалау құралдарын үйрендім және оларды пәнге енгіземін."


def planned_line(**overrides: Any) -> dict[str, Any]:
    data = {
        "plan_line_id": "602-05/2026-014",
        "in_plan": True,
        "course": "Инженерлік білім берудегі CDIO тәсілі",
        "provider": "Сәтбаев университеті",
        "training_form": "course",
        "mode": "without_leaving_work",
        "start_date": "2026-03-16",
        "end_date": "2026-03-27",
        "hours": 72,
        "funding_source": "university",
    }
    data.update(overrides)
    return data


def internal_request(**overrides: Any) -> dict[str, Any]:
    data = {
        "course": "Цифрлық құзыреттілік: LMS-пен жұмыс",
        "start_date": "2026-03-10",
        "end_date": "2026-03-12",
        "hours": 24,
        "relevance": "Кафедра курстарын LMS-ке көшіру",
    }
    data.update(overrides)
    return data


def _record(flow: Flow, case: int) -> TrainingRecord | None:
    with flow.factory() as s:
        return s.scalars(select(TrainingRecord).where(TrainingRecord.instance_id == case)).first()


def _nonconformities(flow: Flow, case: int) -> list[str]:
    with flow.factory() as s:
        return list(s.scalars(select(Nonconformity.kind).where(Nonconformity.instance_id == case)))


def _report(flow: Flow, case: int) -> None:
    flow.do("teacher", case, "submit_report", certificate=flow.upload("teacher"), report_text=REPORT)


def _meeting(**overrides: Any) -> dict[str, Any]:
    fields = {
        "decision": "approve",
        "effectiveness": "high",
        "attestation_recommendation": True,
        "improvements": "CDIO жобаларын 2-курс пәндеріне енгізу",
        "minutes_number": "7",
        "minutes_date": "2026-04-10",
    }
    return {**fields, **overrides}


# ------------------------------------------------------------------ KazNRTU


def test_kaznrtu_runs_from_a_plan_line_started_by_hr(flow: Flow) -> None:
    case = flow.begin("kaznrtu_training", "hr", planned_line(), subject="teacher")
    started = flow.case(case)
    assert started.subject_id == flow.demo["teacher"]
    assert flow.open_elements(case) == ["prepare_order"]  # no endorsement: the plan was approved
    flow.do("hr", case, "prepare_order", order_date=today(flow.clock).isoformat())
    with flow.factory() as s:
        assert s.scalars(select(Order.number).where(Order.instance_id == case)).one().startswith("БА-2026/")
    assert flow.open_elements(case) == []  # waiting for the course to end

    flow.at("2026-03-28T09:00:00+05:00")
    flow.fire()
    assert flow.open_elements(case) == ["submit_report"]
    _report(flow, case)
    meeting = flow.task(case, "meeting_review")
    assert (meeting.role, str(meeting.due_date)) == ("department_head", "2026-04-27")  # one month
    flow.do("head", case, "meeting_review", **_meeting())
    flow.do("head", case, "endorse_minutes", decision="approve")
    assert flow.case(case).status == "completed"
    record = _record(flow, case)
    assert record is not None and (record.person_id, record.hours) == (flow.demo["teacher"], 72)


def test_the_plan_line_id_is_kept_with_the_case(flow: Flow) -> None:
    from workflows.cases.history import case_data

    case = flow.begin("kaznrtu_training", "hr", planned_line(), subject="teacher")
    with flow.factory() as s:
        assert case_data(s, case, flow.clock)["plan_line_id"] == "602-05/2026-014"


def test_kaznrtu_meeting_late_by_a_month_is_recorded_and_returns_go_round(flow: Flow) -> None:
    case = flow.begin("kaznrtu_training", "hr", planned_line(), subject="teacher")
    flow.do("hr", case, "prepare_order", order_date=today(flow.clock).isoformat())
    flow.at("2026-03-28T09:00:00+05:00")
    flow.fire()
    _report(flow, case)

    flow.at("2026-04-27T18:00:00+05:00")  # the last day of the month: nothing yet
    flow.fire()
    assert _nonconformities(flow, case) == []
    flow.at("2026-04-28T09:00:00+05:00")
    flow.fire()
    assert _nonconformities(flow, case) == ["meeting_overdue"]
    assert flow.open_elements(case) == ["meeting_review"]  # the meeting is still to be held

    flow.do("head", case, "meeting_review", decision="return", comment="Курсты бағалауды толықтырыңыз")
    assert flow.open_elements(case) == ["revise_report"]
    flow.do("teacher", case, "revise_report", report_text=REPORT + " Курсты жоғары бағалаймын.")
    flow.do("head", case, "meeting_review", **_meeting(effectiveness="sufficient"))
    flow.do("head", case, "endorse_minutes", decision="return", comment="Хаттама нөмірін тексеріңіз")
    assert flow.open_elements(case) == ["meeting_review"]
    flow.do("head", case, "meeting_review", **_meeting(minutes_number="8"))
    flow.do("head", case, "endorse_minutes", decision="approve")
    assert flow.case(case).status == "completed"


def test_training_outside_the_schedule_needs_the_management_apparatus(flow: Flow) -> None:
    approved = flow.begin("kaznrtu_training", "hr", planned_line(in_plan=False), subject="teacher")
    task = flow.task(approved, "approve_out_of_plan")
    assert task.role == "rector"  # the first head's seat holds the head of the apparatus's lane here
    flow.do("rector", approved, "approve_out_of_plan", decision="approve")
    assert flow.open_elements(approved) == ["prepare_order"]

    refused = flow.begin(
        "kaznrtu_training", "hr", planned_line(in_plan=False, course="Басқа курс"), subject="teacher"
    )
    flow.do("rector", refused, "approve_out_of_plan", decision="reject", comment="Бюджетте жоқ")
    assert flow.case(refused).status == "rejected"


def test_an_employee_cannot_start_the_hr_procedure(flow: Flow) -> None:
    with pytest.raises(Forbidden) as refused:
        flow.begin("kaznrtu_training", "teacher", planned_line())
    assert refused.value.params["reason"] == "start_role"


# ------------------------------------------------------------------ KAFU, external


def test_kafu_external_is_submitted_by_the_head_and_ordered_by_the_rector(flow: Flow) -> None:
    case = flow.begin("kafu_external", "head", application(), subject="teacher")
    assert flow.case(case).subject_id == flow.demo["teacher"]
    assert flow.open_elements(case) == ["rector_visa"]
    flow.do("rector", case, "rector_visa", decision="return", comment="Курстың бағдарламасын қосыңыз")
    flow.do("head", case, "revise_submission", **application(hours=80))
    flow.do("rector", case, "rector_visa", decision="approve")
    flow.do("hr", case, "prepare_order", order_date=today(flow.clock).isoformat())
    flow.at("2026-04-01T09:00:00+05:00")
    flow.fire()
    _report(flow, case)
    flow.verify(case, decision="return", comment="Сертификаттың екінші беті жоқ")
    assert flow.open_elements(case) == ["submit_report"]
    _report(flow, case)
    flow.verify(case)
    assert flow.case(case).status == "completed"
    record = _record(flow, case)
    assert record is not None and record.certificate_id is not None  # in the personal file


def test_kafu_external_rejected_by_the_rector(flow: Flow) -> None:
    case = flow.begin("kafu_external", "head", application(), subject="teacher")
    flow.do("rector", case, "rector_visa", decision="reject", comment="Бюджет жоқ")
    assert flow.case(case).status == "rejected"


def test_only_a_head_of_the_persons_unit_submits_them(flow: Flow) -> None:
    with pytest.raises(Forbidden) as other_unit:
        flow.begin("kafu_external", "head2", application(), subject="teacher")
    assert other_unit.value.params["reason"] == "start_unit"
    with pytest.raises(Forbidden) as employee:
        flow.begin("kafu_external", "teacher", application())
    assert employee.value.params["reason"] == "start_role"


# ------------------------------------------------------------------ KAFU, internal programme


def test_kafu_internal_programme_with_its_certificate(flow: Flow) -> None:
    case = flow.begin("kafu_internal", "head", internal_request(), subject="teacher")
    flow.do("centre", case, "enrol", decision="approve")
    flow.at("2026-03-13T09:00:00+05:00")
    flow.fire()
    flow.do(
        "centre",
        case,
        "confirm_attendance",
        decision="approve",
        certificate=flow.upload("centre"),
        certificate_type="certificate",
        counted_hours=24,
    )
    assert flow.case(case).status == "completed"
    record = _record(flow, case)
    assert record is not None and (record.hours, record.course) == (24, internal_request()["course"])


def test_kafu_internal_declined_or_not_attended(flow: Flow) -> None:
    declined = flow.begin("kafu_internal", "head", internal_request(), subject="teacher")
    flow.do("centre", declined, "enrol", decision="reject", comment="Топ толық")
    assert flow.case(declined).status == "rejected"

    absent = flow.begin(
        "kafu_internal", "head", internal_request(course="Ағылшын тілі B2"), subject="teacher"
    )
    flow.do("centre", absent, "enrol", decision="approve")
    flow.at("2026-03-13T09:00:00+05:00")
    flow.fire()
    flow.do("centre", absent, "confirm_attendance", decision="reject", comment="Бір сабаққа да келмеді")
    assert flow.case(absent).status == "rejected"
    assert _nonconformities(flow, absent) == ["not_attended"]
    assert _record(flow, absent) is None


# ------------------------------------------------------------------ who may start, archiving


def test_each_person_is_offered_what_they_may_start(flow: Flow) -> None:
    from workflows.definitions.starting import startable_processes

    def offered(username: str) -> dict[str, tuple[bool, bool]]:
        with flow.factory() as s:
            found = startable_processes(s, flow.demo[username], today(flow.clock))
            return {p.process_key: (p.for_self, p.for_others) for p in found}

    # Each applies for a course or an internship; the product's own processes (the plan's campaign
    # and amendments, the journal, a refund) are offered to nobody.
    own = {"qualification_request": (True, False), "internship": (True, False)}
    assert offered("teacher") == own
    assert offered("head") == {**own, "kafu_external": (False, True), "kafu_internal": (False, True)}
    assert offered("hr") == {**own, "kaznrtu_training": (False, True)}


def test_an_archived_procedure_starts_nothing_and_its_cases_go_on(flow: Flow) -> None:
    from workflows.definitions.archive import archive_process, unarchive_process
    from workflows.definitions.starting import startable_processes

    running = flow.begin("kafu_internal", "head", internal_request(), subject="teacher")
    with flow.factory() as s:
        archive_process(s, "kafu_internal", flow.demo["owner"], flow.clock)
        s.commit()
    with pytest.raises(NotAllowedNow) as refused:
        flow.begin("kafu_internal", "head", internal_request(course="Басқа бағдарлама"), subject="teacher")
    assert refused.value.code == "process_archived"
    with flow.factory() as s:
        keys = {p.process_key for p in startable_processes(s, flow.demo["head"], today(flow.clock))}
        assert "kafu_internal" not in keys
    flow.do("centre", running, "enrol", decision="reject", comment="Бағдарлама жабылды")
    assert flow.case(running).status == "rejected"  # the running case went on to its end

    with flow.factory() as s:
        with pytest.raises(NotAllowedNow):
            archive_process(s, "kafu_internal", flow.demo["owner"], flow.clock)
        with pytest.raises(Forbidden):
            unarchive_process(s, "kafu_internal", flow.demo["head"], flow.clock)
        unarchive_process(s, "kafu_internal", flow.demo["owner"], flow.clock)
        s.commit()
    flow.begin("kafu_internal", "head", internal_request(course="Басқа бағдарлама"), subject="teacher")
