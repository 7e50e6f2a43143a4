"""Applications made from plan lines, and applications outside the plan."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import Demo
from tests.workflows.flow import Flow, application
from tests.workflows.planning.plan_rows import approved_plan, line
from workflows.cases.start import start_case
from workflows.errors import ValidationFailed
from workflows.planning.linking import offered_lines, prefilled

TOPIC = "Жоғары мектептегі цифрлық педагогика"


@pytest.fixture
def plan(flow: Flow) -> dict[str, int]:
    with flow.factory() as s:
        lines = approved_plan(
            s,
            flow.demo,
            flow.clock,
            2026,
            [
                line("teacher", TOPIC, 2, start_date=date(2026, 4, 6), end_date=date(2026, 4, 16)),
                line("teacher", "Python негіздері", 3, hours=36),
                line("teacher2", "Сызықтық алгебра әдістемесі", 2),
            ],
        )
        s.commit()
    return lines


def _refused(flow: Flow, username: str, **data: object) -> tuple[str, str]:
    with flow.factory() as s, pytest.raises(ValidationFailed) as refused:
        start_case(s, "qualification_request", flow.demo[username], application(**data), flow.clock)
    [error] = refused.value.errors
    return error.field, error.code


def test_the_applicant_is_offered_their_own_lines_and_the_form_is_filled_from_one(
    flow: Flow, plan: dict[str, int], demo: Demo
) -> None:
    with flow.factory() as s:
        offered = offered_lines(s, demo["teacher"], date(2026, 3, 1))
        assert [o.topic for o in offered] == [TOPIC, "Python негіздері"]
        assert offered[0].taken_by is None and offered[0].year == 2026
        values = prefilled(s, demo["teacher"], plan[TOPIC])
        with pytest.raises(ValidationFailed):
            prefilled(s, demo["teacher2"], plan[TOPIC])  # not hers
    assert values["plan_line"] == plan[TOPIC] and values["in_plan"] is True
    assert (values["course"], values["start_date"], values["end_date"], values["hours"]) == (
        TOPIC,
        "2026-04-06",
        "2026-04-16",
        72,
    )
    assert values["funding_source"] == "own" and "cost" not in values


def test_an_application_from_a_line_is_linked_and_takes_no_extra_step(
    flow: Flow, plan: dict[str, int]
) -> None:
    with flow.factory() as s:
        data = {**application(), **prefilled(s, flow.demo["teacher"], plan[TOPIC])}
    with flow.factory() as s:
        ref = start_case(s, "qualification_request", flow.demo["teacher"], data, flow.clock)
        s.commit()
    flow.do("head", ref.id, "endorse", decision="approve")
    assert flow.open_elements(ref.id) == ["rector_visa"]  # own funds, in the plan: straight to the rector
    with flow.factory() as s:
        [first, _] = offered_lines(s, flow.demo["teacher"], date(2026, 3, 1))
    assert first.taken_by == ref.business_key
    # The same line a second time (another course name, so the duplicate rule is not what refuses it).
    second = {**data, "course": "Басқа курс"}
    assert _refused(flow, "teacher", **second) == ("plan_line", "plan_line_taken")


def test_a_line_must_be_the_applicants_in_force_and_in_the_plan(flow: Flow, plan: dict[str, int]) -> None:
    assert _refused(flow, "teacher2", plan_line=plan[TOPIC]) == ("plan_line", "plan_line_unknown")
    assert _refused(flow, "teacher", plan_line=999999) == ("plan_line", "plan_line_unknown")
    assert _refused(flow, "teacher", plan_line=plan[TOPIC], in_plan=False, out_of_plan_reason="x") == (
        "in_plan",
        "plan_line_in_plan",
    )


def test_in_the_plan_names_the_line_where_the_year_has_a_plan(flow: Flow, plan: dict[str, int]) -> None:
    assert _refused(flow, "teacher") == ("in_plan", "plan_line_needed")
    # Next year has no plan kept here: "in the plan" is taken at its word, as before.
    flow.start("teacher", start_date="2027-03-01", end_date="2027-03-05")


def test_outside_the_plan_needs_a_reason_and_the_centres_approval(flow: Flow, plan: dict[str, int]) -> None:
    assert _refused(flow, "teacher", in_plan=False) == ("out_of_plan_reason", "required")
    case = flow.start("teacher", in_plan=False, out_of_plan_reason="Жаңа зертхана ашылды")
    flow.do("head", case, "endorse", decision="approve")
    assert flow.open_elements(case) == ["out_of_plan_review"]
    with pytest.raises(ValidationFailed):
        flow.do("centre", case, "out_of_plan_review", decision="return")  # a return says what to change
    flow.do("centre", case, "out_of_plan_review", decision="approve")
    assert flow.open_elements(case) == ["rector_visa"]


def test_the_centre_can_return_or_reject_an_application_outside_the_plan(
    flow: Flow, plan: dict[str, int]
) -> None:
    case = flow.start("teacher", in_plan=False, out_of_plan_reason="Жаңа зертхана ашылды")
    flow.do("head", case, "endorse", decision="approve")
    flow.do("centre", case, "out_of_plan_review", decision="return", comment="Негіздемені толықтырыңыз")
    assert flow.open_elements(case) == ["revise_application"]
    rejected = flow.start("teacher", in_plan=False, out_of_plan_reason="Қажет")
    flow.do("head", rejected, "endorse", decision="approve")
    flow.do(
        "centre", rejected, "out_of_plan_review", decision="reject", comment="Жоспарда бар курс жеткілікті"
    )
    assert flow.case(rejected).status == "rejected"
