"""The plan-in-use pages: execution, history, amendments, the perspective plan, and applying from a line."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.app.conftest import LoginAs
from tests.conftest import Demo
from tests.workflows.planning.plan_rows import approved_plan, campaign, line, schedule
from workflows.clock import FrozenClock
from workflows.org.models import Person
from workflows.planning.amendment_models import PlanAmendment, PlanLineCase
from workflows.planning.models import CampaignStatus, PlanLine, ScheduleStatus

TOPIC = "Жоғары мектептегі цифрлық педагогика"


@pytest.fixture
def plan(db: Session, demo: Demo, clock: FrozenClock) -> dict[str, int]:
    lines = approved_plan(
        db,
        demo,
        clock,
        2026,
        [
            line("teacher", TOPIC, 2, start_date=date(2026, 4, 6), end_date=date(2026, 4, 16)),
            line("teacher", "Деректер қоры", 1, funding_source="university", estimated_cost=Decimal(50000)),
            line("teacher2", "Сызықтық алгебра әдістемесі", 3),
        ],
    )
    db.commit()
    return lines


def test_the_application_page_offers_the_plan_lines_and_fills_the_form(
    plan: dict[str, int], login_as: LoginAs
) -> None:
    teacher = login_as("teacher")
    page = teacher.get("/cases/new?process=qualification_request").get_data(as_text=True)
    assert (
        f'href="/cases/new?process=qualification_request&amp;plan_line={plan[TOPIC]}"' in page
        and "Сызықтық алгебра" not in page
    )
    filled = teacher.get(f"/cases/new?process=qualification_request&plan_line={plan[TOPIC]}").get_data(
        as_text=True
    )
    assert f'name="plan_line" value="{plan[TOPIC]}"' in filled and 'value="2026-04-06"' in filled
    assert (
        teacher.get(
            f"/cases/new?process=qualification_request&plan_line={plan['Сызықтық алгебра әдістемесі']}"
        ).status_code
        == 404
    )


def test_applying_from_a_line_and_outside_the_plan_from_the_page(
    plan: dict[str, int], login_as: LoginAs, db: Session
) -> None:
    teacher = login_as("teacher")
    form = {
        "course": TOPIC,
        "provider": "Назарбаев Университеті",
        "training_form": "course",
        "mode": "without_leaving_work",
        "place": "Астана",
        "start_date": "2026-04-06",
        "end_date": "2026-04-16",
        "hours": "72",
        "funding_source": "own",
        "relevance": "Пәндер",
        "in_plan": "on",
    }
    refused = teacher.post(
        "/cases/new?process=qualification_request", data=form
    )  # "in the plan" without the line
    assert refused.status_code == 422 and "жоспарда сіздің жолдарыңыз бар" in refused.get_data(as_text=True)
    assert (
        teacher.post(
            "/cases/new?process=qualification_request", data={**form, "plan_line": str(plan[TOPIC])}
        ).status_code
        == 303
    )
    outside = {**form, "course": "Басқа курс"}
    del outside["in_plan"]
    assert (
        teacher.post("/cases/new?process=qualification_request", data=outside).status_code == 422
    )  # no justification
    assert (
        teacher.post(
            "/cases/new?process=qualification_request", data={**outside, "out_of_plan_reason": "Жаңа пән"}
        ).status_code
        == 303
    )


def test_the_execution_page_for_hr_a_head_and_nobody_else(plan: dict[str, int], login_as: LoginAs) -> None:
    page = login_as("hr").get("/plan/2026/execution").get_data(as_text=True)
    assert 'id="total"' in page and TOPIC in page and "50" in page
    head = login_as("head").get("/plan/2026/execution").get_data(as_text=True)
    assert TOPIC in head and "Сызықтық алгебра" not in head
    assert login_as("teacher").get("/plan/2026/execution").status_code == 403
    assert login_as("hr").get("/plan/2031/execution").status_code == 404


def test_a_head_proposes_an_amendment_and_the_history_shows_it(
    plan: dict[str, int], login_as: LoginAs, db: Session
) -> None:
    head = login_as("head")
    page = head.get("/plan/2026/amendments/new").get_data(as_text=True)
    assert f'name="action_{plan[TOPIC]}"' in page and "Сызықтық алгебра" not in page
    empty = head.post("/plan/2026/amendments/new", data={"reason": ""})
    assert empty.status_code == 422 and db.scalars(select(PlanAmendment)).all() == []
    done = head.post(
        "/plan/2026/amendments/new",
        data={"reason": "Курс ауысты", f"action_{plan[TOPIC]}": "move", f"quarter_{plan[TOPIC]}": "4"},
    )
    assert done.status_code == 303 and done.location.startswith("/cases/")
    history = login_as("hr").get("/plan/2026/history").get_data(as_text=True)
    assert "Курс ауысты" in history and 'id="version-1"' in history
    assert login_as("teacher").get("/plan/2026/amendments/new").status_code == 403


def test_the_perspective_page_and_carrying_a_line_forward(
    plan: dict[str, int], login_as: LoginAs, db: Session, demo: Demo, clock: FrozenClock
) -> None:
    following = campaign(db, demo, clock, 2027, CampaignStatus.OPEN)
    unit = db.get(Person, demo["teacher"]).org_unit_id  # type: ignore[union-attr]
    schedule(db, following.id, unit, ScheduleStatus.DRAFT, clock.now())
    db.commit()
    hr = login_as("hr")
    carried = hr.post(f"/plan/lines/{plan['Деректер қоры']}/carry", data={"back": "/plan/2026/execution"})
    assert carried.status_code == 303 and carried.location == "/plan/2026/execution"
    source = plan["Деректер қоры"]
    assert db.scalar(select(PlanLine).where(PlanLine.carried_from_line_id == source)) is not None
    again = hr.post(f"/plan/lines/{plan['Деректер қоры']}/carry", data={"back": "/plan/2026/execution"})
    assert again.status_code == 303  # refused, flashed on the page it came from
    page = hr.get("/plan/perspective?from=2026&to=2027").get_data(as_text=True)
    assert 'id="year-2027"' in page and "Деректер қоры" in page and "2026" in page
    assert login_as("teacher").get("/plan/perspective").status_code == 403


def test_hr_starts_the_planned_training_of_a_line_and_the_line_follows_it(
    plan: dict[str, int], login_as: LoginAs, db: Session, demo: Demo
) -> None:
    hr = login_as("hr")
    line_id = plan[TOPIC]
    page = hr.get("/plan/2026/execution").get_data(as_text=True)
    start = f"/cases/new?process=kaznrtu_training&amp;plan_line={line_id}"
    assert start in page  # KazNRTU (000 §7.5): the start is the plan line
    form = hr.get(f"/cases/new?process=kaznrtu_training&plan_line={line_id}").get_data(as_text=True)
    assert f'name="plan_line" value="{line_id}"' in form and 'value="2026-04-06"' in form
    assert f'<option value="{demo["teacher"]}" selected>' in form  # the line's person
    data = {
        "plan_line": str(line_id),
        "in_plan": "on",
        "course": TOPIC,
        "provider": "ҚазҰТЗУ",
        "training_form": "course",
        "mode": "without_leaving_work",
        "place": "Алматы",
        "start_date": "2026-04-06",
        "end_date": "2026-04-16",
        "hours": "72",
        "funding_source": "own",
        "subject_id": str(demo["teacher"]),
    }
    assert hr.post("/cases/new?process=kaznrtu_training", data=data).status_code == 303
    [case] = db.scalars(select(PlanLineCase).where(PlanLineCase.line_id == line_id)).all()
    started = hr.get("/plan/2026/execution").get_data(as_text=True)
    assert start not in started and f"/cases/{case.instance_id}" in started
    # The same line cannot start a second training.
    again = hr.post("/cases/new?process=kaznrtu_training", data=data)
    assert again.status_code == 422


def test_the_reports_set_the_plan_against_what_was_done(plan: dict[str, int], login_as: LoginAs) -> None:
    hr = login_as("hr")
    page = hr.get("/reports/university?period=year&year=2026").get_data(as_text=True)
    table = page[page.index('id="report-plan"') :]
    table = table[: table.index("</table>")]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table, re.S)
    figures = dict(zip(cells[::2], cells[1::2], strict=True))
    assert figures["Кезеңде орындалуға тиіс жоспар жолдары"].strip() == "3"  # the plan's three lines
    assert figures["Өтініш берілді"].strip() == "0" and figures["Бұйрық шықты"].strip() == "0"
    # A year without an approved plan says so instead.
    other = hr.get("/reports/university?period=year&year=2025").get_data(as_text=True)
    assert 'id="report-plan"' not in other and "салыстыратын жоспар жоқ" in other
