"""The teacher opens her training file, downloads an extract, and the link in its QR code opens
the public verification page in a fresh browser that never signed in."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from tests import factories
from tests.app.records.test_file_extract import qr_link
from tests.e2e.conftest import LiveServer, People, screenshot

COURSE = "Жоғары мектептегі цифрлық педагогика"


def test_the_extracts_qr_code_opens_the_verification_page(live: LiveServer, people: People) -> None:
    with live.sessions() as s:
        factories.training_record(
            s,
            live.people["teacher"],
            course=COURSE,
            provider="Назарбаев Университеті",
            hours=72,
            certificate_type="certificate",
            certificate_number="NU-2026-114",
            valid_until=date(2028, 2, 20),
            verified_by_id=live.people["centre"],
        )
        s.commit()
    teacher = people("teacher")
    teacher.click("nav >> text=Менің оқуым")
    expect(teacher.locator("h1")).to_have_text("Айгүл Серікқызы Нұрланова")
    expect(teacher.locator(".training-file")).to_contain_text(COURSE)
    expect(teacher.locator("#total-hours")).to_contain_text("72")
    screenshot(teacher, "training-file")
    with teacher.expect_download() as download:
        teacher.click("#issue-extract")
    pdf = download.value.path().read_bytes()
    link = qr_link(pdf)
    assert link.startswith(f"{live.url}/verify/")

    stranger = people.browser.new_context(locale="ru-RU")
    try:
        page = stranger.new_page()
        page.goto(link)
        expect(page.locator("#verified-name")).to_have_text("Айгүл Серікқызы Нұрланова")
        expect(page.locator(".verified")).to_contain_text(COURSE)
        expect(page.locator("#verified-total")).to_contain_text("72")
        expect(page.locator("body")).not_to_contain_text("NU-2026-114")
        expect(page.locator(".mainnav")).to_have_count(0)  # nobody is signed in
        screenshot(page, "verification-page")
    finally:
        stranger.close()
