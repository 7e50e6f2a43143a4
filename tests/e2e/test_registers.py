"""HR filters the cases register to one department's overdue cases, saves the filter and downloads
the XLSX, whose rows are exactly the filtered ones."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from tests.conftest import Demo
from tests.e2e.conftest import LiveServer, People, screenshot
from tests.workflows.flow import Flow
from workflows.cases.documents import FileStore
from workflows.org.models import OrgUnit


def test_hr_exports_one_departments_overdue_cases(live: LiveServer, people: People, tmp_path: Path) -> None:
    flow = Flow(live.sessions, Demo(live.people), live.clock, FileStore(tmp_path / "files"))
    late = [flow.start("teacher"), flow.start("teacher")]
    flow.start("teacher2")  # Mathematics: overdue too, but another department
    on_time = flow.start("teacher")
    live.at("2026-04-20T09:00:00+05:00")
    flow.do("head", on_time, "endorse", decision="approve")  # its next step has no due date
    keys = sorted(flow.case(c).business_key for c in late)
    with live.sessions() as session:
        cs = session.scalars(select(OrgUnit.id).where(OrgUnit.code == "cs")).one()

    page = people("hr")
    page.click("nav.mainnav >> text=Тізілімдер")
    page.select_option("#filter-unit", str(cs))
    page.check("#filter-overdue")
    page.click("#filter-show")
    expect(page.locator("table.register tbody tr")).to_have_count(2)
    page.fill("#saved-name", "Информатика: мерзімі өткен")
    page.click("#save-filter")
    expect(page.locator(".saved-filters")).to_contain_text("Информатика: мерзімі өткен")
    screenshot(page, "cases-register")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    path = tmp_path / "cases.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[0] == "Іс нөмірі" and header[2] == "Бөлімше"
    assert sorted(r[0] for r in rows) == keys
    assert {r[2] for r in rows} == {"Информатика кафедрасы"}
