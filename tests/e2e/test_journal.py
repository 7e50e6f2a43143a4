"""The director's view of his institute in the registers, and a nonconformity worked from the
journal's page into the head's inbox: opened by hand, its cause recorded on the task's form, its
stage shown in the journal."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from tests.conftest import Demo
from tests.e2e.conftest import LiveServer, People, screenshot
from tests.workflows.flow import Flow
from workflows.cases.documents import FileStore
from workflows.records.models import Nonconformity, RecordSource, TrainingRecord


def test_the_director_sees_his_institute_and_a_head_works_an_entry(
    live: LiveServer, people: People, tmp_path: Path
) -> None:
    flow = Flow(live.sessions, Demo(live.people), live.clock, FileStore(tmp_path / "files"))
    computing, mathematics = flow.start("teacher"), flow.start("teacher2")
    keys = {flow.case(c).business_key for c in (computing, mathematics)}
    with live.sessions() as session:
        session.add(
            TrainingRecord(
                person_id=live.people["teacher2"],
                source=RecordSource.MANUAL,
                course="Ғылыми жазу",
                start_date=date(2025, 1, 10),
                end_date=date(2025, 1, 20),
                hours=72,
                valid_until=date(2026, 4, 1),
                entered_by_id=live.people["hr"],
                recorded_at=flow.clock.now(),
            )
        )
        session.commit()

    director = people("director")
    director.goto(f"{live.url}/registers/cases")
    rows = director.locator("table.register tbody tr")
    expect(rows).to_have_count(2)
    for key in keys:
        expect(director.locator("table.register")).to_contain_text(key)
    expect(director.locator("#retention")).to_contain_text("602-01")
    director.click("nav.tabs >> text=Сертификаттар тізілімі")
    director.select_option("#filter-validity", "expiring")
    director.click("#filter-show")
    expect(director.locator("table.register tbody tr")).to_have_count(1)
    expect(director.locator("table.register")).to_contain_text("Ғылыми жазу")
    screenshot(director, "certificates-register")

    head = people("head")
    head.goto(f"{live.url}/journal")
    head.select_option("#open-kind", "plan_slipped")
    head.fill("#open-person", "teacher")
    head.fill("#open-note", "Жоспардың 3-жолы мерзімінде орындалмады")
    head.click("#open-entry button[type=submit]")
    expect(head.locator(".notice--success")).to_be_visible()
    expect(head.locator("#process")).to_contain_text("Себебін күтуде")

    head.goto(f"{live.url}/")
    head.locator("tbody tr", has_text="Себебін көрсету").locator("a.task-link").click()
    head.fill("#f-cause", "Курс кестесі емтихан сессиясымен сәйкес келді")
    head.click(".schema-form button[type=submit]")
    expect(head.locator(".notice--success")).to_be_visible()

    head.goto(f"{live.url}/journal")
    expect(head.locator("table.register")).to_contain_text("Себебі жазылды")
    expect(head.locator("table.register")).to_contain_text("Отырыста талдау")
    screenshot(head, "journal")
    with live.sessions() as session:
        entry = session.scalars(select(Nonconformity)).one()
        assert (entry.stage, entry.cause) == ("cause", "Курс кестесі емтихан сессиясымен сәйкес келді")
