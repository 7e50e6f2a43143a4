"""The extract PDF and the public verification page: the QR code in the PDF holds the link, the
link opens without signing in, shows only what is stated, refuses revoked and forged tokens with
the same page and is rate-limited per address, in the reader's language."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from pypdf import PdfReader
from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from tests.app.conftest import LoginAs
from tests.conftest import Demo
from workflows.org.models import Person


def qr_link(pdf: bytes) -> str:
    """The text of the one QR code drawn in the PDF."""
    found: list[str] = []
    pictures = [picture for page in PdfReader(io.BytesIO(pdf)).pages for picture in page.images]
    for picture in pictures:
        image = Image.open(io.BytesIO(picture.data)).convert("L")
        # A quiet zone and some size, as a camera would see the printed page.
        framed = Image.new("L", (image.width * 2, image.height * 2), 255)
        framed.paste(image.resize((image.width, image.height)), (image.width // 2, image.height // 2))
        found.extend(code.text for code in zxingcpp.read_barcodes(framed))
    assert len(found) == 1, found
    return str(found[0])


@pytest.fixture
def teacher_file(factory: sessionmaker[Session], demo: Demo) -> None:
    with factory() as s:
        s.get_one(Person, demo["teacher"]).iin = "850101400123"
        factories.training_record(
            s,
            demo["teacher"],
            course="Цифрлық педагогика",
            provider="Назарбаев Университеті",
            hours=72,
            valid_until=date(2028, 2, 20),
            certificate_number="NU-2026-1",
            note="Ішкі ескертпе",
        )
        s.commit()


def _issue(client: FlaskClient, person_id: int) -> bytes:
    response = client.post(f"/records/people/{person_id}/extracts")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return response.data


def test_the_qr_code_of_the_extract_opens_the_verification_page_without_signing_in(
    teacher_file: None, login_as: LoginAs, client: FlaskClient, demo: Demo
) -> None:
    pdf = _issue(login_as("teacher"), demo["teacher"])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Жеке оқу ісінен үзінді" in text and "Цифрлық педагогика" in text
    link = qr_link(pdf)
    assert re.fullmatch(r"http://localhost/verify/[A-Za-z0-9_-]{43,}", link), link
    page = client.get(link.removeprefix("http://localhost"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert (
        "Айгүл Серікқызы Нұрланова" in html
        and "Цифрлық педагогика" in html
        and "Назарбаев Университеті" in html
    )
    assert "20.02.2028" in html and "Барлығы есепке алынған сағат: 72" in html
    for hidden in (
        "850101400123",
        "teacher@demo",
        "Информатика",
        "NU-2026-1",
        "Ішкі ескертпе",
        "/cases/",
        "Аға оқытушы",
    ):
        assert hidden not in html, hidden


def test_the_link_uses_the_configured_base_address(
    teacher_file: None, app: Flask, login_as: LoginAs, demo: Demo
) -> None:
    app.config["APP_BASE_URL"] = "https://biliktilik.example.kz/"
    link = qr_link(_issue(login_as("hr"), demo["teacher"]))
    assert link.startswith("https://biliktilik.example.kz/verify/")


def test_a_revoked_and_a_forged_link_get_the_same_plain_page(
    teacher_file: None, login_as: LoginAs, client: FlaskClient, demo: Demo, factory: sessionmaker[Session]
) -> None:
    teacher = login_as("teacher")
    path = qr_link(_issue(teacher, demo["teacher"])).removeprefix("http://localhost")
    html = teacher.get("/records/me").get_data(as_text=True)
    [extract_id] = re.findall(r'id="extract-(\d+)"', html)
    assert teacher.post(f"/records/people/{demo['teacher']}/extracts/{extract_id}/revoke").status_code == 303
    revoked = client.get(path)
    forged = client.get(path[:-3] + "abc")
    assert revoked.status_code == forged.status_code == 404
    # The same page but for the address itself (the language switch returns to it).
    assert revoked.get_data(as_text=True).replace(path, "") == forged.get_data(as_text=True).replace(
        path[:-3] + "abc", ""
    )
    assert "Айгүл" not in revoked.get_data(as_text=True)
    assert "кері қайтарған" in teacher.get("/records/me").get_data(as_text=True)


def test_lookups_past_the_limit_wait_with_a_message_in_their_language(
    teacher_file: None, app: Flask, login_as: LoginAs, client: FlaskClient, demo: Demo
) -> None:
    app.config.update(VERIFY_LOOKUPS_PER_WINDOW=3, VERIFY_WINDOW_MINUTES=10)
    path = qr_link(_issue(login_as("teacher"), demo["teacher"])).removeprefix("http://localhost")
    assert [client.get(path).status_code for _ in range(2)] == [200, 200]
    assert client.get("/verify/guessed").status_code == 404
    limited = client.get(path)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "600"
    assert "10 мин. кейін қайталап көріңіз" in limited.get_data(as_text=True)
    client.post("/language", data={"lang": "ru"})
    assert "Повторите через 10 мин." in client.get(path).get_data(as_text=True)
    other: Any = client.get(path, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other.status_code == 200


def test_heads_and_the_centre_read_the_file_but_issue_no_extract(
    teacher_file: None, login_as: LoginAs, demo: Demo
) -> None:
    for reader in ("head", "centre"):
        browser = login_as(reader)
        assert 'id="issue-extract"' not in browser.get(f"/records/people/{demo['teacher']}").get_data(
            as_text=True
        )
        assert browser.post(f"/records/people/{demo['teacher']}/extracts").status_code == 404
