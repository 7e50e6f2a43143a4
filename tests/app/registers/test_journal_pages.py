"""The journal's pages: the list, its export, and working an entry from the browser's forms."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests.app.conftest import LoginAs
from tests.conftest import Demo
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
