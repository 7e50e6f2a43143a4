"""A head builds the department's schedule from the people due next year, records the meeting
and approves; the director signs; HR consolidates the plan and downloads 602-05."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from tests.e2e.conftest import LiveServer, People, screenshot
from tests.workflows.flow import PDF
from workflows.cases.documents import FileStore
from workflows.org.models import OrgUnit
from workflows.planning import lines, stages
from workflows.planning.models import PlanSchedule, ScheduleLevel


def _schedules(live: LiveServer) -> dict[str, int]:
    with live.sessions() as s:
        rows = s.execute(select(PlanSchedule.id, OrgUnit.code, PlanSchedule.level).join(OrgUnit)).all()
    return {("university" if level == ScheduleLevel.UNIVERSITY else code): id_ for id_, code, level in rows}


def test_a_head_builds_the_schedule_and_hr_consolidates(
    live: LiveServer, people: People, tmp_path: Path
) -> None:
    with live.sessions() as s:
        # Her course of early 2024 counts until early 2027: she is due next year.
        factories.training_record(
            s, live.people["teacher"], start_date=date(2024, 2, 1), end_date=date(2024, 2, 12)
        )
        s.commit()
    live.at("2026-08-25T10:00:00+05:00")
    hr = people("hr")
    hr.click("nav.mainnav >> text=Жылдық жоспар")
    hr.fill("#f-year", "2027")
    hr.click("#open-campaign")
    expect(hr.locator("h1")).to_contain_text("2027")
    live.at("2026-10-02T10:00:00+05:00")
    live.fire()  # the campaign opened on 1 September; the individual plans closed on 1 October
    units = _schedules(live)

    head = people("head")
    head.goto(f"{live.url}/plan/")
    head.click(f"a[href='/plan/schedules/{units['cs']}']")
    due = head.locator("#due-list")
    expect(due).to_contain_text("Нұрланова")
    head.click(f"#plan-due-{live.people['teacher']}")
    expect(head.locator("#f-person_id")).to_have_value(str(live.people["teacher"]))
    head.fill("#f-topic", "Жоғары мектептегі цифрлық педагогика")
    head.select_option("#f-training_form", "course")
    head.select_option("#f-mode", "without_leaving_work")
    head.fill("#f-quarter", "1")
    head.fill("#f-hours", "72")
    head.select_option("#f-funding_source", "university")
    head.fill("#f-estimated_cost", "150000")
    head.fill("#f-place", "Астана")
    head.click("#add-line-submit")
    expect(head.locator("#plan-lines")).to_contain_text("Жоғары мектептегі цифрлық педагогика")
    expect(head.locator("#due-list")).to_have_count(0)  # planned: no longer on the due list
    head.fill("#f-minutes_number", "3")
    head.fill("#f-meeting_date", "2026-10-01")
    minutes = tmp_path / "хаттама.pdf"
    minutes.write_bytes(PDF)
    head.set_input_files("#f-minutes_file", str(minutes))
    head.click("#record-meeting")
    expect(head.locator("#meeting-recorded")).to_contain_text("3")
    screenshot(head, "plan-schedule")
    head.click("#approve-schedule")
    expect(head.locator(".page-head .muted").first).to_contain_text("Тапсырылды")

    # Mathematics hands in through the services; the director signs in the browser.
    with live.sessions() as s:
        math = s.get(PlanSchedule, units["math"])
        assert math is not None
        store = FileStore(tmp_path / "files")
        lines.add_line(
            s,
            math.id,
            live.people["teacher2"],
            {
                "topic": "Тағылымдама",
                "training_form": "internship",
                "mode": "without_leaving_work",
                "quarter": "2",
                "hours": "120",
                "funding_source": "own",
                "estimated_cost": "0",
            },
            live.people["head2"],
            live.clock,
            None,
        )
        from io import BytesIO

        stages.record_meeting(
            s,
            math.id,
            "5",
            "2026-10-02",
            stages.MinutesFile("m.pdf", BytesIO(PDF)),
            store,
            live.people["head2"],
            live.clock,
            None,
        )
        stages.approve_schedule(s, math.id, live.people["head2"], live.clock, None)
        s.commit()
    director = people("director")
    director.goto(f"{live.url}/plan/schedules/{units['eng']}")
    director.click("#sign-institute")
    expect(director.locator(".page-head .muted").first).to_contain_text("Қол қойылды")

    hr.goto(f"{live.url}/plan/campaigns/{_campaign(live)}")
    expect(hr.locator("progress").first).to_have_attribute("value", "100")
    hr.goto(f"{live.url}/plan/schedules/{units['university']}")
    expect(hr.locator("#plan-lines tbody tr")).to_have_count(2)
    expect(hr.locator("#plan-totals")).to_contain_text("150000.00")
    hr.click("#consolidate")
    expect(hr.locator(".page-head .muted").first).to_contain_text("Тапсырылды")
    with hr.expect_download() as download:
        hr.click("text=XLSX")
    path = tmp_path / "602-05.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    assert sheet is not None
    assert str(sheet["A1"].value).startswith("602-05")
    assert [sheet.cell(4, c).value for c in (1, 2, 5, 8)] == [
        1,
        "Информатика кафедрасы",
        "Жоғары мектептегі цифрлық педагогика",
        72,
    ]
    screenshot(hr, "plan-consolidated")


def _campaign(live: LiveServer) -> int:
    with live.sessions() as s:
        return s.scalars(select(PlanSchedule.campaign_id)).first() or 0
