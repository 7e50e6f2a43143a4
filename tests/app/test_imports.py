"""The import pages: upload, preview with counts and errors by row and column in the user's
language, apply with the preview's token, progress for a large file, templates and the export;
only administrators and HR get them, and a file too large is refused before it is read."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.app.conftest import LoginAs, post_files
from tests.staff_files import csv_bytes, iins, staff_row, xlsx_bytes
from workflows.clock import FrozenClock
from workflows.org.models import Person
from workflows.worker import fire_due_jobs


def _upload(
    client: FlaskClient, data: bytes, name: str = "staff.csv", url: str = "/admin/import", **form: Any
) -> str:
    import io

    response = post_files(client, url, {"file": (io.BytesIO(data), name), **form})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def _token(page: str) -> str:
    found = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert found, page
    return found.group(1)


def test_an_upload_is_previewed_then_applied(login_as: LoginAs, factory: sessionmaker[Session]) -> None:
    hr = login_as("hr")
    codes = iter(iins())
    data = xlsx_bytes(
        [staff_row("W1", next(codes)), staff_row("W2", next(codes), unit_path="Жаңа институт / Жаңа кафедра")]
    )
    where = _upload(hr, data, "staff.xlsx")
    page = hr.get(where).get_data(as_text=True)
    assert "Қосылады: 2" in page and "Жаңа институт / Жаңа кафедра" in page
    response = hr.post(f"{where}/apply", data={"token": _token(page)})
    assert response.status_code == 303
    with factory() as s:
        assert s.scalars(select(Person.username).where(Person.personnel_number.in_(["W1", "W2"]))).all() == [
            "W1",
            "W2",
        ]
    page = hr.get(where).get_data(as_text=True)
    assert 'name="token"' not in page
    assert (
        hr.post(
            f"{where}/apply",
            data={"token": _token(hr.get(_upload(hr, data, "staff.xlsx")).get_data(as_text=True))},
        ).status_code
        == 303
    )


def test_errors_are_shown_by_row_and_column_in_the_users_language(
    login_as: LoginAs, factory: sessionmaker[Session]
) -> None:
    hr = login_as("hr")
    hr.post("/language", data={"lang": "ru"})
    data = csv_bytes([staff_row("V1", next(iins())), staff_row("V2", "850101300002", staff_category="x")])
    where = _upload(hr, data)
    page = hr.get(where).get_data(as_text=True)
    assert "Ошибки: 2" in page and "ИИН" in page and "Неизвестная категория персонала «x»." in page
    assert 'name="token"' not in page
    response = hr.post(f"{where}/apply", data={"token": "0" * 64})
    assert response.status_code == 303
    with factory() as s:
        assert s.scalar(select(Person.id).where(Person.personnel_number == "V1")) is None


def test_a_changed_file_is_not_applied_blindly(login_as: LoginAs) -> None:
    admin = login_as("admin")
    where = _upload(admin, csv_bytes([staff_row("U1", next(iins()))]))
    response = admin.post(f"{where}/apply", data={"token": "f" * 64}, follow_redirects=True)
    assert "алдын ала қаралған файл емес" in response.get_data(as_text=True)


def test_a_large_file_shows_progress_until_the_worker_has_read_it(
    app: Flask, login_as: LoginAs, factory: sessionmaker[Session], clock: FrozenClock
) -> None:
    app.config["IMPORT_INLINE_KB"] = 1
    hr = login_as("hr")
    rows = [staff_row(f"L{i:04d}", iin) for i, iin in zip(range(1500), iins(), strict=False)]
    where = _upload(hr, csv_bytes(rows))
    page = hr.get(where).get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "import-progress" in page
    fire_due_jobs(factory, clock)
    page = hr.get(where).get_data(as_text=True)
    assert "Қосылады: 1500" in page and 'http-equiv="refresh"' not in page and "тағы 1300" in page


def test_templates_and_the_export_download(login_as: LoginAs) -> None:
    hr = login_as("hr")
    page = hr.get("/admin/import").get_data(as_text=True)
    assert page.count('type="file"') == 2 and 'name="full_register"' in page
    for url in (
        "/admin/import/template.csv",
        "/admin/import/training-template.csv",
        "/admin/import/export.csv",
    ):
        response = hr.get(url)
        assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    xlsx = hr.get("/admin/import/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")


def test_a_file_too_large_is_refused_before_it_is_read(app: Flask, login_as: LoginAs) -> None:
    import io

    app.config["IMPORT_MAX_MB"] = 1
    response = post_files(
        login_as("hr"), "/admin/import", {"file": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "big.csv")}
    )
    assert response.status_code == 413 and "1 МБ" in response.get_data(as_text=True)


def test_training_is_uploaded_and_previewed(login_as: LoginAs) -> None:
    hr = login_as("hr")
    data = csv_bytes(
        [["X", "Курс", "", "", "2023-01-01", "2023-01-02", "8", ""]],
        (
            "personnel_number",
            "course",
            "provider",
            "form",
            "start_date",
            "end_date",
            "hours",
            "certificate_number",
        ),
    )
    page = hr.get(_upload(hr, data, url="/admin/import/training")).get_data(as_text=True)
    assert "X табель нөмірі бар адам жоқ." in page


@pytest.mark.parametrize("role", ["head", "teacher", "director"])
def test_others_are_refused(login_as: LoginAs, role: str) -> None:
    client = login_as(role)
    assert client.get("/admin/import").status_code == 403
    assert client.get("/admin/import/export.csv").status_code == 403


def test_the_organisation_pages_and_the_import_page_link_to_each_other(login_as: LoginAs) -> None:
    for username in ("admin", "hr"):
        client = login_as(username)
        for url in ("/admin/units", "/admin/people", "/admin/seats"):
            assert 'href="/admin/import"' in client.get(url).get_data(as_text=True), (username, url)
        page = client.get("/admin/import").get_data(as_text=True)
        assert 'href="/admin/units"' in page and 'href="/admin/people"' in page
        assert "Қызметкерлерді импорттау" in page
    head = login_as("head")  # reads the organisation, does not import
    response = head.get("/admin/units")
    assert response.status_code == 200 and "/admin/import" not in response.get_data(as_text=True)
