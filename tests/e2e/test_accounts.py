"""In Chromium: an administrator invites a person HR has loaded, the link arrives in an email the
local SMTP server caught, the person sets a password, signs in by personnel number and switches an
email notification off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests import factories
from tests.e2e.conftest import LiveServer, People, own_page, screenshot
from tests.smtp import SmtpInbox
from workflows.org.models import Person

MAIL = "zhanar.newcomer@example.kz"
PASSWORD = "Алатау таулары 2026"


def test_an_invitation_to_a_first_sign_in_by_personnel_number(
    browser: Browser, live: LiveServer, people: People, smtp: SmtpInbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APP_BASE_URL", live.url)  # the links in emails open this server
    with live.sessions() as s:
        person = factories.person(s, full_name="Жанар Жаңабекова", username="zhanar")
        person.email, person.personnel_number = MAIL, "T-3003"
        s.commit()
        person_id = person.id

    admin = people("admin")
    admin.goto(f"{live.url}/admin/people/{person_id}/account")
    admin.click("#send-invitation")
    admin.wait_for_selector(".notice--success")
    assert MAIL in admin.inner_text(".notice--success")
    assert live.fire().done == 1
    link = smtp.link(MAIL)
    assert link.startswith(f"{live.url}/account/invitation/")

    newcomer = own_page(browser)
    try:
        newcomer.goto(link)
        assert "Жанар Жаңабекова" in newcomer.inner_text("main")
        newcomer.fill("#new-password", PASSWORD)
        newcomer.fill("#repeat-password", PASSWORD + "!")
        newcomer.click("#set-password")
        newcomer.wait_for_selector("#repeat-password-error")  # typed differently: nothing is set
        newcomer.fill("#new-password", PASSWORD)
        newcomer.fill("#repeat-password", PASSWORD)
        newcomer.click("#set-password")
        newcomer.wait_for_url(f"{live.url}/sign-in")
        assert "zhanar" in newcomer.inner_text(".notice--success")

        newcomer.fill("#username", "T-3003")
        newcomer.fill("#password", PASSWORD)
        newcomer.click("form.stack button[type=submit]")
        newcomer.wait_for_url(f"{live.url}/")

        newcomer.goto(f"{live.url}/account")
        assert newcomer.is_checked("#email-task_assigned")
        newcomer.uncheck("#email-task_assigned")
        newcomer.click("#save-notifications")
        newcomer.wait_for_selector(".notice--success")
        assert not newcomer.is_checked("#email-task_assigned")
        assert newcomer.is_checked("#email-approved")
        screenshot(newcomer, "account-notifications")
    finally:
        newcomer.context.close()
    with live.sessions() as s:
        saved = s.get(Person, person_id)
        assert saved is not None and saved.email_notices == {"task_assigned": False}
        assert saved.password_hash and not saved.must_change_password
