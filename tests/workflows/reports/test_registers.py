"""The cases register: scope by seat, every filter, the search, the sort, pages, and a fixed cost."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.statements import counting
from tests.workflows.flow import Flow
from workflows.errors import Forbidden
from workflows.org.models import OrgUnit
from workflows.reports.registers import CaseFilter, case_register


def _keys(flow: Flow, username: str, **filters: object) -> list[int]:
    with flow.factory() as session:
        page = case_register(session, flow.demo[username], flow.clock, CaseFilter(per_page=100, **filters))  # type: ignore[arg-type]
        return sorted(r.id for r in page.rows)


@pytest.fixture
def cases(flow: Flow) -> dict[str, int]:
    return {
        "cs_own": flow.start("teacher", funding_source="own", course="Python негіздері"),
        "cs_uni": flow.start(
            "teacher",
            funding_source="university",
            cost=150000,
            training_form="internship",
            in_plan=False,
            out_of_plan_reason="Жаңа зертхана ашылды",
            start_date="2026-04-10",
            end_date="2026-04-20",
        ),
        "math": flow.start(
            "teacher2", provider="Әл-Фараби атындағы ҚазҰУ", start_date="2026-05-01", end_date="2026-05-05"
        ),
    }


def test_scope_follows_the_seat(flow: Flow, cases: dict[str, int]) -> None:
    everything = sorted(cases.values())
    for role in ("hr", "centre", "rector", "admin", "director"):
        assert _keys(flow, role) == everything, role
    assert _keys(flow, "head") == sorted([cases["cs_own"], cases["cs_uni"]])
    assert _keys(flow, "head2") == [cases["math"]]
    for role in ("teacher", "finance", "legal", "owner"):
        with flow.factory() as session, pytest.raises(Forbidden):
            case_register(session, flow.demo[role], flow.clock)


def test_every_filter(flow: Flow, cases: dict[str, int], db: Session) -> None:
    math = db.scalars(select(OrgUnit.id).where(OrgUnit.code == "math")).one()
    eng = db.scalars(select(OrgUnit.id).where(OrgUnit.code == "eng")).one()
    assert _keys(flow, "hr", unit_id=math) == [cases["math"]]
    assert _keys(flow, "hr", unit_id=eng) == sorted(cases.values())  # the unit and everything below
    assert _keys(flow, "hr", funding="university") == [cases["cs_uni"]]
    assert _keys(flow, "hr", form="internship") == [cases["cs_uni"]]
    assert _keys(flow, "hr", in_plan=False) == [cases["cs_uni"]]
    assert _keys(flow, "hr", in_plan=True) == sorted([cases["cs_own"], cases["math"]])
    assert _keys(flow, "hr", start_from=date(2026, 4, 1)) == sorted([cases["cs_uni"], cases["math"]])
    assert _keys(flow, "hr", start_from=date(2026, 4, 1), start_to=date(2026, 4, 30)) == [cases["cs_uni"]]
    assert _keys(flow, "hr", status="completed") == []
    assert _keys(flow, "hr", status="running") == sorted(cases.values())
    flow.do("head", cases["cs_own"], "endorse", decision="approve")
    assert _keys(flow, "hr", step="endorse") == sorted([cases["cs_uni"], cases["math"]])
    assert _keys(flow, "hr", step="rector_visa") == [cases["cs_own"]]
    assert _keys(flow, "hr", overdue=True) == []
    flow.at("2026-06-01T09:00:00+05:00")
    # every step has a due date now: the endorsements and the rector's visa are all past theirs
    assert _keys(flow, "hr", overdue=True) == sorted(cases.values())


def test_search_finds_employee_course_and_provider_in_any_case(flow: Flow, cases: dict[str, int]) -> None:
    assert _keys(flow, "hr", search="PYTHON") == [cases["cs_own"]]
    assert _keys(flow, "hr", search="әл-фараби") == [cases["math"]]
    assert _keys(flow, "hr", search="СЕЙІТОВ") == [cases["math"]]
    assert _keys(flow, "hr", search="100%") == []


def test_sort_and_pages(flow: Flow, cases: dict[str, int]) -> None:
    with flow.factory() as session:
        hr = flow.demo["hr"]
        by_start = case_register(session, hr, flow.clock, CaseFilter(sort="start", descending=False))
        assert [r.id for r in by_start.rows] == [cases["cs_own"], cases["cs_uni"], cases["math"]]
        by_cost = case_register(session, hr, flow.clock, CaseFilter(sort="cost", descending=True))
        assert by_cost.rows[0].id == cases["cs_uni"]  # the only one with a cost; empty ones last
        first = case_register(session, hr, flow.clock, CaseFilter(sort="number", per_page=2))
        second = case_register(session, hr, flow.clock, CaseFilter(sort="number", per_page=2, page=2))
        assert first.total == second.total == 3
        assert len(first.rows) == 2 and len(second.rows) == 1
        numbers = [r.business_key for r in first.rows + second.rows]
        assert numbers == sorted(numbers, reverse=True)


def test_a_row_says_what_waits_and_on_whom(flow: Flow, cases: dict[str, int]) -> None:
    with flow.factory() as session:
        page = case_register(session, flow.demo["hr"], flow.clock, CaseFilter(search="python"))
    [row] = page.rows
    assert row.step_element == "endorse"
    assert row.holders == ["Дәурен Асқарұлы Жақсыбеков"]
    assert row.unit_names["en"] == "Department of Computer Science"
    assert row.funding == "own" and row.form == "course" and row.in_plan is True


def test_a_page_costs_the_same_statements_for_any_number_of_cases(flow: Flow, engine: Engine) -> None:
    def statements() -> int:
        with flow.factory() as session, counting(engine) as sent:
            case_register(session, flow.demo["hr"], flow.clock, CaseFilter(search="а", overdue=False))
        return len(sent)

    flow.start("teacher")
    statements()  # the published versions, read once per process (what the register leaves out)
    few = statements()
    for username in ("teacher", "teacher2", "teacher", "teacher2", "head"):
        flow.start(username)
    assert statements() == few
    assert few <= 7


def test_a_page_counts_the_cases_only_up_to_a_bound_past_itself(flow: Flow, cases: dict[str, int]) -> None:
    """Three cases, one a page, counted up to the next multiple of two past the page's last row."""

    def page(number: int, step: int = 2) -> tuple[int, bool, int]:
        with flow.factory() as session:
            flt = CaseFilter(per_page=1, count_step=step, page=number)
            found = case_register(session, flow.demo["hr"], flow.clock, flt)
            return found.total, found.more, len(found.rows)

    assert page(1) == (2, True, 1)  # "2+": at least one case follows the page
    assert page(2) == (2, True, 1)
    assert page(3) == (3, False, 1)  # counted up to 4: the exact number
    assert page(4) == (3, False, 0)
    assert page(1, step=3) == (3, False, 1)  # exactly as many as the bound: not "more"
