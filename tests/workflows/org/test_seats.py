"""Who gets a task: nearest holder up the tree, never the applicant, deputies while away."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select

from tests import factories
from tests.workflows.flow import Flow
from workflows.cases.inbox import InboxFilter, count_open, inbox
from workflows.cases.models import HumanTask
from workflows.errors import Forbidden
from workflows.org.models import RoleAssignment


def test_a_head_applying_is_endorsed_by_the_institute_director(flow: Flow) -> None:
    case = flow.start(username="head")
    task = flow.task(case, "endorse")
    assert task.role == "institute_director"
    with pytest.raises(Forbidden):
        flow.do("head", case, "endorse", decision="approve")
    with flow.factory() as session:
        assert inbox(session, flow.demo["head"], flow.clock).total == 0
    flow.do("director", case, "endorse", decision="approve")
    assert flow.open_elements(case) == ["rector_visa"]


def test_an_empty_seat_goes_up(flow: Flow) -> None:
    with flow.factory() as s:
        s.execute(delete(RoleAssignment).where(RoleAssignment.person_id == flow.demo["head2"]))
        s.commit()
    case = flow.start(username="teacher2")
    assert flow.task(case, "endorse").role == "institute_director"


def test_a_deputy_sees_and_acts_on_the_heads_tasks_while_away(flow: Flow) -> None:
    case = flow.start()
    with flow.factory() as s:
        factories.deputy(s, flow.demo["head"], flow.demo["teacher2"], date(2026, 3, 1), date(2026, 3, 10))
        s.commit()
    with flow.factory() as s:
        page = inbox(s, flow.demo["teacher2"], flow.clock)
        assert [(i.name, i.on_behalf_of) for i in page.items] == [
            (flow.task(case, "endorse").name, flow.demo["head"])
        ]
        assert count_open(s, flow.demo["teacher2"], flow.clock) == 1
    flow.at("2026-03-11T09:00:00+05:00")  # the delegation has ended
    with flow.factory() as s:
        assert inbox(s, flow.demo["teacher2"], flow.clock).total == 0
    flow.at("2026-03-05T09:00:00+05:00")
    flow.do("teacher2", case, "endorse", decision="approve")
    with flow.factory() as s:
        done = s.scalars(select(HumanTask).where(HumanTask.element_id == "endorse")).one()
    assert (done.completed_by_id, done.on_behalf_of_id) == (flow.demo["teacher2"], flow.demo["head"])


def test_claimed_tasks_show_as_claimed_and_only_the_claimant_completes(flow: Flow) -> None:
    from workflows.cases.tasks import claim_task, complete_task, release_task
    from workflows.errors import TaskClaimedByOther

    with flow.factory() as s:
        other_id = factories.colleague(s, flow.demo["hr"], "hr", "Екінші HR маманы").id
        s.commit()
    case = flow.start()
    flow.do("head", case, "endorse", decision="approve")
    flow.do("rector", case, "rector_visa", decision="approve")
    task = flow.task(case, "prepare_order")
    with flow.factory() as s:
        claim_task(s, task.id, flow.demo["hr"], flow.clock)
        s.commit()
    with flow.factory() as s:
        [item] = inbox(s, other_id, flow.clock).items
        assert item.claimed_by_other and item.assignee_name == "Әсем Болатқызы Жұмабаева"
        assert count_open(s, other_id, flow.clock) == 0
        with pytest.raises(TaskClaimedByOther):
            complete_task(s, task.id, other_id, {"order_date": "2026-03-01"}, flow.clock)
        with pytest.raises(TaskClaimedByOther):
            claim_task(s, task.id, other_id, flow.clock)
    with flow.factory() as s:
        release_task(s, task.id, flow.demo["hr"], flow.clock)
        s.commit()
    with flow.factory() as s:
        claim_task(s, task.id, other_id, flow.clock)
        s.commit()


def test_inbox_filters_and_search(flow: Flow) -> None:
    flow.start(course="Машиналық оқыту негіздері")
    flow.start(course="Академиялық жазу")
    with flow.factory() as s:
        head = flow.demo["head"]
        assert inbox(s, head, flow.clock, InboxFilter(search="машиналық")).total == 1
        assert inbox(s, head, flow.clock, InboxFilter(search="нұрланова")).total == 2
        assert inbox(s, head, flow.clock, InboxFilter(due="upcoming")).total == 2
        assert inbox(s, head, flow.clock, InboxFilter(due="overdue")).total == 0
        assert inbox(s, head, flow.clock, InboxFilter(element_id="endorse", per_page=1, page=2)).items[0].name
    flow.at("2026-03-10T09:00:00+05:00")
    with flow.factory() as s:
        page = inbox(s, flow.demo["head"], flow.clock, InboxFilter(due="overdue"))
        assert page.total == 2 and all(i.overdue for i in page.items)
