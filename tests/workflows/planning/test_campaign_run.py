"""One whole campaign across two institutes and four departments, with the clock moved through
the autumn: a late department, a return by the director, a finance return, a late approval."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tests.workflows.planning.world import World
from workflows.cases.models import CaseStatus, ProcessInstance
from workflows.messaging.models import Notification
from workflows.planning import lines, stages
from workflows.planning.models import CampaignStatus, PlanCampaign, PlanSchedule, PlanVersion, ScheduleStatus
from workflows.planning.progress import campaign_progress
from workflows.planning.versions import approved_lines_of_person, approved_lines_of_unit
from workflows.records.models import Nonconformity


def _notices(world: World, person: str, kind: str) -> int:
    with world.factory() as s:
        return len(
            s.scalars(
                select(Notification).where(Notification.person_id == world[person], Notification.kind == kind)
            ).all()
        )


def test_a_whole_campaign(world: World) -> None:
    world.open("2025-08-20")
    assert world.open_tasks("individual_plans") == []  # the campaign opens on the diagram's date
    world.at("2025-09-01")
    individual = world.open_tasks("individual_plans")
    assert {t.assignee_id for t in individual} >= {world["teacher"], world["teacher3"], world["head4"]}

    # The teacher's wish, handed in with the individual plan; the others let the date pass.
    wish = world.add("cs", "teacher", "teacher", topic="Машиналық оқыту", quarter=3)
    world.do(stages.submit_individual_plan, world.campaign_id, world["teacher"], world.clock)
    world.at("2025-10-02")
    assert world.open_tasks("individual_plans") == []
    assert {t.org_unit_id for t in world.open_tasks("draw_schedule")} == {
        world[u] for u in ("cs", "math", "bio", "chem")
    }

    with world.factory() as s:
        stages_lines = lines.schedule_lines(s, [world.schedule("cs")])
        assert [(pl.id, pl.status) for pl in stages_lines] == [(wish, "wish")]
        lines.accept_wish(s, wish, world["head"], world.clock, world.version("cs"))
        s.commit()
    world.draw("cs", "head", "teacher")
    world.draw("math", "head2", "teacher2")
    world.draw("bio", "head3", "teacher3")

    # chem misses 1 November: its head is reminded and its director told, by the diagram's timer.
    world.at("2025-11-02")
    assert _notices(world, "head4", "plan_reminder") == 1
    assert _notices(world, "director2", "plan_escalation") == 1
    with world.factory() as s:
        progress = campaign_progress(s, world.campaign_id, world["hr"], world.clock)
    sci = next(i for i in progress.institutes if i.unit.unit_id == world["sci"])
    assert (sci.submitted, sci.percent) == (1, 50)
    assert [u.unit_id for u in progress.late] == [world["chem"]]
    world.draw("chem", "head4", "teacher4")
    with world.factory() as s:
        chem = s.get(PlanSchedule, world.schedule("chem"))
        assert chem is not None and chem.late and chem.status == ScheduleStatus.SUBMITTED

    # The director returns math with a comment; its head reworks it and approves again.
    world.do(
        stages.return_schedule, world.schedule("math"), "Тағылымдама қосыңыз", world["director"], world.clock
    )
    assert [t.element_id for t in world.open_tasks("rework_schedule")] == ["rework_schedule"]
    world.add("math", "teacher2", "head2", topic="Тағылымдама", training_form="internship", quarter=4)
    world.approve("math", "head2")
    eng, sci_schedule = world.schedule("eng"), world.schedule("sci")
    world.do(stages.sign_institute, eng, world["director"], world.clock)
    world.do(stages.sign_institute, sci_schedule, world["director2"], world.clock)

    with world.factory() as s:
        campaign = s.get(PlanCampaign, world.campaign_id)
        assert campaign is not None and campaign.status == CampaignStatus.CONSOLIDATION
        # The heads' own lines were approved by the director above them, not by themselves.
        own = [pl for pl in lines.schedule_lines(s, [world.schedule("cs")]) if pl.person_id == world["head"]]
        assert [(pl.approve_above, pl.approved_by_id) for pl in own] == [(True, world["director"])]

    world.do(stages.consolidate, world.campaign_id, world["hr"], world.clock)
    with world.factory() as s:
        paid = next(
            pl for pl in lines.schedule_lines(s, [world.schedule("bio")]) if pl.funding_source == "university"
        )
    world.do(
        stages.finance_decision,
        world.campaign_id,
        False,
        "",
        {paid.id: "Құны тым жоғары"},
        world["finance"],
        world.clock,
    )
    with world.factory() as s:
        row = lines.update_line(
            s, paid.id, {**_fields(paid), "estimated_cost": "90000"}, world["hr"], world.clock, None
        )
        assert row.finance_comment == "Құны тым жоғары"
        s.commit()
    world.do(stages.consolidate, world.campaign_id, world["hr"], world.clock)
    world.do(stages.finance_decision, world.campaign_id, True, "", {}, world["finance"], world.clock)

    # Approved on 3 December, after the diagram's 1 December: late, and in the nonconformity journal.
    world.at("2025-12-03")
    world.do(stages.approval_decision, world.campaign_id, True, "", world["apparatus"], world.clock)
    with world.factory() as s:
        campaign = s.get(PlanCampaign, world.campaign_id)
        assert campaign is not None
        assert (campaign.status, campaign.approved_late, campaign.approved_by_id) == (
            "approved",
            True,
            world["apparatus"],
        )
        (version,) = s.scalars(select(PlanVersion).where(PlanVersion.campaign_id == campaign.id)).all()
        assert (version.number, version.late) == (1, True)
        assert Decimal(version.totals["university"]) == Decimal("150000") * 5 + Decimal(
            "90000"
        )  # six paid lines, one cut down
        instance = s.get(ProcessInstance, campaign.instance_id)
        assert instance is not None and instance.status == CaseStatus.COMPLETED
        late = s.scalars(select(Nonconformity).where(Nonconformity.instance_id == campaign.instance_id)).all()
        assert [n.kind for n in late] == ["plan_approved_late"]
        mine = approved_lines_of_person(s, world["teacher"], 2026)
        assert sorted(pl.topic for pl in mine) == ["Жоғары мектептегі цифрлық педагогика", "Машиналық оқыту"]
        assert len(approved_lines_of_unit(s, world["math"], 2026)) == 3
    for head in ("head", "head2", "head3", "head4"):
        assert _notices(world, head, "plan_approved") == 1


def _fields(line: object) -> dict[str, object]:
    return {key: getattr(line, key) for key in lines.LINE_FIELDS}
