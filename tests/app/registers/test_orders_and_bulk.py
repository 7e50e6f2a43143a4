"""The orders register, saved filters, reminding overdue holders and HR's ZIP of orders."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.app.conftest import LoginAs
from tests.workflows.flow import Flow
from workflows.messaging.models import Notification


def test_saved_filters_are_each_persons_own(flow: Flow, login_as: LoginAs) -> None:
    hr = login_as("hr")
    response = hr.post(
        "/registers/filters",
        data={"register": "cases", "name": "  Менің  мерзімі өткендерім ", "overdue": "1", "q": "x"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/registers/cases?q=x&overdue=1")
    page = hr.get("/registers/cases").get_data(as_text=True)
    assert "Менің мерзімі өткендерім" in page and "overdue=1&amp;q=x" in page
    assert "Менің мерзімі өткендерім" not in login_as("centre").get("/registers/cases").get_data(as_text=True)
    refused = hr.post("/registers/filters", data={"register": "cases", "name": " ", "overdue": "1"})
    assert refused.status_code == 303  # flashed back, nothing saved
    with flow.factory() as session:
        from workflows.reports.models import SavedFilter

        [saved] = session.scalars(select(SavedFilter)).all()
    assert login_as("centre").post(f"/registers/filters/{saved.id}/delete").status_code == 404
    assert hr.post(f"/registers/filters/{saved.id}/delete").status_code == 303
    assert "Менің мерзімі өткендерім" not in hr.get("/registers/cases").get_data(as_text=True)


def test_reminding_tells_each_holder_once(flow: Flow, login_as: LoginAs) -> None:
    late = flow.start("teacher")
    fresh = flow.start("teacher2")
    flow.at("2026-06-01T09:00:00+05:00")
    flow.do("head2", fresh, "endorse", decision="approve")  # the rector's visa is not due yet
    hr = login_as("hr")
    for _ in range(2):
        response = hr.post(
            "/registers/cases/remind",
            data={"case": [str(late), str(fresh)], "next": "/registers/cases?overdue=1"},
        )
        assert response.status_code == 303
        assert response.headers["Location"] == "/registers/cases?overdue=1"
    with flow.factory() as session:
        sent = session.execute(
            select(Notification.person_id, func.count())
            .where(Notification.kind == "overdue_step")
            .group_by(Notification.person_id)
        ).all()
    assert sent == [(flow.demo["head"], 1)]
    notices = login_as("head").get("/notifications").get_data(as_text=True)
    assert "Мерзімі өтті" in notices or "Overdue" in notices
    assert login_as("teacher").post("/registers/cases/remind", data={"case": str(late)}).status_code == 403


def test_orders_register_exports_and_zips_for_hr(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start("teacher")
    flow.approve_to_order(case)
    number = flow.case(case).summary["order_number"]
    hr = login_as("hr")
    page = hr.get("/registers/orders").get_data(as_text=True)
    assert number in page and 'name="order"' in page
    assert 'name="order"' not in login_as("director").get("/registers/orders").get_data(as_text=True)
    assert number not in login_as("head2").get("/registers/orders").get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(hr.get("/registers/orders?format=xlsx&status=issued").data)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [number]
    assert hr.get("/registers/orders?format=csv&status=cancelled").data.decode("utf-8-sig").count("\n") == 1
    with flow.factory() as session:
        from workflows.cases.models import Order

        order_id = session.scalars(select(Order.id)).one()
    response = hr.post("/registers/orders/bundle", data={"order": str(order_id)})
    assert response.mimetype == "application/zip"
    [name] = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert name.endswith(".pdf") and zipfile.ZipFile(io.BytesIO(response.data)).read(name).startswith(b"%PDF")
    assert (
        login_as("director").post("/registers/orders/bundle", data={"order": str(order_id)}).status_code
        == 403
    )
