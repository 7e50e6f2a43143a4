"""HR opens the monitoring page, filters the overdue people of one department, and downloads next
year's list (its cells read back with openpyxl)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from tests.e2e.conftest import LiveServer, People, screenshot
from tests.workflows.records.standings import staff, training
from workflows.org.models import OrgUnit


def test_hr_filters_the_overdue_of_a_department_and_downloads_next_years_list(
    live: LiveServer, people: People, tmp_path: Path
) -> None:
    with live.sessions() as s:
        units = {code: unit_id for code, unit_id in s.execute(select(OrgUnit.code, OrgUnit.id))}
        late = staff(s, units["cs"])
        late.full_name = "Кеш Қалған"
        training(s, late, date(2021, 1, 10), 72)
        soon = staff(s, units["cs"])
        soon.full_name = "Жақында Оқитын"
        training(s, soon, date(2024, 2, 1), 72)
        elsewhere = staff(s, units["math"])
        elsewhere.full_name = "Басқа Кафедра"
        training(s, elsewhere, date(2021, 2, 1), 72)
        s.commit()
    page = people("hr")
    page.goto(f"{live.url}/")
    page.get_by_role("link", name="Мониторинг").click()
    page.wait_for_selector("#chart-institutes")
    page.select_option("#filter-department", str(units["cs"]))
    page.select_option("#filter-status", "overdue")
    page.get_by_role("button", name="Көрсету").click()
    rows = page.locator("table.standings tbody tr")
    assert rows.count() == 1
    assert "Кеш Қалған" in rows.first.inner_text()
    assert page.evaluate("typeof window.Chart") == "function"
    screenshot(page, "monitoring")
    page.get_by_role("link", name="Келесі жылы кім оқуы тиіс").click()
    with page.expect_download() as caught:
        page.get_by_role("link", name="XLSX жүктеу").click()
    download = caught.value
    assert download.suggested_filename == "next-year-2027.xlsx"
    download.save_as(tmp_path / download.suggested_filename)
    sheet = load_workbook(tmp_path / download.suggested_filename).active
    assert sheet is not None
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0][0] == "Аты-жөні"
    names = {row[0] for row in table[1:]}
    assert {"Кеш Қалған", "Жақында Оқитын", "Басқа Кафедра"} <= names
