"""The training file pages: one's own under "My training", a head's view of their people, HR
entering a record by hand and striking one, in the reader's language."""

from __future__ import annotations

import io
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from tests.app.conftest import LoginAs, post_files
from tests.app.html_audit import audit
from tests.app.records.test_file_extract import qr_link
from tests.conftest import Demo
from tests.statements import counting
from tests.workflows.flow import PDF
from workflows.org.models import Person
from workflows.records.models import TrainingRecord


def _page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_my_training_shows_every_record_with_its_certificate(
    login_as: LoginAs, factory: sessionmaker[Session], demo: Demo
) -> None:
    with factory() as s:
        factories.training_record(
            s,
            demo["teacher"],
            course="Академиялық жазылым",
            hours=36,
            certificate_type="svidetelstvo",
            certificate_number="NU-5",
            valid_until=date(2028, 2, 20),
            verified_by_id=demo["centre"],
        )
        s.commit()
    teacher = login_as("teacher")
    html = _page(teacher, "/")
    assert 'href="/records/me"' in html and "Менің оқуым" in html
    html = _page(teacher, "/records/me")
    assert "Академиялық жазылым" in html and "Куәлік" in html and "№ NU-5" in html
    assert "20.02.2028" in html and "Арман Төлегенұлы Сұлтанов" in html
    assert "Барлығы есепке алынған сағат: 36" in html
    assert 'id="enter-record"' not in html and "Жазбаны сызу" not in html
    teacher.post("/language", data={"lang": "ru"})
    assert "Свидетельство" in _page(teacher, "/records/me")


def test_a_head_reads_the_file_of_her_people_only(login_as: LoginAs, demo: Demo) -> None:
    assert "Айгүл Серікқызы Нұрланова" in _page(login_as("head"), f"/records/people/{demo['teacher']}")
    assert login_as("head2").get(f"/records/people/{demo['teacher']}").status_code == 404
    assert login_as("teacher2").get(f"/records/people/{demo['teacher']}").status_code == 404


def test_hr_enters_a_conference_and_the_teacher_sees_it(
    login_as: LoginAs, demo: Demo, factory: sessionmaker[Session]
) -> None:
    hr = login_as("hr")
    url = f"/records/people/{demo['teacher']}/new"
    assert "Оқуды қолмен енгізу" in _page(hr, url)
    response = post_files(
        hr,
        url,
        {
            "course": "Цифрлық университет конференциясы",
            "provider": "ҚазҰУ",
            "form": "conference",
            "start_date": "2026-02-10",
            "end_date": "2026-02-12",
            "hours": "18",
            "matches_disciplines": "on",
            "certificate": (io.BytesIO(PDF), "сертификат.pdf"),
        },
    )
    assert response.status_code == 303
    html = _page(login_as("teacher"), "/records/me")
    assert "Цифрлық университет конференциясы" in html and "Қолмен енгізілген" in html
    with factory() as s:
        record = s.scalars(select(TrainingRecord)).one()
    certificate = login_as("teacher").get(
        f"/records/people/{demo['teacher']}/records/{record.id}/certificate"
    )
    assert certificate.status_code == 200 and certificate.data == PDF
    assert (
        login_as("teacher2")
        .get(f"/records/people/{demo['teacher']}/records/{record.id}/certificate")
        .status_code
        == 404
    )


def test_a_bad_entry_comes_back_with_the_fields_named_in_russian(
    login_as: LoginAs, demo: Demo, factory: sessionmaker[Session]
) -> None:
    hr = login_as("hr")
    hr.post("/language", data={"lang": "ru"})
    response = post_files(
        hr,
        f"/records/people/{demo['teacher']}/new",
        {
            "course": "Курс",
            "provider": "ҚазҰУ",
            "form": "course",
            "start_date": "2026-02-10",
            "end_date": "2026-02-01",
            "hours": "10",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Дата окончания не может быть раньше даты начала" in html
    assert 'value="Курс"' in html
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(TrainingRecord)) == 0


def test_striking_asks_for_a_reason_and_keeps_the_record_visible(
    login_as: LoginAs, demo: Demo, factory: sessionmaker[Session]
) -> None:
    with factory() as s:
        record = factories.training_record(s, demo["teacher"], course="Қате курс", hours=72)
        s.commit()
    hr = login_as("hr")
    url = f"/records/people/{demo['teacher']}/records/{record.id}/strike"
    refused = hr.post(url, data={"reason": ""})
    assert refused.status_code == 303
    assert "Жазбаны неге сызатыныңызды жазыңыз" in _page(hr, f"/records/people/{demo['teacher']}")
    assert hr.post(url, data={"reason": "Екі рет енгізілген"}).status_code == 303
    html = _page(login_as("teacher"), "/records/me")
    assert "<del>Қате курс</del>" in html and "Екі рет енгізілген" in html
    assert "Барлығы есепке алынған сағат: 0" in html


def test_the_file_page_costs_the_same_with_more_records(
    login_as: LoginAs, demo: Demo, factory: sessionmaker[Session], engine: Engine
) -> None:
    teacher = login_as("teacher")
    with factory() as s:
        factories.training_record(s, demo["teacher"])
        s.commit()
    with counting(engine) as few:
        _page(teacher, "/records/me")
    with factory() as s:
        for _ in range(20):
            factories.training_record(
                s, demo["teacher"], verified_by_id=demo["centre"], entered_by_id=demo["hr"]
            )
        s.commit()
    with counting(engine) as many:
        _page(teacher, "/records/me")
    assert len(many) == len(few)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_file_pages_pass_the_audit(
    lang: str, login_as: LoginAs, client: FlaskClient, demo: Demo, factory: sessionmaker[Session]
) -> None:
    with factory() as s:
        s.execute(update(Person).values(locale=lang))
        record = factories.training_record(s, demo["teacher"], valid_until=date(2026, 4, 1))
        record.struck_at, record.struck_reason = record.recorded_at, "Қате"
        factories.training_record(
            s, demo["teacher"], certificate_type="certificate", certificate_number="A-1"
        )
        s.commit()
    hr = login_as("hr")
    hr.set_cookie("lang", lang)
    client.set_cookie("lang", lang)
    token_pdf = hr.post(f"/records/people/{demo['teacher']}/extracts")
    assert token_pdf.status_code == 200
    pages = [
        (hr.get(f"/records/people/{demo['teacher']}"), 200),
        (hr.get(f"/records/people/{demo['teacher']}/new"), 200),
        (post_files(hr, f"/records/people/{demo['teacher']}/new", {"hours": "x"}), 422),
        (client.get(qr_link(token_pdf.data).removeprefix("http://localhost")), 200),
        (client.get("/verify/unknown"), 404),
    ]
    for response, status in pages:
        assert response.status_code == status
        assert audit(response.get_data(as_text=True), lang) == [], response.request.path
