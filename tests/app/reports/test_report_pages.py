"""The report pages with their charts, the XLSX (cells and native charts) and the PDF (its text),
on the hand-built university of tests/workflows/reports/university.py."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app import create_app
from tests.conftest import Database
from tests.workflows.reports.university import Built, built_university, per_test


@pytest.fixture(scope="module")
def built(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    yield from built_university(database, tmp_path_factory.mktemp("files"))


@pytest.fixture
def sessions(built: Built) -> Iterator[sessionmaker[Session]]:
    yield from per_test(built)


@pytest.fixture
def app(built: Built, sessions: sessionmaker[Session], engine: Engine, tmp_path: Path) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_ENGINE": engine,
            "SQLALCHEMY_SESSIONS": sessions,
            "CLOCK": built.clock,
            "FILE_STORE": str(tmp_path / "files"),
            "WTF_CSRF_ENABLED": False,
            "PDF_COMPRESS": False,
        }
    )


def _as(app: Flask, person_id: int) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(person_id)
        session["_fresh"] = True
    return client


def _page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def test_hr_lands_on_the_university_report_with_its_charts(app: Flask, built: Built) -> None:
    hr = _as(app, built.flow.demo["hr"])
    landing = hr.get("/reports/")
    assert landing.status_code == 303 and landing.headers["Location"].endswith("/reports/university")
    page = _page(hr, "/reports/university?period=quarter&year=2026&quarter=1")
    for key in ("units", "months", "funding", "effectiveness"):
        assert f'id="chart-{key}"' in page
    assert "/vendor/chart.js/chart.umd.min.js" in page and "js/report-charts.js" in page
    assert 'id="report-charts"' in page and "564" in page  # the quarter's hours
    assert "Институт 1" in page and "Демо университеті" in page


def test_a_bad_period_is_said_not_guessed(app: Flask, built: Built) -> None:
    hr = _as(app, built.flow.demo["hr"])
    page = _page(hr, "/reports/university?period=quarter&year=2026&quarter=7", 422)
    assert 'id="report-charts"' not in page and "field__error" in page


def test_the_directors_view(app: Flask, built: Built) -> None:
    u = built.university
    director = _as(app, u.director)
    assert director.get("/reports/").headers["Location"].endswith("/reports/institute")
    page = _page(director, "/reports/institute?period=year&year=2024")
    assert "Институт 1" in page and "Кафедра 1.2" in page and "Институт 2" not in page
    _page(director, f"/reports/institute?unit={u.institutes[1]}", 403)
    _page(director, "/reports/university", 403)
    _page(director, f"/reports/department?unit={u.departments[3]}", 403)
    teacher = _as(app, u.people[u.departments[0]][0])
    assert teacher.get("/reports/").headers["Location"].endswith("/reports/individual")
    _page(teacher, "/reports/individual?period=year&year=2024")
    _page(teacher, f"/reports/individual?person={u.people[u.departments[0]][1]}", 403)


def _rows(ws: Any) -> list[list[Any]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_the_xlsx_has_the_tables_and_native_charts(app: Flask, built: Built) -> None:
    hr = _as(app, built.flow.demo["hr"])
    response = hr.get("/reports/university?period=quarter&year=2026&quarter=1&format=xlsx")
    assert response.status_code == 200
    assert "report-university-unit-" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    summary = book.worksheets[0]
    rows = _rows(summary)
    assert rows[0][0] == "Демо университеті" and rows[1][0] == "Университет есебі"
    assert rows[3][0] == "2026 Q1"
    figures = {r[0]: r[1] for r in rows[7:] if r and r[0]}
    assert figures["Сағат"] == 564 and figures["Жұмсалған қаражат"] == 150000
    assert figures["Ашылған сәйкессіздіктер"] == 3 and figures["Жабылған сәйкессіздіктер"] == 6
    units = book.worksheets[1]
    unit_rows = _rows(units)
    assert unit_rows[0][:3] == ["Бөлімше", "Адамдар", "Оқығандар"]
    by_name = {r[0]: r for r in unit_rows[1:]}
    assert by_name["Институт 1"][1:] == [20 + 2, 2, 2, 6, 144, 0]
    assert len(units._charts) == 1  # a native Excel chart over the table
    funding = next(ws for ws in book.worksheets if ws.title.startswith("Қаржыландыру"))
    assert len(funding._charts) == 1
    spent = {r[0]: r[3] for r in _rows(funding)[1:]}
    assert spent == {"Қызметкердің меншікті қаражаты": 0, "Университет қаражаты": 150000, "Тіркелмеген": 0}


def test_the_pdf_says_it_in_the_readers_language(app: Flask, built: Built) -> None:
    hr = _as(app, built.flow.demo["hr"])
    hr.post("/language", data={"lang": "ru"})
    response = hr.get("/reports/university?period=quarter&year=2026&quarter=1&format=pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Демо-университет" in text and "Отчёт университета" in text and "2026 Q1" in text
    assert "564" in text and "150 000" in text
    assert "Институт 1" in text
