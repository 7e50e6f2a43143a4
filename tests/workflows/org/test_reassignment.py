"""Handing an open task to another person: who may, to whom, with a comment; the new assignee is
told and acts on it, the case history and the audit log record it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from tests.workflows.flow import Flow
from workflows.cases.inbox import inbox
from workflows.cases.models import Event
from workflows.errors import Forbidden, NotFound, TaskClaimedByOther, ValidationFailed
from workflows.messaging.models import Notification
from workflows.org.audit import Subject, audit_trail
from workflows.org.reassignment import reassign_options, reassign_task


def test_hr_hands_a_heads_task_to_another_head_who_is_told_and_acts(flow: Flow) -> None:
    case = flow.start()
    task = flow.task(case, "endorse")
    today = flow.clock.now().date()
    with flow.factory() as s:
        options = reassign_options(s, flow.demo["hr"], task.id, today)
        assert options is not None
        assert {c.id for c in options.candidates} == {flow.demo["head"], flow.demo["head2"]}
        assert reassign_task(s, flow.demo["hr"], task.id, flow.demo["head2"], "Дәурен іссапарда", flow.clock)
        s.commit()
    with flow.factory() as s:
        [item] = inbox(s, flow.demo["head2"], flow.clock).items
        assert item.task_id == task.id
        notice = s.scalars(
            select(Notification).where(
                Notification.person_id == flow.demo["head2"], Notification.task_id == task.id
            )
        ).one()
        assert notice.data["comment"] == "Дәурен іссапарда"
        event = s.scalars(select(Event).where(Event.instance_id == case).order_by(Event.id.desc())).first()
        assert event is not None
        assert (event.kind, event.actor_id, event.comment, event.data["to_name"]) == (
            "task_reassigned",
            flow.demo["hr"],
            "Дәурен іссапарда",
            "Гүлнар Маратқызы Әлиева",
        )
        assert audit_trail(s, Subject.TASK, task.id)[0].comment == "Дәурен іссапарда"
    with pytest.raises(TaskClaimedByOther):  # the seat's holder no longer acts on it: it is head2's now
        flow.do("head", case, "endorse", decision="approve")
    flow.do("head2", case, "endorse", decision="approve")
    assert flow.open_elements(case) == ["rector_visa"]


def test_the_seat_holder_may_reassign_others_may_not(flow: Flow) -> None:
    case = flow.start()
    task = flow.task(case, "endorse")
    today = flow.clock.now().date()
    with flow.factory() as s:
        assert reassign_options(s, flow.demo["teacher"], task.id, today) is None  # the applicant
        assert reassign_options(s, flow.demo["head2"], task.id, today) is None
        with pytest.raises(NotFound):  # she cannot even see the case
            reassign_task(s, flow.demo["teacher2"], task.id, flow.demo["head2"], "x", flow.clock)
        with pytest.raises(Forbidden):
            reassign_task(s, flow.demo["centre"], task.id, flow.demo["head2"], "x", flow.clock)
        assert reassign_options(s, flow.demo["head"], task.id, today) is not None
        reassign_task(s, flow.demo["head"], task.id, flow.demo["head2"], "Демалыстамын", flow.clock)


def test_a_reassignment_needs_an_eligible_person_and_a_comment(flow: Flow) -> None:
    case = flow.start()
    task = flow.task(case, "endorse")
    with flow.factory() as s:
        left = factories.colleague(s, flow.demo["head"], "department_head")
        left.is_active = False
        s.flush()
        for person, comment, expected in [
            (None, "x", {("person_id", "required")}),
            (flow.demo["teacher"], "x", {("person_id", "own_case")}),
            (flow.demo["finance"], "x", {("person_id", "not_eligible")}),
            (left.id, "x", {("person_id", "not_eligible")}),
            (flow.demo["head2"], "  ", {("comment", "required")}),
            (flow.demo["head2"], "я" * 2001, {("comment", "maxLength")}),
        ]:
            with pytest.raises(ValidationFailed) as exc:
                reassign_task(s, flow.demo["admin"], task.id, person, comment, flow.clock)
            assert {(e.field, e.code) for e in exc.value.errors} == expected
        reassign_task(s, flow.demo["admin"], task.id, flow.demo["head2"], "x", flow.clock)
        with pytest.raises(ValidationFailed) as exc:
            reassign_task(s, flow.demo["admin"], task.id, flow.demo["head2"], "x", flow.clock)
        assert {(e.field, e.code) for e in exc.value.errors} == {("person_id", "same_assignee")}
