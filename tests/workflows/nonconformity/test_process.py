"""The journal's diagram run end to end: cause, analysis at the meeting, a corrective action with
its reminder and escalation when its date passes, HR's re-check that reopens and then closes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.workflows.flow import Flow
from workflows.cases.models import Event, HumanTask, ProcessInstance
from workflows.errors import ValidationFailed
from workflows.messaging.models import Notification
from workflows.nonconformity.opening import open_nonconformity
from workflows.records.models import Nonconformity


def _open(flow: Flow, key: str = "periodicity_not_met:teacher:2026", person: str = "teacher") -> int:
    with flow.factory() as session:
        opened = open_nonconformity(
            session,
            cause="periodicity_not_met",
            source_key=key,
            clock=flow.clock,
            note="Кезеңді біліктілікті арттыру мерзімі өтті",
            person_id=flow.demo[person],
        )
        session.commit()
        assert opened.created and opened.flow_id is not None
        return opened.entry_id


def _entry(flow: Flow, entry_id: int) -> Nonconformity:
    with flow.factory() as session:
        found = session.get(Nonconformity, entry_id)
        assert found is not None
        return found


def _notices(flow: Flow, kind: str) -> list[int]:
    with flow.factory() as session:
        return sorted(session.scalars(select(Notification.person_id).where(Notification.kind == kind)))


def test_an_entry_is_worked_through_its_diagram_to_closing(flow: Flow) -> None:
    entry_id = _open(flow)
    case = _entry(flow, entry_id).flow_id
    assert case is not None
    assert flow.open_elements(case) == ["record_cause"]
    cause_task = flow.task(case, "record_cause")
    assert cause_task.assignee_id == flow.demo["head"]  # the head of the teacher's department
    assert cause_task.due_date == date(2026, 3, 6)  # the diagram's cause_days (5)

    flow.do("head", case, "record_cause", cause="Курс кестесі сессиямен сәйкес келді")
    assert _entry(flow, entry_id).stage == "cause"
    flow.do(
        "head",
        case,
        "meeting_analysis",
        minutes_ref="№ 7",
        analysed_on="2026-03-01",
        analysis="Курсты жазғы кезеңге ауыстыру керек",
    )
    analysed = _entry(flow, entry_id)
    assert (analysed.stage, analysed.minutes_ref) == ("analysed", "№ 7")
    assert analysed.analysed_on == date(2026, 3, 1)

    flow.do(
        "head",
        case,
        "set_action",
        corrective_action="Маусымдағы курсқа өтініш беру",
        action_owner="employee",
        action_due="2026-03-20",
    )
    action = _entry(flow, entry_id)
    assert (action.stage, action.action_owner_id, action.action_due) == (
        "action",
        flow.demo["teacher"],
        date(2026, 3, 20),
    )
    assert flow.task(case, "do_action").assignee_id == flow.demo["teacher"]

    # Three days before the date, the owner is reminded; the day after it, the head and HR are told.
    flow.at("2026-03-17T09:00:00+05:00")
    flow.fire()
    assert _notices(flow, "action_due") == [flow.demo["teacher"]]
    assert _entry(flow, entry_id).stage == "action"
    flow.at("2026-03-21T09:00:00+05:00")
    flow.fire()
    told = _notices(flow, "overdue_step")
    assert {flow.demo["teacher"], flow.demo["head"], flow.demo["hr"]} <= set(told)
    overdue = _entry(flow, entry_id)
    assert overdue.stage == "overdue" and overdue.escalated_at is not None
    flow.fire()  # nothing fires twice
    assert _notices(flow, "overdue_step") == told

    flow.do("teacher", case, "do_action", action_done_note="Өтініш берілді, бұйрық шықты")
    assert _entry(flow, entry_id).stage == "done"
    # HR's re-check finds it not corrected: reopened, a new action is set.
    flow.do("hr", case, "recheck", decision="reopen", recheck_note="Курс әлі өткен жоқ")
    reopened = _entry(flow, entry_id)
    assert (reopened.stage, reopened.closed_at) == ("reopened", None)
    assert flow.open_elements(case) == ["set_action"]
    flow.do(
        "head",
        case,
        "set_action",
        corrective_action="Курсты аяқтап, сертификатты тапсыру",
        action_owner="responsible",
        action_due="2026-04-30",
    )
    assert flow.task(case, "do_action").assignee_id == flow.demo["head"]
    flow.do("head", case, "do_action", action_done_note="Сертификат тапсырылды")
    flow.do("hr", case, "recheck", decision="close", recheck_note="Кезеңділік қалпына келді")

    closed = _entry(flow, entry_id)
    assert closed.stage == "closed" and closed.closed_by_id == flow.demo["hr"]
    assert closed.closed_at is not None and closed.recheck_note == "Кезеңділік қалпына келді"
    assert flow.case(case).status == "completed"
    with flow.factory() as session:
        steps = list(
            session.scalars(
                select(Event.element_id)
                .where(Event.instance_id == case, Event.kind == "task_completed")
                .order_by(Event.id)
            )
        )
    assert steps == [
        "record_cause",
        "meeting_analysis",
        "set_action",
        "do_action",
        "recheck",
        "set_action",
        "do_action",
        "recheck",
    ]


def test_closing_is_never_silent_and_dates_are_checked(flow: Flow) -> None:
    entry_id = _open(flow)
    case = _entry(flow, entry_id).flow_id
    assert case is not None
    flow.do("head", case, "record_cause", cause="Себеп")
    meeting = {"minutes_ref": "1", "analysis": "Талдау"}
    with pytest.raises(ValidationFailed) as held:
        flow.do("head", case, "meeting_analysis", analysed_on="2026-03-05", **meeting)
    assert [e.code for e in held.value.errors] == ["held_in_future"]
    flow.do("head", case, "meeting_analysis", analysed_on="2026-02-27", **meeting)
    action = {"corrective_action": "Әрекет", "action_owner": "employee"}
    with pytest.raises(ValidationFailed) as due:
        flow.do("head", case, "set_action", action_due="2026-02-01", **action)
    assert [e.code for e in due.value.errors] == ["due_in_past"]
    flow.do("head", case, "set_action", action_due="2026-03-10", **action)
    flow.do("teacher", case, "do_action", action_done_note="Істелді")
    with pytest.raises(ValidationFailed):
        flow.do("hr", case, "recheck", decision="close", recheck_note="")
    assert _entry(flow, entry_id).closed_at is None


def test_a_cause_opens_one_entry_however_often_it_is_reported(flow: Flow) -> None:
    first = _open(flow, "quarterly_data_late:unit:2026Q1")
    with flow.factory() as session:
        again = open_nonconformity(
            session,
            cause="periodicity_not_met",
            source_key="quarterly_data_late:unit:2026Q1",
            clock=flow.clock,
            person_id=flow.demo["teacher"],
        )
        session.commit()
        assert (again.entry_id, again.created) == (first, False)
        entries = session.scalars(select(Nonconformity.id)).all()
        journal_cases = select(ProcessInstance.id).where(ProcessInstance.process_key == "nonconformity")
        flows = session.scalars(journal_cases)
        assert len(entries) == 1 and len(list(flows)) == 1
        tasks = session.scalars(select(HumanTask.id).where(HumanTask.element_id == "record_cause")).all()
        assert len(tasks) == 1


def test_the_journal_feeds_the_reports_figures(flow: Flow) -> None:
    late = _open(flow, "report_overdue:case:1")
    _open(flow, "periodicity_not_met:teacher2", person="teacher2")
    case = _entry(flow, late).flow_id
    assert case is not None
    flow.do("head", case, "record_cause", cause="Себеп")
    flow.do("head", case, "meeting_analysis", minutes_ref="2", analysed_on="2026-03-01", analysis="Талдау")
    flow.do(
        "head",
        case,
        "set_action",
        corrective_action="Әрекет",
        action_owner="employee",
        action_due="2026-03-10",
    )
    with flow.factory() as session:
        from workflows.nonconformity.figures import journal_figures
        from workflows.org.models import Person

        march = journal_figures(session, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
        assert (march.opened, march.closed, march.overdue) == (2, 0, 1)
        assert (
            march.by_cause["periodicity_not_met"].opened == 2
            and march.by_cause["periodicity_not_met"].overdue == 1
        )
        cs = session.get(Person, flow.demo["teacher"])
        assert cs is not None
        mine = journal_figures(
            session, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), unit_ids=[cs.org_unit_id]
        )
        assert (mine.opened, mine.overdue) == (1, 1)
        early = journal_figures(session, date_from=date(2026, 3, 1), date_to=date(2026, 3, 9))
        assert early.overdue == 0  # the action's date had not passed yet
        february = journal_figures(session, date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))
        assert (february.opened, february.by_cause) == (0, {})


def test_a_missed_meeting_and_a_low_rating_open_their_entries_once(flow: Flow) -> None:
    case = flow.start()
    flow.approve_to_order(case)
    flow.at("2026-04-01T08:00:00+05:00")
    flow.fire()
    flow.at("2026-04-03T10:00:00+05:00")
    flow.submit_report(case)
    flow.verify(case)
    meeting_due = flow.task(case, "meeting_review").due_date
    assert meeting_due == date(2026, 4, 30)  # a month after the course ended
    flow.at("2026-04-30T23:00:00+05:00")
    flow.fire()
    with flow.factory() as session:
        assert session.scalars(select(Nonconformity)).all() == []  # not before its day has passed
    flow.at("2026-05-01T09:00:00+05:00")
    flow.fire()
    flow.fire()
    with flow.factory() as session:
        [late] = session.scalars(select(Nonconformity).where(Nonconformity.kind == "meeting_overdue")).all()
        assert (late.source_key, late.instance_id) == (f"meeting_overdue:case:{case}", case)
        assert late.flow_id is not None
    meeting = flow.meeting_record(
        minutes_number="12",
        minutes_date="2026-05-01",
        effectiveness="low",
        implementation_plan="Курс материалдарын пәнге енгізу",
        attestation_recommendation=False,
    )
    flow.do("head", case, "meeting_review", **meeting, decision="approve")
    assert flow.case(case).status == "completed"
    with flow.factory() as session:
        kinds = sorted(session.scalars(select(Nonconformity.kind).where(Nonconformity.instance_id == case)))
        assert kinds == ["low_effectiveness", "meeting_overdue"]
