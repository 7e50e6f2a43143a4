"""The inbox a page at a time: the pages together are the whole ordered list, filters and all."""

from __future__ import annotations

from sqlalchemy import select

from tests.workflows.flow import Flow
from workflows.cases.inbox import InboxFilter, inbox
from workflows.cases.models import HumanTask


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
