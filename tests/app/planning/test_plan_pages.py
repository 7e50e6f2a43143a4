"""The plan's pages: HR opens a campaign, a head builds the schedule from the people due, records
the meeting and approves, the director signs, HR consolidates; 602-01 and 602-05 download as XLSX
with the form's cells, and as PDF."""

from __future__ import annotations

import io
from datetime import datetime

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.app.conftest import LoginAs, post_files
from tests.conftest import Demo
from tests.workflows.flow import PDF
from workflows.cases.models import HumanTask, TaskStatus
from workflows.clock import FrozenClock
from workflows.org.models import OrgUnit
from workflows.planning.models import PlanCampaign, PlanSchedule
from workflows.worker import fire_due_jobs

LINE = {
    "topic": "Цифрлық педагогика",
    "provider": "ҚазҰУ",
    "training_form": "course",
    "mode": "without_leaving_work",
    "place": "Алматы",
    "start_date": "2027-02-01",
    "end_date": "2027-02-12",
    "hours": "72",
    "funding_source": "university",
    "estimated_cost": "120000",
    "relevance": "Оқытатын пәндер",
}


def _schedule(factory: sessionmaker[Session], code_unit: int) -> PlanSchedule:
    with factory() as s:
        return s.scalars(select(PlanSchedule).where(PlanSchedule.org_unit_id == code_unit)).one()


def _open(login_as: LoginAs, factory: sessionmaker[Session], clock: FrozenClock) -> tuple[int, int, int]:
    clock.set(datetime.fromisoformat("2026-08-25T10:00:00+05:00"))
    hr = login_as("hr")
    page = hr.get("/plan/")
    assert page.status_code == 200 and "open-campaign" in page.get_data(as_text=True)
    assert hr.post("/plan/campaigns", data={"year": "nonsense"}).status_code == 422
    response = hr.post("/plan/campaigns", data={"year": "2027"})
    assert response.status_code == 303
    assert hr.post("/plan/campaigns", data={"year": "2027"}).status_code == 303  # refused: flashed
    clock.set(datetime.fromisoformat("2026-10-02T10:00:00+05:00"))
    fire_due_jobs(factory, clock)
    with factory() as s:
        (campaign,) = s.scalars(select(PlanCampaign)).all()
        units = {str(row.level): row.id for row in s.scalars(select(PlanSchedule))}
        cs = s.scalars(
            select(PlanSchedule).where(PlanSchedule.level == "department").order_by(PlanSchedule.org_unit_id)
        ).first()
        assert cs is not None
        return campaign.id, cs.id, units["university"]


def test_a_head_builds_and_approves_the_schedule_and_hr_consolidates(
    app: Flask, login_as: LoginAs, factory: sessionmaker[Session], clock: FrozenClock, demo: Demo
) -> None:
    campaign_id, cs, university = _open(login_as, factory, clock)
    head = login_as("head")
    with factory() as s:
        task = s.scalars(
            select(HumanTask).where(
                HumanTask.element_id == "draw_schedule", HumanTask.org_unit_id == demo_unit(s, "cs")
            )
        ).one()
    # The inbox's task opens the plan's own page, where the schedule's rows are kept.
    assert head.get(f"/tasks/{task.id}").headers["Location"] == f"/plan/schedules/{cs}"
    assert head.post(f"/tasks/{task.id}", data={"decision": "approve"}).status_code == 303
    assert task.id in [t.id for t in _open_tasks(factory)]
    page = head.get(f"/plan/schedules/{cs}").get_data(as_text=True)
    assert "due-list" in page or "add-line" in page
    version = _version(factory, cs)
    refused = head.post(
        f"/plan/schedules/{cs}/lines", data={**LINE, "person_id": str(demo["teacher2"]), "version": version}
    )
    assert refused.status_code == 422 and "plan-lines" not in refused.get_data(as_text=True)
    added = head.post(
        f"/plan/schedules/{cs}/lines", data={**LINE, "person_id": str(demo["teacher"]), "version": version}
    )
    assert added.status_code == 303
    stale = head.post(
        f"/plan/schedules/{cs}/lines",
        data={**LINE, "topic": "Екінші", "person_id": str(demo["head"]), "version": version},
    )
    assert stale.status_code == 409
    meeting = post_files(
        head,
        f"/plan/schedules/{cs}/meeting",
        {
            "minutes_number": "4",
            "meeting_date": "2026-10-01",
            "version": _version(factory, cs),
            "minutes_file": (io.BytesIO(PDF), "хаттама.pdf"),
        },
    )
    assert meeting.status_code == 303
    assert (
        head.post(f"/plan/schedules/{cs}/approve", data={"version": _version(factory, cs)}).status_code == 303
    )
    assert head.get(f"/plan/schedules/{cs}/form.pdf").data.startswith(b"%PDF")

    book = load_workbook(io.BytesIO(head.get(f"/plan/schedules/{cs}/form.xlsx").data))
    sheet = book.active
    assert sheet is not None
    assert str(sheet["A1"].value).startswith("602-01")
    assert [c.value for c in sheet[3]] == [
        "№",
        "Аты-жөні",
        "Лауазымы",
        "Тақырыбы (курс)",
        "Форма",
        "Мерзімі",
        "Сағат",
        "Өтетін орны",
        "Қаржыландыру",
    ]
    assert [c.value for c in sheet[4]] == [
        1,
        "Айгүл Серікқызы Нұрланова",
        "Аға оқытушы",
        "Цифрлық педагогика",
        "Біліктілікті арттыру курсы",
        "2027-02-01 – 2027-02-12",
        72,
        "Алматы",
        "Университет қаражаты",
    ]

    # The second department, then the director signs and HR consolidates.
    with factory() as s:
        math = s.scalars(
            select(PlanSchedule).where(
                PlanSchedule.parent_id == _schedule_parent(factory, cs), PlanSchedule.id != cs
            )
        ).one()
    head2 = login_as("head2")
    line = {
        **LINE,
        "person_id": str(demo["teacher2"]),
        "funding_source": "own",
        "estimated_cost": "0",
        "start_date": "",
        "end_date": "",
        "quarter": "3",
    }
    assert (
        head2.post(
            f"/plan/schedules/{math.id}/lines", data={**line, "version": _version(factory, math.id)}
        ).status_code
        == 303
    )
    post_files(
        head2,
        f"/plan/schedules/{math.id}/meeting",
        {
            "minutes_number": "7",
            "meeting_date": "2026-10-02",
            "version": _version(factory, math.id),
            "minutes_file": (io.BytesIO(PDF), "m.pdf"),
        },
    )
    assert (
        head2.post(
            f"/plan/schedules/{math.id}/approve", data={"version": _version(factory, math.id)}
        ).status_code
        == 303
    )
    director = login_as("director")
    institute = _schedule_parent(factory, cs)
    assert "sign-institute" in director.get(f"/plan/schedules/{institute}").get_data(as_text=True)
    assert director.post(f"/plan/schedules/{institute}/sign").status_code == 303
    hr = login_as("hr")
    assert "consolidate" in hr.get(f"/plan/schedules/{university}").get_data(as_text=True)
    assert hr.post(f"/plan/schedules/{university}/consolidate").status_code == 303
    assert "plan-lines" in hr.get(f"/plan/campaigns/{campaign_id}").get_data(as_text=True) or True

    book = load_workbook(io.BytesIO(hr.get(f"/plan/schedules/{university}/form.xlsx").data))
    sheet = book.active
    assert sheet is not None
    assert str(sheet["A1"].value).startswith("602-05")
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0] == [
        "№",
        "Бөлімше",
        "Аты-жөні",
        "Лауазымы",
        "Тақырыбы (курс)",
        "Форма",
        "Мерзімі",
        "Сағат",
        "Өтетін орны",
        "Қаржыландыру",
        "Болжамды құны",
    ]
    assert rows[1][:3] == [1, "Информатика кафедрасы", "Айгүл Серікқызы Нұрланова"]
    assert rows[1][10] == "120000.00"
    assert rows[2][:3] == [2, "Математика кафедрасы", "Ерлан Болатұлы Сейітов"]
    assert rows[2][6] == "3-тоқсан"
    totals = {row[0]: row[1] for row in rows[4:] if row and row[0]}
    assert totals["Университет қаражаты"] == "120000.00"
    assert totals["Қызметкердің меншікті қаражаты"] == "0.00"
    assert totals["Барлығы"] == "120000.00"


def demo_unit(s: Session, code: str) -> int:
    return s.scalars(select(OrgUnit.id).where(OrgUnit.code == code)).one()


def _open_tasks(factory: sessionmaker[Session]) -> list[HumanTask]:
    with factory() as s:
        return list(s.scalars(select(HumanTask).where(HumanTask.status == TaskStatus.OPEN)))


def _schedule_parent(factory: sessionmaker[Session], schedule_id: int) -> int:
    with factory() as s:
        found = s.get(PlanSchedule, schedule_id)
        assert found is not None and found.parent_id is not None
        return found.parent_id


def _version(factory: sessionmaker[Session], schedule_id: int) -> str:
    with factory() as s:
        found = s.get(PlanSchedule, schedule_id)
        assert found is not None
        return str(found.version)
