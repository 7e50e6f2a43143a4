"""The cases register page and its exports, as the people who oversee cases use them."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook

from app import create_app
from tests.app.conftest import LoginAs
from tests.conftest import Demo
from tests.workflows.flow import Flow

TRAP = '=HYPERLINK("http://example.com/x","click")'


def test_each_overseer_sees_their_units_cases(flow: Flow, login_as: LoginAs) -> None:
    cs = flow.case(flow.start("teacher", course="Деректер қоры")).business_key
    math = flow.case(flow.start("teacher2", course="Сызықтық алгебра")).business_key
    for role, seen, unseen in (
        ("hr", [cs, math], []),
        ("director", [cs, math], []),
        ("head", [cs], [math]),
        ("head2", [math], [cs]),
    ):
        page = login_as(role).get("/registers/cases").get_data(as_text=True)
        assert all(key in page for key in seen), role
        assert not any(key in page for key in unseen), role
    assert login_as("teacher").get("/registers/cases").status_code == 403


def test_the_director_opens_his_institutes_case(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start("teacher2")
    assert login_as("director").get(f"/cases/{case}").status_code == 200
    assert login_as("head").get(f"/cases/{case}").status_code == 404


def test_filters_come_back_on_the_page_and_odd_values_are_ignored(flow: Flow, login_as: LoginAs) -> None:
    flow.start("teacher", course="Деректер қоры")
    hr = login_as("hr")
    page = hr.get("/registers/cases?q=деректер&funding=own&plan=yes").get_data(as_text=True)
    assert 'value="деректер"' in page and "Деректер қоры" in page
    for odd in ("from=2026-13-40", "unit=abc", "status=nope", "sort=;drop", "page=-4", "funding=%00x"):
        assert hr.get(f"/registers/cases?{odd}").status_code in (200, 400), odd


def test_the_xlsx_holds_exactly_the_filtered_rows_and_no_formula(flow: Flow, login_as: LoginAs) -> None:
    trap = flow.case(flow.start("teacher", course=TRAP, provider="+7 701 000 00 00")).business_key
    flow.start("teacher2", course="Сызықтық алгебра")
    response = login_as("hr").get("/registers/cases?format=xlsx&q=hyperlink")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows())
    assert rows[0][0].value == "Іс нөмірі"  # Kazakh headers by default
    assert [[c.value for c in r][:1] for r in rows[1:]] == [[trap]]
    course, provider = rows[1][3], rows[1][4]
    assert course.value == TRAP and course.data_type == "s"
    assert provider.value == "+7 701 000 00 00" and provider.data_type == "s"


def test_the_csv_speaks_the_readers_language_and_marks_formulas_as_text(
    flow: Flow, login_as: LoginAs
) -> None:
    flow.start("teacher", course=TRAP)
    hr = login_as("hr")
    hr.post("/language", data={"lang": "ru"})
    response = hr.get("/registers/cases?format=csv")
    text = response.data.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[0] == "Номер дела"
    assert [r[3] for r in rows] == ["'" + TRAP]


def test_the_count_stops_at_a_bound_and_says_so(app_config: dict[str, Any], flow: Flow, demo: Demo) -> None:
    """Counted up to the next multiple of the step past the page: "2+" and no last page while more
    cases follow; the exact number and "of N" once the count reaches the end."""
    for _ in range(3):
        flow.start("teacher")
    app = create_app({**app_config, "PER_PAGE": 1, "REGISTER_COUNT_STEP": 2})
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(demo["hr"]), True
    first = client.get("/registers/cases").get_data(as_text=True)
    assert "Табылған істер: 2+" in first and "1-бет" in first and 'rel="next"' in first
    assert "/registers/cases?page=2" in first
    last = client.get("/registers/cases?page=3").get_data(as_text=True)
    assert "Табылған істер: 3<" in last and "3 / 3 бет" in last and 'rel="next"' not in last
    for lang, found, page in (("ru", "Найдено дел: 2+", "Страница 2<"), ("en", "Cases found: 2+", "Page 2<")):
        client.post("/language", data={"lang": lang})
        second = client.get("/registers/cases?page=2").get_data(as_text=True)
        assert found in second and page in second, lang
