"""The agreements register page: HR and legal read it and export it; the refund case is linked."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from tests.app.conftest import LoginAs
from tests.workflows.flow import Flow
from workflows.org.leaving import deactivate_person


def _agreement_case(flow: Flow) -> int:
    case = flow.start(funding_source="university", cost=120000)
    flow.approve_to_order(case, university=True)
    return case


def test_hr_and_legal_read_and_export_the_agreements(flow: Flow, login_as: LoginAs) -> None:
    case = _agreement_case(flow)
    flow.at("2027-01-15T10:00:00+05:00")
    with flow.factory() as s:
        deactivate_person(s, flow.demo["admin"], flow.demo["teacher"], date(2027, 1, 15), flow.clock)
        s.commit()
    key = flow.case(case).business_key
    for username in ("hr", "legal"):
        page = login_as(username).get("/registers/agreements").get_data(as_text=True)
        assert "ОК-17" in page and key in page, username
    breached = login_as("legal").get("/registers/agreements?status=breached").get_data(as_text=True)
    assert "ОК-17" in breached
    assert "ОК-17" not in login_as("legal").get("/registers/agreements?status=active").get_data(as_text=True)
    exported = login_as("hr").get("/registers/agreements?format=xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.data)).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 2 and values[1][0] == "ОК-17"
    csv = login_as("hr").get("/registers/agreements?format=csv&q=ОК-17").get_data(as_text=True)
    assert "ОК-17" in csv and key in csv
    by_name = login_as("hr").get("/registers/agreements?format=csv&q=нұрланова").get_data(as_text=True)
    assert "ОК-17" in by_name
    assert "ОК-17" not in login_as("hr").get("/registers/agreements?format=csv&q=ZZ").get_data(as_text=True)


def test_the_agreements_are_not_for_others(flow: Flow, login_as: LoginAs) -> None:
    _agreement_case(flow)
    for username in ("teacher", "head", "rector", "finance"):
        assert login_as(username).get("/registers/agreements").status_code == 403, username
