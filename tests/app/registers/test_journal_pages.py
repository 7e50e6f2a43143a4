"""The journal's pages: the list, its export, and working an entry from the browser's forms."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.app.conftest import LoginAs
from tests.conftest import Demo
from tests.workflows.flow import Flow
from workflows.records.models import Nonconformity


def _entry(db: Session, demo: Demo, note: str = "Есеп уақытында берілмеді") -> int:
    entry = Nonconformity(
        person_id=demo["teacher"],
        kind="report_overdue",
        note=note,
        recorded_at=datetime.fromisoformat("2026-02-10T10:00:00+05:00"),
    )
    db.add(entry)
    db.commit()
    return entry.id


def test_the_list_and_its_export(db: Session, demo: Demo, login_as: LoginAs) -> None:
    _entry(db, demo, note="=1+2")
    page = login_as("head").get("/journal?state=open").get_data(as_text=True)
    assert "=1+2" in page
    assert "=1+2" not in login_as("head2").get("/journal").get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(login_as("hr").get("/journal?format=xlsx").data)).active
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 1 and rows[0][6].value == "=1+2" and rows[0][6].data_type == "s"


def test_hr_works_an_entry_and_a_head_only_reads_it(db: Session, demo: Demo, login_as: LoginAs) -> None:
    entry_id = _entry(db, demo)
    hr = login_as("hr")
    bad = hr.post(f"/journal/{entry_id}/work", data={"analysis": "Себебі", "analysed_on": "2026-02-31"})
    assert bad.status_code == 422 and "Себебі" in bad.get_data(as_text=True)
    good = hr.post(
        f"/journal/{entry_id}/work",
        data={"analysis": "Себебі", "analysed_on": "2026-02-27", "rechecked_on": "2026-03-05"},
    )
    assert good.status_code == 303
    assert hr.post(f"/journal/{entry_id}/close", data={"note": ""}).status_code == 303  # flashed, still open
    assert "Себебі" in login_as("head").get(f"/journal/{entry_id}").get_data(as_text=True)
    assert login_as("head").post(f"/journal/{entry_id}/close", data={"note": "Жабамын"}).status_code == 403
    assert hr.post(f"/journal/{entry_id}/close", data={"note": "Тексерілді"}).status_code == 303
    assert login_as("head2").get(f"/journal/{entry_id}").status_code == 404


def test_a_head_opens_an_entry_by_hand_and_its_process_shows(flow: Flow, login_as: LoginAs) -> None:
    head = login_as("head")
    response = head.post(
        "/journal/open",
        data={"kind": "plan_slipped", "note": "Жоспардың 3-жолы орындалмады", "person": "teacher"},
    )
    assert response.status_code == 303
    with flow.factory() as session:
        entry = session.scalars(select(Nonconformity)).one()
        assert (entry.kind, entry.opened_by_id, entry.stage) == ("plan_slipped", flow.demo["head"], "opened")
        assert entry.source_key is None and entry.flow_id is not None
    assert response.headers["Location"].endswith(f"/journal/{entry.id}")
    page = head.get(f"/journal/{entry.id}").get_data(as_text=True)
    assert 'id="process"' in page and f"/cases/{entry.flow_id}" in page
    flow_page = head.get(f"/cases/{entry.flow_id}")
    assert flow_page.status_code == 200 and "Себебін көрсету" in flow_page.get_data(as_text=True)
    assert 'name="analysis"' not in page or "readonly" in page  # worked on its steps, not here
    listed = login_as("hr").get("/journal").get_data(as_text=True)
    assert "Жоспардың 3-жолы орындалмады" in listed and 'id="retention"' in listed
    refused = login_as("hr").post(f"/journal/{entry.id}/close", data={"note": "Жабылды"})
    assert refused.status_code == 303  # flashed back: the process closes it, after HR's re-check
    with flow.factory() as session:
        assert session.get(Nonconformity, entry.id).closed_at is None  # type: ignore[union-attr]
    # Someone else's department, and a teacher, cannot open one.
    outside = login_as("head2").post(
        "/journal/open", data={"kind": "other", "note": "x", "person": "teacher"}
    )
    assert outside.status_code in (303, 403)
    with flow.factory() as session:
        assert len(session.scalars(select(Nonconformity)).all()) == 1
    assert login_as("teacher").post("/journal/open", data={"kind": "other", "note": "x"}).status_code in (
        303,
        403,
    )
