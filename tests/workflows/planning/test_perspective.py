"""The perspective plan: several years' plans side by side, and lines carried into the next year."""

from __future__ import annotations

import pytest

from tests.workflows.flow import Flow
from tests.workflows.planning.plan_rows import approved_plan, campaign, line, schedule
from workflows.errors import Forbidden, NotAllowedNow
from workflows.org.models import Person
from workflows.planning.models import CampaignStatus, LineOrigin, PlanSchedule, ScheduleStatus
from workflows.planning.perspective import carry_forward, perspective


@pytest.fixture
def years(flow: Flow) -> dict[str, int]:
    """2026 approved; the 2027 campaign open, Computer Science's schedule being drawn up."""
    with flow.factory() as s:
        lines = approved_plan(
            s,
            flow.demo,
            flow.clock,
            2026,
            [
                line("teacher", "Python негіздері", 2, hours=36),
                line("teacher2", "Сызықтық алгебра әдістемесі", 3),
            ],
        )
        following = campaign(s, flow.demo, flow.clock, 2027, CampaignStatus.OPEN)
        unit = s.get(Person, flow.demo["teacher"]).org_unit_id  # type: ignore[union-attr]
        lines["schedule"] = schedule(s, following.id, unit, ScheduleStatus.DRAFT, flow.clock.now())
        s.commit()
    return lines


def test_a_line_carried_forward_shows_where_it_came_from(flow: Flow, years: dict[str, int]) -> None:
    with flow.factory() as s:
        carried = carry_forward(s, flow.demo["head"], years["Python негіздері"], flow.clock)
        assert (carried.origin, carried.carried_from_line_id, carried.hours) == (
            LineOrigin.CARRIED,
            years["Python негіздері"],
            36,
        )
        with pytest.raises(NotAllowedNow) as again:
            carry_forward(s, flow.demo["hr"], years["Python негіздері"], flow.clock)
        assert again.value.code == "line_already_carried"
        view = perspective(s, flow.demo["hr"], 2026, 2028, flow.clock)
    assert [(y.year, y.status, y.version, y.lines) for y in view.years] == [
        (2026, "approved", 1, 2),
        (2027, "open", None, 1),
        (2028, None, None, 0),
    ]
    [teacher] = [row for row in view.people if row.person_id == flow.demo["teacher"]]
    assert [c.carried_from_year for c in teacher.cells[2027]] == [2026]
    assert [c.topic for c in teacher.cells[2026]] == ["Python негіздері"]


def test_carrying_forward_is_for_heads_and_hr_while_the_schedule_is_open(
    flow: Flow, years: dict[str, int]
) -> None:
    with flow.factory() as s:
        with pytest.raises(Forbidden):
            carry_forward(s, flow.demo["teacher"], years["Python негіздері"], flow.clock)
        with pytest.raises(Forbidden):  # another department's head
            carry_forward(s, flow.demo["head2"], years["Python негіздері"], flow.clock)
        s.get(PlanSchedule, years["schedule"]).status = ScheduleStatus.SUBMITTED  # type: ignore[union-attr]
        with pytest.raises(NotAllowedNow) as closed:
            carry_forward(s, flow.demo["hr"], years["Python негіздері"], flow.clock)
        assert closed.value.code == "next_schedule_closed"
        with pytest.raises(NotAllowedNow) as missing:  # no schedule for Mathematics in 2027
            carry_forward(s, flow.demo["hr"], years["Сызықтық алгебра әдістемесі"], flow.clock)
        assert missing.value.code == "next_schedule_closed"
        with pytest.raises(NotAllowedNow) as wide:
            perspective(s, flow.demo["hr"], 2020, 2035, flow.clock)
        assert wide.value.code == "plan_years_range"


def test_a_head_sees_their_units_people_only(flow: Flow, years: dict[str, int]) -> None:
    with flow.factory() as s:
        view = perspective(s, flow.demo["head"], 2026, 2027, flow.clock)
    assert [row.person_id for row in view.people] == [flow.demo["teacher"]]
