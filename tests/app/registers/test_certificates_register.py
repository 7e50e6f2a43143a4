"""The certificates register: scoped like the cases register, filtered on validity (the records
policy's window), exported cell by cell; and HR's ZIP of order PDFs read back with pypdf."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.app.conftest import LoginAs
from tests.conftest import Demo
from tests.workflows.flow import Flow
from workflows.clock import FrozenClock
from workflows.errors import Forbidden
from workflows.records.models import RecordSource, TrainingRecord
from workflows.reports.certificates import CertificateFilter, certificate_register

AT = datetime.fromisoformat("2026-02-01T10:00:00+05:00")


def _record(session: Session, demo: Demo, who: str, course: str, until: date | None, **extra: object) -> int:
    values: dict[str, object] = {
        "person_id": demo[who],
        "source": RecordSource.CASE,
        "course": course,
        "provider": "ҚазҰТЗУ",
        "start_date": date(2025, 1, 10),
        "end_date": date(2025, 1, 20),
        "hours": 72,
        "certificate_number": f"N-{course[:3]}",
        "certificate_issued_on": date(2025, 1, 21),
        "valid_until": until,
        "verified_by_id": demo["centre"],
        "recorded_at": AT,
        **extra,
    }
    record = TrainingRecord(**values)
    session.add(record)
    session.flush()
    return record.id


@pytest.fixture
def records(db: Session, demo: Demo) -> dict[str, int]:
    found = {
        "soon": _record(db, demo, "teacher", "=Цифрлық педагогика", date(2026, 4, 15)),
        "later": _record(db, demo, "teacher", "Python негіздері", date(2028, 1, 21)),
        "expired": _record(db, demo, "teacher2", "Статистика", date(2025, 12, 31)),
        "open": _record(db, demo, "teacher2", "Ғылыми жазу", None),
    }
    # Not listed: imported history nobody verified, and a struck record.
    _record(db, demo, "teacher", "Импорт", date(2027, 1, 1), source=RecordSource.IMPORT, verified_by_id=None)
    _record(db, demo, "teacher", "Сызылған", date(2027, 1, 1), struck_at=AT, struck_reason="Қате")
    db.commit()
    return found


def _ids(db: Session, demo: Demo, clock: FrozenClock, who: str, **filters: object) -> set[int]:
    page = certificate_register(db, demo[who], clock, CertificateFilter(**filters))  # type: ignore[arg-type]
    return {r.id for r in page.rows}


def test_the_register_is_scoped_like_the_cases_register(
    db: Session, demo: Demo, clock: FrozenClock, records: dict[str, int]
) -> None:
    every = set(records.values())
    assert _ids(db, demo, clock, "hr") == every
    assert _ids(db, demo, clock, "director") == every  # his institute: both departments
    assert _ids(db, demo, clock, "head") == {records["soon"], records["later"]}
    assert _ids(db, demo, clock, "head2") == {records["expired"], records["open"]}
    with pytest.raises(Forbidden):
        certificate_register(db, demo["teacher"], clock)


def test_validity_filters_follow_the_policy_window(
    db: Session, demo: Demo, clock: FrozenClock, records: dict[str, int]
) -> None:
    assert _ids(db, demo, clock, "hr", validity="expiring") == {records["soon"]}  # within 3 months
    assert _ids(db, demo, clock, "hr", validity="expired") == {records["expired"]}
    assert _ids(db, demo, clock, "hr", validity="open_ended") == {records["open"]}
    assert _ids(db, demo, clock, "hr", validity="valid") == {
        records["soon"],
        records["later"],
        records["open"],
    }
    assert _ids(db, demo, clock, "hr", search="python") == {records["later"]}
    assert _ids(db, demo, clock, "hr", search="N-Ста") == {records["expired"]}
    page = certificate_register(db, demo["hr"], clock, CertificateFilter())
    assert [r.id for r in page.rows][:2] == [records["expired"], records["soon"]]  # soonest end first
    assert page.expiring_months == 3


def test_the_export_is_exactly_the_filtered_rows(login_as: LoginAs, records: dict[str, int]) -> None:
    hr = login_as("hr")
    page = hr.get("/registers/certificates?validity=expiring").get_data(as_text=True)
    assert "=Цифрлық педагогика" in page and "Python негіздері" not in page
    assert 'id="retention"' in page  # the register says how long its records are kept
    link = "/registers/certificates?format=xlsx&validity=expiring"
    sheet = load_workbook(io.BytesIO(hr.get(link).data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    employee, unit, course, provider, _kind, number, issued, until, hours, verifier, validity = rows[1]
    assert (course, provider, number, hours) == ("=Цифрлық педагогика", "ҚазҰТЗУ", "N-=Ци", 72)
    assert sheet.cell(row=2, column=3).data_type == "s"  # text, never a formula
    assert issued.date() == date(2025, 1, 21) and until.date() == date(2026, 4, 15)
    assert employee and unit and verifier
    assert validity in {"Жақында мерзімі бітеді", "Expiring soon", "Скоро истекает"}
    csv = hr.get("/registers/certificates?format=csv&validity=expired").data.decode("utf-8-sig")
    assert csv.count("\n") == 2 and "Статистика" in csv
    assert login_as("head2").get(link).status_code == 200
    head2 = load_workbook(io.BytesIO(login_as("head2").get(link).data)).active
    assert head2.max_row == 1  # the expiring one is in another department
    assert login_as("teacher").get("/registers/certificates").status_code == 403


def test_hr_downloads_the_selected_orders_as_pdfs_in_one_zip(flow: Flow, login_as: LoginAs) -> None:
    first, second = flow.start("teacher"), flow.start("teacher2")
    flow.approve_to_order(first)
    flow.do("head2", second, "endorse", decision="approve")
    flow.do("rector", second, "rector_visa", decision="approve")
    flow.do("hr", second, "prepare_order", order_date="2026-03-01")
    numbers = {flow.case(c).summary["order_number"] for c in (first, second)}
    with flow.factory() as session:
        from workflows.cases.models import Order

        ids = [str(i) for i in session.scalars(select(Order.id))]
    response = login_as("hr").post("/registers/orders/bundle", data={"order": ids})
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert len(archive.namelist()) == 2
    texts = [
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read(name))).pages)
        for name in archive.namelist()
    ]
    for number in numbers:
        assert sum(number in text for text in texts) == 1
