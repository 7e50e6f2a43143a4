"""The plan's rules, one by one: who may be planned, overlapping dates, the course-length classes
of the policy, the head's own line, a stale schedule, a unit that closes during the campaign."""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import select

from tests.workflows.planning.world import World, line
from workflows.cases.models import HumanTask, TaskStatus
from workflows.errors import Conflict, Forbidden, NotAllowedNow, NotFound, ValidationFailed
from workflows.planning import lines, stages
from workflows.planning.closing import withdraw_unit
from workflows.planning.models import LineStatus, PlanLine, PlanSchedule, ScheduleStatus
from workflows.planning.policy import length_class


def _codes(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in exc.value.errors]


@pytest.fixture
def drawing(world: World) -> World:
    """The campaign past the individual plans: heads draw up their schedules."""
    world.open("2025-08-20")
    world.at("2025-10-02")
    return world


def test_only_the_units_people_are_planned(drawing: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        drawing.add("cs", "teacher2", "head")  # teacher2 is in mathematics
    assert _codes(refused) == [("person_id", "plan_not_in_unit")]
    with drawing.factory() as s:
        assert lines.schedule_lines(s, [drawing.schedule("cs")]) == []


def test_a_person_is_not_planned_twice_for_overlapping_dates(drawing: World) -> None:
    drawing.add("cs", "teacher", "head", quarter=None, start_date="2026-03-02", end_date="2026-03-13")
    with pytest.raises(ValidationFailed) as refused:
        drawing.add(
            "cs",
            "teacher",
            "head",
            topic="Басқа курс",
            quarter=None,
            start_date="2026-03-10",
            end_date="2026-03-20",
        )
    assert _codes(refused) == [("start_date", "plan_overlap")]
    # Right after the first one is fine.
    drawing.add(
        "cs",
        "teacher",
        "head",
        topic="Басқа курс",
        quarter=None,
        start_date="2026-03-14",
        end_date="2026-03-20",
    )


def test_bad_fields_are_refused_together_and_nothing_is_stored(drawing: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        drawing.add(
            "cs",
            "teacher",
            "head",
            topic=" ",
            hours="x",
            training_form="nap",
            quarter=2,
            month=9,
            start_date="2025-05-01",
            end_date="2025-04-01",
            estimated_cost="-5",
        )
    assert set(_codes(refused)) == {
        ("topic", "required"),
        ("hours", "type_integer"),
        ("training_form", "enum"),
        ("month", "plan_month_quarter"),
        ("start_date", "plan_outside_year"),
        ("end_date", "plan_outside_year"),
        ("end_date", "plan_dates_order"),
        ("estimated_cost", "minimum"),
    }
    with drawing.factory() as s:
        assert s.scalars(select(PlanLine)).all() == []


def test_hours_are_classed_by_the_diagrams_policy_and_misfits_flagged(drawing: World) -> None:
    policy = {"short_min_hours": 36, "short_max_hours": 108}
    assert length_class(24, "seminar", policy) == ("master_class", None)
    assert length_class(24, "course", policy) == ("master_class", "course_too_short")
    assert length_class(108, "course", policy) == ("short", None)
    assert length_class(109, "internship", policy) == ("long", None)
    assert length_class(40, "seminar", policy) == ("short", "master_class_too_long")
    # Another policy, other classes: nothing is a constant of the code.
    assert (
        length_class(40, "course", {"short_min_hours": 72, "short_max_hours": 144}).flag == "course_too_short"
    )
    flagged = drawing.add("cs", "teacher", "head", hours=16)
    with drawing.factory() as s:
        row = s.get(PlanLine, flagged)
        assert row is not None and (row.length_class, row.hours_flag) == ("master_class", "course_too_short")


def test_two_editors_of_one_schedule_get_a_conflict_not_an_overwrite(drawing: World) -> None:
    seen = drawing.version("cs")
    with drawing.factory() as s:
        lines.add_line(
            s, drawing.schedule("cs"), drawing["teacher"], line(), drawing["head"], drawing.clock, seen
        )
        s.commit()
    with drawing.factory() as s, pytest.raises(Conflict):
        lines.add_line(
            s,
            drawing.schedule("cs"),
            drawing["head"],
            line(topic="Басқа"),
            drawing["head"],
            drawing.clock,
            seen,
        )
    with drawing.factory() as s:
        assert [pl.person_id for pl in lines.schedule_lines(s, [drawing.schedule("cs")])] == [
            drawing["teacher"]
        ]


def test_only_the_head_edits_and_only_after_the_meeting_approves(drawing: World) -> None:
    with pytest.raises(NotFound):
        drawing.add("cs", "teacher", "head2")  # another department's head
    drawing.add("cs", "teacher", "head")
    with pytest.raises(NotAllowedNow) as early:
        drawing.approve("cs", "head")
    assert early.value.code == "plan_meeting_missing"
    with drawing.factory() as s, pytest.raises(ValidationFailed) as bad:
        stages.record_meeting(
            s,
            drawing.schedule("cs"),
            "",
            "2099-01-01",
            stages.MinutesFile("m.pdf", BytesIO(b"not a pdf")),
            drawing.store,
            drawing["head"],
            drawing.clock,
            None,
        )
    assert set(_codes(bad)) == {
        ("minutes_number", "required"),
        ("meeting_date", "plan_meeting_future"),
        ("minutes_file", "file_type"),
    }
    drawing.meeting("cs", "head")
    drawing.approve("cs", "head")
    with drawing.factory() as s:
        schedule = s.get(PlanSchedule, drawing.schedule("cs"))
        assert schedule is not None and schedule.status == ScheduleStatus.SUBMITTED and not schedule.late
    with pytest.raises(NotFound):
        drawing.add("cs", "teacher", "head", topic="Кеш")  # approved: no more edits by the head


def test_the_heads_own_line_is_approved_above_them(drawing: World) -> None:
    own = drawing.add("cs", "head", "head")
    other = drawing.add("cs", "teacher", "head")
    drawing.meeting("cs", "head")
    drawing.approve("cs", "head")
    with drawing.factory() as s:
        mine, theirs = s.get(PlanLine, own), s.get(PlanLine, other)
        assert mine is not None and theirs is not None
        assert (mine.approve_above, mine.approved_by_id) == (True, None)
        assert (theirs.approve_above, theirs.approved_by_id) == (False, drawing["head"])
    drawing.draw("math", "head2", "teacher2")
    drawing.do(stages.sign_institute, drawing.schedule("eng"), drawing["director"], drawing.clock)
    with drawing.factory() as s:
        mine = s.get(PlanLine, own)
        assert mine is not None and mine.approved_by_id == drawing["director"]


def test_the_director_signs_only_when_every_department_is_in(drawing: World) -> None:
    drawing.draw("cs", "head", "teacher")
    with pytest.raises(NotAllowedNow) as early:
        drawing.do(stages.sign_institute, drawing.schedule("eng"), drawing["director"], drawing.clock)
    assert early.value.code == "plan_departments_missing"
    with pytest.raises(ValidationFailed):
        drawing.do(stages.return_schedule, drawing.schedule("cs"), "  ", drawing["director"], drawing.clock)


def test_a_closed_unit_drops_out_with_its_lines_moved_never_lost(drawing: World) -> None:
    moved = drawing.add("chem", "teacher4", "head4")
    drawing.draw("bio", "head3", "teacher3")
    with pytest.raises(Forbidden):
        drawing.do(withdraw_unit, drawing.campaign_id, drawing["chem"], drawing["head4"], drawing.clock)
    with drawing.factory() as s:
        count = withdraw_unit(
            s,
            drawing.campaign_id,
            drawing["chem"],
            drawing["hr"],
            drawing.clock,
            drawing["bio"],
            "Кафедра жабылды",
        )
        s.commit()
    assert count == 1
    with drawing.factory() as s:
        row = s.get(PlanLine, moved)
        assert row is not None
        assert (row.schedule_id, row.moved_from_schedule_id, row.status) == (
            drawing.schedule("bio"),
            drawing.schedule("chem"),
            LineStatus.PLANNED,
        )
        chem = s.get(PlanSchedule, drawing.schedule("chem"))
        assert chem is not None and chem.status == ScheduleStatus.WITHDRAWN
        left = s.scalars(
            select(HumanTask).where(
                HumanTask.org_unit_id == drawing["chem"], HumanTask.status == TaskStatus.OPEN
            )
        ).all()
        assert left == []
    # The institute's review no longer waits for chem.
    drawing.do(stages.sign_institute, drawing.schedule("sci"), drawing["director2"], drawing.clock)


def test_a_closed_units_lines_removed_by_hr_are_kept_marked(drawing: World) -> None:
    kept = drawing.add("chem", "teacher4", "head4")
    with drawing.factory() as s:
        withdraw_unit(s, drawing.campaign_id, drawing["chem"], drawing["hr"], drawing.clock, None, "Жабылды")
        s.commit()
    with drawing.factory() as s:
        row = s.get(PlanLine, kept)
        assert row is not None and (row.status, row.removed_reason) == ("removed", "Жабылды")


def test_an_employee_adds_only_their_own_wish(drawing: World) -> None:
    world = drawing
    wish = world.add("cs", "teacher", "teacher")
    with world.factory() as s:
        row = s.get(PlanLine, wish)
        assert row is not None and (row.status, row.origin) == ("wish", "individual")
    with pytest.raises(NotFound):
        world.add("cs", "teacher", "teacher3")  # someone of another unit adds a line for them


def test_hr_reminds_the_late_units_and_their_directors(drawing: World) -> None:
    from sqlalchemy import func

    from workflows.messaging.models import Notification
    from workflows.planning.progress import remind_late

    drawing.draw("cs", "head", "teacher")
    drawing.clock.set(drawing.clock.now().replace(month=11, day=5))  # past 1 November, no timer fired
    with pytest.raises(Forbidden):
        drawing.do(remind_late, drawing.campaign_id, drawing["head"], drawing.clock)
    assert drawing.do(remind_late, drawing.campaign_id, drawing["hr"], drawing.clock) == 3  # math, bio, chem
    with drawing.factory() as s:

        def told(person: str, kind: str) -> int:
            return (
                s.scalar(
                    select(func.count()).where(
                        Notification.person_id == drawing[person], Notification.kind == kind
                    )
                )
                or 0
            )

        assert [told(h, "plan_reminder") for h in ("head", "head2", "head3", "head4")] == [0, 1, 1, 1]
        assert (told("director", "plan_escalation"), told("director2", "plan_escalation")) == (1, 2)
        late = s.scalars(select(PlanSchedule).where(PlanSchedule.late.is_(True))).all()
        assert {x.org_unit_id for x in late} == {drawing[u] for u in ("math", "bio", "chem")}
