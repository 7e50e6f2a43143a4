"""The SKMA courses diagram as corrected: finance only where the university pays and the
institution wants the check, the university's consent to external funding, the meeting's own
deadline, and a due rule, reminder and escalation on every step, with an alarm before the start."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.workflows.definitions.diagrams import publish_change
from tests.workflows.flow import Flow, application
from workflows.errors import ValidationFailed
from workflows.messaging.models import Notification
from workflows.records.models import Nonconformity
from workflows.reports.registers import case_register


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


def test_a_grant_needs_the_universitys_consent_before_anything_else(flow: Flow) -> None:
    case = flow.start(funding_source="grant")
    flow.do("head", case, "endorse", decision="approve")
    consent = flow.task(case, "funding_consent")
    assert consent.role == "rector"
    flow.do("rector", case, "funding_consent", decision="approve", funder="Erasmus+")
    # A grant is not the university's money: no finance step.
    assert flow.open_elements(case) == ["rector_visa"]


def test_refused_consent_rejects_the_application(flow: Flow) -> None:
    case = flow.start(funding_source="other")
    flow.do("head", case, "endorse", decision="approve")
    flow.do("rector", case, "funding_consent", decision="reject", comment="Қаржыландырушы белгісіз")
    assert flow.case(case).status == "rejected"
    assert _notices(flow, "teacher", "rejected") == 1


def test_own_funds_and_sponsors_need_no_consent(flow: Flow) -> None:
    for source in ("own", "sponsor"):
        case = flow.start(funding_source=source)
        flow.do("head", case, "endorse", decision="approve")
        assert flow.open_elements(case) == ["rector_visa"], source


def test_finance_agrees_only_where_the_institution_wants_a_check_per_application(flow: Flow) -> None:
    asked = flow.start(funding_source="university", cost=90000)
    flow.do("head", asked, "endorse", decision="approve")
    assert flow.open_elements(asked) == ["finance_agreement"]
    publish_change(
        flow,
        lambda xml: xml.replace(
            'name="finance_per_application" value="yes"', 'name="finance_per_application" value="no"'
        ),
    )
    planned = flow.start(funding_source="university", cost=90000)
    flow.do("head", planned, "endorse", decision="approve")
    # The plan's budget was agreed as a whole (000 §7.4): straight to the rector.
    assert flow.open_elements(planned) == ["rector_visa"]


def _to_meeting(flow: Flow) -> int:
    case = flow.start()
    flow.approve_to_order(case)
    flow.at("2026-04-01T08:00:00+05:00")
    flow.fire()
    flow.at("2026-04-03T10:00:00+05:00")
    flow.submit_report(case)
    flow.verify(case)
    return case


def test_the_meeting_has_a_month_a_reminder_and_an_escalation(flow: Flow) -> None:
    case = _to_meeting(flow)
    assert flow.task(case, "meeting_review").due_date == date(
        2026, 4, 30
    )  # a month after the course (000 §11.3)
    flow.at("2026-04-29T08:00:00+05:00")
    flow.fire()
    assert _notices(flow, "head", "step_reminder") == 1
    assert _notices(flow, "director", "step_escalation") == 0
    flow.at("2026-05-01T08:00:00+05:00")
    flow.fire()
    assert _notices(flow, "director", "step_escalation") == 1
    assert _notices(flow, "centre", "step_escalation") == 1
    with flow.factory() as s:
        kinds = list(s.scalars(select(Nonconformity.kind).where(Nonconformity.instance_id == case)))
    assert kinds == ["meeting_overdue"]
    # Still the meeting's to hold; held late, it records its decisions and the minutes file.
    flow.do(
        "head", case, "meeting_review", **flow.meeting_record(minutes_date="2026-05-04"), decision="approve"
    )
    assert flow.case(case).status == "completed"


def test_the_meeting_must_record_its_improvements_and_minutes_file(flow: Flow) -> None:
    case = _to_meeting(flow)
    record = flow.meeting_record()
    del record["minutes_file"], record["improvement_decisions"]
    with pytest.raises(ValidationFailed) as refused:
        flow.do("head", case, "meeting_review", **record, decision="approve")
    assert sorted(e.field for e in refused.value.errors) == ["improvement_decisions", "minutes_file"]
    assert flow.open_elements(case) == ["meeting_review"]


def test_due_dates_skip_nauryz_and_weekends(flow: Flow) -> None:
    flow.at("2026-03-19T10:00:00+05:00")  # a Thursday; 21-25 March are Nauryz and its moved days off
    case = flow.start(start_date="2026-04-20", end_date="2026-04-24")
    # Five working days: 20, 26, 27, 30 and 31 March.
    assert flow.task(case, "endorse").due_date == date(2026, 3, 31)
    flow.do("head", case, "endorse", decision="approve")
    # The rector's three working days: 20, 26 and 27 March, never a day off.
    assert flow.task(case, "rector_visa").due_date == date(2026, 3, 27)


def test_a_late_visa_is_escalated_and_before_the_start_everyone_is_told(flow: Flow) -> None:
    case = flow.start()  # the course starts on 21 March
    flow.at("2026-03-02T10:00:00+05:00")
    flow.do("head", case, "endorse", decision="approve")
    assert flow.task(case, "rector_visa").due_date == date(2026, 3, 5)
    flow.at("2026-03-04T08:00:00+05:00")
    flow.fire()
    assert _notices(flow, "rector", "step_reminder") == 1
    flow.at("2026-03-06T08:00:00+05:00")
    flow.fire()
    assert _notices(flow, "hr", "step_escalation") == 1  # the rector's next level: HR organises (001 §3.9)
    # The register shows who holds the case and for how long.
    with flow.factory() as s:
        [row] = [r for r in case_register(s, flow.demo["hr"], flow.clock).rows if r.id == case]
    assert (row.step_element, row.holders, row.held_days, row.overdue) == (
        "rector_visa",
        ["Бақытжан Сапарұлы Есенов"],
        4,
        True,
    )
    assert _notices(flow, "teacher", "order_late") == 0
    # Three working days before the start the order is still not issued: the employee, the rector and
    # HR are told (18 March).
    flow.at("2026-03-18T08:00:00+05:00")
    flow.fire()
    for username in ("teacher", "rector", "hr"):
        assert _notices(flow, username, "order_late") == 1, username
    flow.do("rector", case, "rector_visa", decision="approve")
    flow.do("hr", case, "prepare_order", order_date="2026-03-18")
    assert flow.case(case).summary["order_number"]


def test_an_order_in_time_raises_no_alarm(flow: Flow) -> None:
    case = flow.start(course=application()["course"])
    flow.approve_to_order(case)
    flow.at("2026-03-18T08:00:00+05:00")
    flow.fire()
    assert _notices(flow, "teacher", "order_late") == 0
