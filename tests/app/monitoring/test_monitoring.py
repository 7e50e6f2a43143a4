"""The monitoring page, next year's list and its spreadsheet, and the records policy's settings."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.app.conftest import LoginAs
from tests.conftest import Demo
from tests.workflows.records.standings import staff, training
from workflows.clock import FrozenClock
from workflows.messaging.notices import notify_people
from workflows.org.models import AuditEntry, OrgUnit
from workflows.records.models import RecordsSetting


def _cs(session: Session) -> int:
    return session.scalars(select(OrgUnit.id).where(OrgUnit.code == "cs")).one()


def test_hr_sees_everyone_filtered_by_status_and_department(
    factory: sessionmaker[Session], login_as: LoginAs
) -> None:
    with factory() as s:
        cs = _cs(s)
        late = staff(s, cs)
        late.full_name = "Кеш Қалған"
        training(s, late, date(2021, 1, 10), 72)
        fine = staff(s, cs)
        fine.full_name = "Уақытылы Оқыған"
        training(s, fine, date(2025, 9, 1), 80)
        s.commit()
    hr = login_as("hr")
    page = hr.get(f"/records/monitoring?status=overdue&department={cs}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Кеш Қалған" in text and "Уақытылы Оқыған" not in text
    assert "chart-data" in text and "/vendor/chart.js/chart.umd.min.js" in text
    everyone = hr.get("/records/monitoring?sort=status&order=desc&page=99999&institute=abc").get_data(
        as_text=True
    )
    assert "Кеш Қалған" in everyone and "Уақытылы Оқыған" in everyone


def test_a_head_sees_only_their_department_and_a_teacher_is_refused(
    factory: sessionmaker[Session], login_as: LoginAs
) -> None:
    with factory() as s:
        math = s.scalars(select(OrgUnit.id).where(OrgUnit.code == "math")).one()
        other = staff(s, math)
        other.full_name = "Басқа Кафедрадан"
        s.commit()
    assert "Басқа Кафедрадан" not in login_as("head").get("/records/monitoring").get_data(as_text=True)
    assert "Басқа Кафедрадан" in login_as("head2").get("/records/monitoring").get_data(as_text=True)
    assert login_as("teacher").get("/records/monitoring").status_code == 403
    assert login_as("teacher").get("/records/monitoring/next-year.xlsx").status_code == 403


def test_next_years_list_downloads_as_xlsx_with_formulas_kept_as_text(
    factory: sessionmaker[Session], login_as: LoginAs
) -> None:
    with factory() as s:
        person = staff(s, _cs(s), position='=HYPERLINK("http://x")')
        person.full_name = "+Формула Адам"
        training(s, person, date(2023, 3, 1), 72)
        s.commit()
    response = login_as("hr").get("/records/monitoring/next-year.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    assert table[0][0] == "Аты-жөні"  # the header, in the reader's language (Kazakh first)
    row = next(r for r in table if r[0] == "+Формула Адам")
    assert row[1] == '=HYPERLINK("http://x")'
    cells = next(r for r in sheet.iter_rows() if r[0].value == "+Формула Адам")
    assert cells[1].data_type == "s" and cells[1].quotePrefix


def test_hr_changes_the_records_policy_and_bad_input_changes_nothing(
    db: Session, login_as: LoginAs, demo: Demo
) -> None:
    hr = login_as("hr")
    assert hr.get("/records/settings").status_code == 200
    assert login_as("head").get("/records/settings").status_code == 403
    bad = hr.post(
        "/records/settings",
        data={
            "certificate_validity_years": "x",
            "expiring_within_months": "3",
            "remind_months": "6",
            "next_year_list_on": "13-40",
        },
    )
    assert bad.status_code == 422 and "09-01" in bad.get_data(as_text=True)
    good = hr.post(
        "/records/settings",
        data={
            "certificate_validity_years": "5",
            "expiring_within_months": "2",
            "remind_months": "4",
            "next_year_list_on": "08-15",
        },
    )
    assert good.status_code == 303
    setting = db.scalars(select(RecordsSetting)).one()
    db.refresh(setting)
    assert (setting.certificate_validity_years, setting.remind_months, setting.next_year_list_on) == (
        5,
        4,
        "08-15",
    )
    entry = db.scalars(select(AuditEntry).where(AuditEntry.subject_kind == "records_setting")).one()
    assert entry.actor_id == demo["hr"] and entry.data["remind_months"] == [6, 4]


def test_the_training_file_shows_the_standing_with_a_bar_and_a_sentence(
    factory: sessionmaker[Session], login_as: LoginAs
) -> None:
    with factory() as s:
        teacher = staff(s, _cs(s))
        training(s, teacher, date(2025, 9, 1), 36)
        s.commit()
    hr = login_as("hr")
    hr.post("/language", data={"lang": "ru"})
    text = hr.get(f"/records/people/{teacher.id}").get_data(as_text=True)
    assert 'id="standing"' in text and "<progress" in text
    assert "36 из 72 часов" in text and "periodicity v1" in text
    assert login_as("teacher2").get(f"/records/people/{teacher.id}").status_code == 404


def test_a_head_opens_next_years_list_from_the_notice(
    factory: sessionmaker[Session], login_as: LoginAs, demo: Demo, clock: FrozenClock
) -> None:
    with factory() as s:
        notify_people(s, [demo["head"]], "next_year_list", None, clock, data={"year": 2027, "count": 0})
        s.commit()
    page = login_as("head").get("/notifications").get_data(as_text=True)
    assert 'href="/records/monitoring/next-year"' in page
