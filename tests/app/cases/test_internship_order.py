"""One order sends a collective internship (001 §7.7): its PDF names the other participants."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from tests.app.conftest import LoginAs
from tests.workflows.flow import Flow
from tests.workflows.procedures.internship import consent, personnel_number, start_internship


def test_the_order_pdf_names_every_participant(flow: Flow, login_as: LoginAs) -> None:
    case = start_internship(
        flow, internship_kind="collective", participants=personnel_number(flow, "teacher2")
    )
    flow.do("head", case, "endorse", decision="approve")
    flow.do("rector", case, "rector_visa", decision="approve")
    consent(flow, case)
    flow.do("hr", case, "prepare_order", order_date="2026-03-01")
    response = login_as("hr").get(f"/cases/{case}/order.pdf")
    assert response.status_code == 200
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(response.data)).pages)
    assert "Нұрланова" in text and "Сейітов" in text


def test_an_individual_order_names_no_one_else(flow: Flow, login_as: LoginAs) -> None:
    case = start_internship(flow)
    flow.do("head", case, "endorse", decision="approve")
    flow.do("rector", case, "rector_visa", decision="approve")
    consent(flow, case)
    flow.do("hr", case, "prepare_order", order_date="2026-03-01")
    response = login_as("hr").get(f"/cases/{case}/order.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(response.data)).pages)
    assert "Нұрланова" in text and "Сейітов" not in text
