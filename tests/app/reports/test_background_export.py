"""A long report's export runs as a job: the page shows its progress, the worker makes the file,
the reader is notified with a link, and only they may download it."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from tests.app.conftest import LoginAs
from tests.workflows.flow import Flow
from workflows.messaging.models import Notification


def test_a_long_export_is_made_by_the_worker(flow: Flow, login_as: LoginAs) -> None:
    hr = login_as("hr")
    policy = {"quarterly_opens_after_days": "1", "quarterly_due_days": "10", "export_background_rows": "5"}
    assert hr.post("/reports/settings", data=policy).status_code == 303
    asked = hr.get("/reports/university?period=year&year=2026&format=xlsx")
    assert asked.status_code == 303
    page_url = asked.headers["Location"]
    found = re.search(r"/reports/exports/(\d+)$", page_url)
    assert found is not None
    page = hr.get(page_url).get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in page and "<progress" in page and 'value="0"' in page
    assert hr.get(f"{page_url}/file").status_code == 409  # not ready yet
    assert login_as("centre").get(page_url).status_code == 404  # someone else's
    flow.fire()
    page = hr.get(page_url).get_data(as_text=True)
    assert "<progress" not in page and f'id="export-download-{found.group(1)}"' in page
    file = hr.get(f"{page_url}/file")
    assert file.status_code == 200 and "report-university" in file.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(file.data))
    assert book.worksheets[0]["A1"].value == "Демо университеті"
    assert login_as("centre").get(f"{page_url}/file").status_code == 404
    with flow.factory() as s:
        notice = s.scalars(select(Notification).where(Notification.kind == "report_ready")).one()
        assert notice.person_id == flow.demo["hr"] and notice.data == {"export": int(found.group(1))}
    notices = hr.get("/notifications").get_data(as_text=True)
    assert page_url in notices
    assert found.group(1) in hr.get("/reports/exports").get_data(as_text=True)


def test_a_short_export_streams_at_once(login_as: LoginAs) -> None:
    response = login_as("hr").get("/reports/university?period=year&year=2026&format=pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
