"""The annual report's page: HR writes the narrative, approves it, a later save makes version 2;
its PDF and XLSX carry the text; the quarterly board and the reports policy's form."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.app.conftest import LoginAs
from workflows.clock import FrozenClock


def _row_version(page: str) -> str:
    found = re.search(r'name="row_version" value="(\d*)"', page)
    assert found is not None
    return found.group(1)


def test_hr_writes_approves_and_a_later_edit_is_a_new_draft(login_as: LoginAs) -> None:
    hr = login_as("hr")
    page = hr.get("/reports/annual/602-06/2026").get_data(as_text=True)
    assert 'id="chart-units"' in page and "chart.umd.min.js" in page and 'id="approve-annual"' not in page
    saved = hr.post(
        "/reports/annual/602-06/2026", data={"analysis": "Жоспар 95 %-ға орындалды.", "row_version": ""}
    )
    assert saved.status_code == 303
    page = hr.get("/reports/annual/602-06/2026").get_data(as_text=True)
    assert "Жоспар 95 %-ға орындалды." in page and 'id="approve-annual"' in page
    stale = hr.post("/reports/annual/602-06/2026", data={"analysis": "Ескі", "row_version": ""})
    assert stale.status_code == 303  # sent back with the conflict; nothing overwritten
    assert "Ескі" not in hr.get("/reports/annual/602-06/2026").get_data(as_text=True)
    version = _row_version(page.split('id="approve-annual"')[0].rsplit("<form", 1)[1])
    assert hr.post("/reports/annual/602-06/2026/approve", data={"row_version": version}).status_code == 303
    page = hr.get("/reports/annual/602-06/2026").get_data(as_text=True)
    assert 'id="annual-status">HR бекітті' in page and 'id="approve-annual"' not in page
    pdf = hr.get("/reports/annual/602-06/2026?format=pdf&version=1")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Біліктілікті арттыру туралы жылдық есеп (602-06)" in text and "Жоспар 95 %-ға орындалды." in text
    assert "Демо университеті" in text
    book = load_workbook(io.BytesIO(hr.get("/reports/annual/602-06/2026?format=xlsx").data))
    narrative = book.worksheets[-1]
    assert [c.value for c in narrative[2]][:2] == ["Жыл қорытындысын талдау", "Жоспар 95 %-ға орындалды."]
    again = hr.post(
        "/reports/annual/602-06/2026", data={"analysis": "Толықтырылды", "row_version": _row_version(page)}
    )
    assert again.status_code == 303
    page = hr.get("/reports/annual/602-06/2026").get_data(as_text=True)
    assert 'id="annual-versions"' in page and "Толықтырылды" in page
    too_long = hr.post(
        "/reports/annual/602-06/2026", data={"analysis": "я" * 20001, "row_version": _row_version(page)}
    )
    assert too_long.status_code == 422 and "field__error" in too_long.get_data(as_text=True)


def test_the_quarterly_board_and_its_policy(login_as: LoginAs, clock: FrozenClock) -> None:
    clock.set(clock.now().replace(month=4, day=2))
    hr = login_as("hr")
    refused = hr.post(
        "/reports/settings",
        data={
            "quarterly_opens_after_days": "x",
            "quarterly_due_days": "10",
            "export_background_rows": "5000",
        },
    )
    assert refused.status_code == 422
    ok = hr.post(
        "/reports/settings",
        data={
            "quarterly_opens_after_days": "1",
            "quarterly_due_days": "10",
            "export_background_rows": "5000",
        },
    )
    assert ok.status_code == 303
    page = hr.get("/reports/quarterly?year=2026&quarter=1").get_data(as_text=True)
    assert 'id="quarterly-count"' in page and 'id="reports-policy"' in page
    assert 'id="reports-policy"' not in login_as("head").get("/reports/quarterly").get_data(as_text=True)
