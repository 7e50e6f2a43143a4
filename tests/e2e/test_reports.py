"""HR opens the annual report with its charts drawn by Chart.js and downloads its PDF; the
director opens his institute's report and is refused the university's."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.conftest import Demo
from tests.e2e.conftest import LiveServer, People, screenshot
from tests.workflows.flow import Flow
from tests.workflows.records.test_file_case import _complete
from workflows.cases.documents import FileStore


def test_hr_opens_the_annual_report_and_downloads_its_pdf(
    live: LiveServer, people: People, tmp_path: Path
) -> None:
    flow = Flow(live.sessions, Demo(live.people), live.clock, FileStore(tmp_path / "files"))
    _complete(flow, flow.start("teacher"))
    page = people("hr")
    page.click("nav.mainnav >> text=Есептер")
    expect(page.locator("h1")).to_contain_text("Университет есебі")
    page.click("nav.tabs >> text=Жылдық есептер")
    page.click("#annual-reports >> text=Біліктілікті арттыру туралы жылдық есеп (602-06)")
    expect(page.locator("#chart-units")).to_be_visible()
    assert page.evaluate("typeof window.Chart") == "function"
    drawn = page.evaluate(
        "['units', 'months', 'funding', 'effectiveness']"
        ".filter(k => window.Chart.getChart(document.getElementById('chart-' + k))).length"
    )
    assert drawn == 4
    page.fill("#section-analysis", "Жоспар толық орындалды.")
    page.click("#annual-form button[type=submit]")
    expect(page.locator("#approve-annual")).to_be_visible()
    page.click("#approve-annual")
    expect(page.locator("#annual-status")).to_have_text("HR бекітті")
    screenshot(page, "annual-report")
    with page.expect_download() as download:
        page.click("#export-pdf")
    path = tmp_path / "annual.pdf"
    download.value.save_as(path)
    text = " ".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Біліктілікті арттыру туралы жылдық есеп (602-06)" in text
    assert "Жоспар толық орындалды." in text and "Демо университеті" in text


def test_the_directors_view(live: LiveServer, people: People) -> None:
    page = people("director")
    page.click("nav.mainnav >> text=Есептер")
    expect(page.locator("h1")).to_contain_text("Институт есебі")
    expect(page.locator("#report-subject")).to_have_text("Инженерия институты")
    expect(page.locator("#report-units")).to_contain_text("Информатика кафедрасы")
    assert page.evaluate("window.Chart.getChart(document.getElementById('chart-units')) !== undefined")
    screenshot(page, "institute-report")
    response = page.goto(f"{live.url}/reports/university")
    assert response is not None and response.status == 403
