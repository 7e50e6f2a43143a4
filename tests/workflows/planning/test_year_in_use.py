"""The year after a campaign, with the clock moved through it: the approved plan is amended once,
a teacher applies from her plan line, another applies outside the plan, and at mid-year plan
execution and the journal show what slipped."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.conftest import Demo
from tests.workflows.flow import Flow
from tests.workflows.planning.world import World
from workflows.cases.models import Job, JobKind
from workflows.cases.start import start_case
from workflows.planning import stages
from workflows.planning.amendments import ChangeInput, plan_history, propose_amendment
from workflows.planning.execution import execution
from workflows.planning.linking import offered_lines, prefilled
from workflows.planning.slips import NONCONFORMITY_KIND, schedule_slip_sweep
from workflows.records.models import Nonconformity
from workflows.worker import fire_due_jobs


def _approved(world: World) -> None:
    """A campaign run to its approval before 1 December: every department draws its schedule."""
    world.open("2025-08-20")
    world.at("2025-10-02")
    for unit, head, teacher in (
        ("cs", "head", "teacher"),
        ("math", "head2", "teacher2"),
        ("bio", "head3", "teacher3"),
        ("chem", "head4", "teacher4"),
    ):
        world.draw(unit, head, teacher)
    world.do(stages.sign_institute, world.schedule("eng"), world["director"], world.clock)
    world.do(stages.sign_institute, world.schedule("sci"), world["director2"], world.clock)
    world.do(stages.consolidate, world.campaign_id, world["hr"], world.clock)
    world.do(stages.finance_decision, world.campaign_id, True, "", {}, world["finance"], world.clock)
    world.at("2025-11-28")
    world.do(stages.approval_decision, world.campaign_id, True, "", world["apparatus"], world.clock)


def test_a_year_of_the_approved_plan(world: World) -> None:
    _approved(world)
    # The world's own people (the head of the management apparatus) act as the demo's do.
    flow = Flow(world.factory, Demo({**world.demo.ids, **world.ids}), world.clock, world.store)
    with world.factory() as s:
        [own] = [o for o in offered_lines(s, world["teacher"], date(2026, 1, 10))]
        assert own.topic == "Жоғары мектептегі цифрлық педагогика" and own.quarter == 1

    # January: the head of Computer Science moves the teacher's line to the second quarter and adds one.
    world.at("2026-01-12")
    with world.factory() as s:
        changes = [
            ChangeInput("move", line_id=own.line_id, quarter=2),
            ChangeInput(
                "add",
                person_id=world["teacher"],
                topic="Жасанды интеллект негіздері",
                training_form="online_course",
                mode="distance",
                quarter=3,
                hours=36,
                funding_source="own",
            ),
        ]
        amendment = propose_amendment(
            s, world["head"], 2026, "Өндірістік қажеттілік", changes, world.clock
        ).id
        s.commit()
    flow.do("hr", amendment, "hr_review", decision="approve")
    flow.do("apparatus", amendment, "approve_amendment", decision="approve")  # the diagram's approver
    with world.factory() as s:
        versions, _ = plan_history(s, world["hr"], 2026, world.clock)
        assert [v.number for v in versions] == [2, 1]
        offered = {o.topic: o for o in offered_lines(s, world["teacher"], date(2026, 1, 12))}
        assert offered["Жоғары мектептегі цифрлық педагогика"].quarter == 2
        assert "Жасанды интеллект негіздері" in offered

    # March: the teacher applies from her moved line; teacher2 applies for a course outside the plan.
    world.at("2026-03-01")
    with world.factory() as s:
        data = {
            **prefilled(s, world["teacher"], own.line_id),
            "start_date": "2026-04-06",
            "end_date": "2026-04-16",
            "cost": 150000,
        }
        planned = start_case(s, "qualification_request", world["teacher"], data, world.clock).id
        s.commit()
    flow.approve_to_order(planned, university=True)
    outside = flow.start("teacher2", in_plan=False, out_of_plan_reason="Жаңа зертхана ашылды")
    flow.do("head2", outside, "endorse", decision="approve")
    flow.do("centre", outside, "out_of_plan_review", decision="approve")
    assert flow.open_elements(outside) == ["rector_visa"]

    # Mid-year: every line of the first two quarters without an order has slipped, and the daily
    # sweep enters each once in the journal.
    world.at("2026-07-02")
    with world.factory() as s:
        found = execution(s, world["hr"], 2026, world.clock)
        assert found.version_number == 2 and found.total.applied == 1 and found.total.ordered == 1
        by_topic = {(line.person_id, line.topic): line for line in found.lines}
        moved = by_topic[(world["teacher"], "Жоғары мектептегі цифрлық педагогика")]
        assert moved.order_number is not None and not moved.slipped
        expected = sum(1 for line in found.lines if (line.quarter or 4) <= 2 and line.order_number is None)
        assert found.total.slipped == expected > 0
        schedule_slip_sweep(s, world.clock)
        s.commit()
    fire_due_jobs(world.factory, world.clock)
    world.at("2026-07-03")  # the next day's sweep finds the same lines: nothing new
    with world.factory() as s:
        entries = s.scalars(select(Nonconformity).where(Nonconformity.kind == NONCONFORMITY_KIND)).all()
        assert len(entries) == expected
        pending = s.scalars(select(Job).where(Job.kind == JobKind.PLAN_SLIP, Job.status == "pending")).all()
        assert len(pending) == 1  # tomorrow's sweep is queued
