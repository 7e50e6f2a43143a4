"""Amending an approved plan: the head's proposal, the diagram's approval, the next version."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.workflows.flow import Flow
from tests.workflows.planning.plan_rows import approved_plan, line
from workflows.errors import Forbidden, ValidationFailed
from workflows.planning.amendment_models import AmendmentStatus, PlanAmendment
from workflows.planning.amendments import ChangeInput, plan_history, propose_amendment
from workflows.planning.linking import current_versions, offered_lines
from workflows.planning.models import LineStatus, PlanLine, PlanVersionLine


@pytest.fixture
def plan(flow: Flow) -> dict[str, int]:
    with flow.factory() as s:
        lines = approved_plan(
            s,
            flow.demo,
            flow.clock,
            2026,
            [
                line("teacher", "Python негіздері", 2, hours=36),
                line("teacher", "Деректер қоры", 1),
                line("teacher2", "Сызықтық алгебра әдістемесі", 3),
            ],
        )
        s.commit()
    return lines


def _propose(
    flow: Flow, username: str, changes: list[ChangeInput], reason: str = "Өндірістік қажеттілік"
) -> int:
    with flow.factory() as s:
        ref = propose_amendment(s, flow.demo[username], 2026, reason, changes, flow.clock)
        s.commit()
    return ref.id


def _changes(flow: Flow, plan: dict[str, int]) -> list[ChangeInput]:
    return [
        ChangeInput("move", line_id=plan["Python негіздері"], quarter=4),
        ChangeInput("remove", line_id=plan["Деректер қоры"]),
        ChangeInput(
            "add",
            person_id=flow.demo["teacher"],
            topic="Жасанды интеллект негіздері",
            training_form="online_course",
            mode="distance",
            quarter=3,
            hours=72,
            funding_source="university",
            estimated_cost="120 000",
        ),
    ]


def test_an_approved_amendment_is_the_plans_next_version(flow: Flow, plan: dict[str, int]) -> None:
    case = _propose(flow, "head", _changes(flow, plan))
    assert flow.open_elements(case) == ["hr_review"]
    flow.do("hr", case, "hr_review", decision="approve")
    # The demo has no head of the management apparatus: the empty seat goes to the rector.
    flow.do("rector", case, "approve_amendment", decision="approve")
    assert flow.case(case).status == "completed"
    with flow.factory() as s:
        version_id = current_versions(s, [2026])[2026]
        lines = {
            v.topic: v
            for v in s.scalars(select(PlanVersionLine).where(PlanVersionLine.version_id == version_id))
        }
        assert sorted(lines) == [
            "Python негіздері",
            "Жасанды интеллект негіздері",
            "Сызықтық алгебра әдістемесі",
        ]
        assert lines["Python негіздері"].quarter == 4
        assert lines["Жасанды интеллект негіздері"].estimated_cost == 120000
        removed = s.get(PlanLine, plan["Деректер қоры"])
        assert removed is not None and removed.status == LineStatus.REMOVED  # kept, marked, with the reason
        assert removed.removed_reason == "Өндірістік қажеттілік"
        versions, amendments = plan_history(s, flow.demo["hr"], 2026, flow.clock)
        assert [v.number for v in versions] == [2, 1]
        assert versions[0].amendment_id == amendments[0].id and versions[0].lines == 3
        assert versions[0].totals == {"own": "0.00", "university": "120000.00"}
        assert amendments[0].status == "approved" and len(amendments[0].changes) == 3
        # Applications now see the amended plan.
        offered = [o.topic for o in offered_lines(s, flow.demo["teacher"], date(2026, 3, 1))]
        assert offered == ["Жасанды интеллект негіздері", "Python негіздері"]  # by quarter


def test_a_rejected_amendment_leaves_the_plan_as_it_was(flow: Flow, plan: dict[str, int]) -> None:
    case = _propose(flow, "head", [ChangeInput("remove", line_id=plan["Деректер қоры"])])
    with pytest.raises(ValidationFailed):
        flow.do("hr", case, "hr_review", decision="reject")  # a rejection says why
    flow.do("hr", case, "hr_review", decision="reject", comment="Курс жоспарда қалады")
    assert flow.case(case).status == "rejected"
    with flow.factory() as s:
        amendment = s.scalars(select(PlanAmendment)).one()
        assert amendment.status == AmendmentStatus.REJECTED and amendment.version_id is None
        versions, _ = plan_history(s, flow.demo["hr"], 2026, flow.clock)
        assert [v.number for v in versions] == [1]


def test_a_head_amends_only_their_units_lines(flow: Flow, plan: dict[str, int]) -> None:
    other = [ChangeInput("remove", line_id=plan["Сызықтық алгебра әдістемесі"])]
    with flow.factory() as s:
        with pytest.raises(ValidationFailed) as refused:
            propose_amendment(s, flow.demo["head"], 2026, "Себеп", other, flow.clock)
        assert [e.code for e in refused.value.errors] == ["plan_line_unknown"]
        stranger = [
            ChangeInput(
                "add",
                person_id=flow.demo["teacher2"],
                topic="Курс",
                training_form="course",
                mode="distance",
                hours=72,
                funding_source="own",
            )
        ]
        with pytest.raises(ValidationFailed) as refused:
            propose_amendment(s, flow.demo["head"], 2026, "Себеп", stranger, flow.clock)
        assert [e.code for e in refused.value.errors] == ["plan_person_not_in_unit"]
        with pytest.raises(ValidationFailed) as refused:
            propose_amendment(s, flow.demo["head"], 2026, "", [], flow.clock)
        assert {e.code for e in refused.value.errors} == {"required", "amendment_empty"}
        with pytest.raises(Forbidden):
            propose_amendment(s, flow.demo["teacher"], 2026, "Себеп", other, flow.clock)
        assert s.scalars(select(PlanAmendment)).all() == []
