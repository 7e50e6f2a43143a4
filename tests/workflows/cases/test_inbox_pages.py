"""The inbox a page at a time: the pages together are the whole ordered list, filters and all."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product

from sqlalchemy import select

from tests import factories
from tests.workflows.flow import Flow
from workflows.calendar import local_date
from workflows.cases.inbox import InboxFilter, count_open, inbox
from workflows.cases.models import HumanTask
from workflows.org.seats import seats


def test_the_pages_of_the_inbox_are_the_whole_list_in_order(flow: Flow) -> None:
    cases = [flow.start() for _ in range(5)]
    flow.do("head", cases[1], "endorse", decision="approve")  # one leaves the head's inbox
    with flow.factory() as session:
        expected = list(
            session.scalars(
                select(HumanTask.id)
                .where(HumanTask.status == "open", HumanTask.element_id == "endorse")
                .order_by(HumanTask.due_date.is_(None), HumanTask.due_date, HumanTask.id)
            )
        )
        pages = [
            inbox(session, flow.demo["head"], flow.clock, InboxFilter(page=n, per_page=2)) for n in (1, 2, 3)
        ]
        found = inbox(
            session,
            flow.demo["head"],
            flow.clock,
            InboxFilter(process_key="qualification_request", search="(3)"),
        )
        nothing = inbox(session, flow.demo["head"], flow.clock, InboxFilter(process_key="no_such_process"))
    assert len(expected) == 4
    assert [item.task_id for p in pages for item in p.items] == expected
    assert {p.total for p in pages} == {4}
    assert [item.instance_id for item in found.items] == [cases[2]] and found.total == 1
    assert found.items[0].summary["course"].endswith("(3)") and found.items[0].business_key
    assert nothing.total == 0 and nothing.items == []


def test_the_inbox_shows_what_the_rule_says_each_task_once(flow: Flow) -> None:
    """My tasks, and my seats' tasks (a deputy's included) that are not my own case: the list, its
    order, its number and the badge's number are what the rule says written out, for every mix of
    seat, assignee, applicant and due date, a task both mine and in my seat counted once."""
    with flow.factory() as s:
        factories.deputy(s, flow.demo["head"], flow.demo["head2"], date(2026, 3, 1), date(2026, 3, 15))
        s.commit()
    case = flow.start()
    today = local_date(flow.clock.now())
    with flow.factory() as session:
        template = flow.task(case, "endorse")
        people = [flow.demo["head"], flow.demo["head2"], flow.demo["teacher"], None]
        seats_of = {p: seats(session, p, today) for p in people[:3] if p is not None}
        units = sorted({seat.org_unit_id for held in seats_of.values() for seat in held})
        roles = sorted({seat.role for held in seats_of.values() for seat in held})
        mixes = product(
            roles, units, people, people, (None, today - timedelta(days=1), today, today + timedelta(days=7))
        )
        for n, (role, unit, assignee, subject, due) in enumerate(mixes, 1):
            session.add(
                HumanTask(
                    instance_id=case,
                    engine_task_id=f"extra-{n}",
                    element_id="endorse",
                    name=template.name,
                    form_key=template.form_key,
                    role=role,
                    org_unit_id=unit,
                    assignee_id=assignee,
                    subject_id=subject,
                    due_date=due,
                    status="open" if n % 7 else "completed",
                    created_at=template.created_at,
                )
            )
        session.flush()
        tasks = list(session.scalars(select(HumanTask).where(HumanTask.status == "open")))
        for person, held in seats_of.items():
            mine = {(seat.role, seat.org_unit_id) for seat in held}
            expected = sorted(
                (
                    t
                    for t in tasks
                    if t.assignee_id == person or ((t.role, t.org_unit_id) in mine and t.subject_id != person)
                ),
                key=lambda t: (t.due_date is None, t.due_date or today, t.id),
            )
            page = inbox(session, person, flow.clock, InboxFilter(per_page=1000))
            assert [item.task_id for item in page.items] == [t.id for t in expected], person
            assert page.total == len(expected)
            actionable = sum(1 for t in expected if t.assignee_id in (None, person))
            assert page.open_count == actionable == count_open(session, person, flow.clock)
            late = inbox(session, person, flow.clock, InboxFilter(due="overdue", per_page=5, page=2))
            overdue = [t.id for t in expected if t.due_date is not None and t.due_date < today]
            assert [item.task_id for item in late.items] == overdue[5:10] and late.total == len(overdue)
            assert late.open_count is None  # a filtered page leaves the badge to count_open
            past = inbox(session, person, flow.clock, InboxFilter(page=1000))
            assert past.items == [] and past.total == len(expected) and past.open_count == actionable
        assert len(tasks) > 100 and any(
            i.on_behalf_of for i in inbox(session, flow.demo["head2"], flow.clock).items
        )
