"""Accounts in the browser's terms: an invitation from the HR page to a first sign-in by personnel
number, a forgotten password reset by email, a temporary password that must be replaced before
anything else opens, and the profile page's seats, language and email choices."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from tests import factories
from tests.app.conftest import LoginAs
from tests.app.html_audit import audit
from tests.conftest import Demo
from tests.smtp import SmtpInbox
from tests.workflows.flow import Flow
from workflows.messaging.models import NoticeKind
from workflows.org.models import AccountToken, Person

NEW = "Көктемгі жаңбыр 2026"
MAIL = "newcomer@example.kz"


def _newcomer(flow: Flow) -> int:
    with flow.factory() as s:
        person = factories.person(s, full_name="Асқар Жаңабаев", username="newcomer")
        person.email, person.personnel_number = MAIL, "T-2002"
        s.commit()
        return person.id


def _path(link: str) -> str:
    return link.removeprefix("http://biliktilik.test")


def _sign_in(app: Flask, login: str, password: str) -> tuple[FlaskClient, int, str]:
    device = app.test_client()
    response = device.post("/sign-in", data={"username": login, "password": password})
    return device, response.status_code, response.headers.get("Location", "")


def test_an_invitation_from_the_hr_page_leads_to_a_first_sign_in_by_personnel_number(
    app: Flask, flow: Flow, login_as: LoginAs, smtp: SmtpInbox
) -> None:
    newcomer = _newcomer(flow)
    hr = login_as("hr")
    page = hr.get(f"/admin/people/{newcomer}/account")
    assert page.status_code == 200 and "Асқар Жаңабаев" in page.text
    assert audit(page.text, "kk") == []
    sent = hr.post(f"/admin/people/{newcomer}/invitation", follow_redirects=True)
    assert sent.status_code == 200 and MAIL in sent.text
    assert flow.fire().done == 1
    path = _path(smtp.link(MAIL))
    visitor = app.test_client()
    opened = visitor.get(path)
    assert opened.status_code == 200 and "T-2002" in opened.text
    assert audit(opened.text, "kk") == []
    weak = visitor.post(path, data={"new_password": "password", "repeat_password": "password"})
    assert weak.status_code == 422 and 'aria-invalid="true"' in weak.text
    done = visitor.post(path, data={"new_password": NEW, "repeat_password": NEW})
    assert done.status_code == 303 and done.headers["Location"].startswith("/sign-in")
    _device, status, target = _sign_in(app, "T-2002", NEW)
    assert (status, target) == (303, "/")
    again = app.test_client().get(path)
    assert again.status_code == 409 and "сілтеме" in again.text  # used: said in Kazakh, no form


def test_an_invitation_without_an_email_is_refused_on_the_page_and_changes_nothing(
    flow: Flow, login_as: LoginAs
) -> None:
    newcomer = _newcomer(flow)
    with flow.factory() as s:
        person = s.get(Person, newcomer)
        assert person is not None
        person.email = None
        s.commit()
    refused = login_as("admin").post(f"/admin/people/{newcomer}/invitation", follow_redirects=True)
    assert "электрондық поштасы жоқ" in refused.text
    with flow.factory() as s:
        assert s.scalars(select(AccountToken)).all() == []


def test_a_forgotten_password_gets_the_same_answer_for_any_login_and_a_link_for_a_real_one(
    app: Flask, flow: Flow, smtp: SmtpInbox
) -> None:
    visitor = app.test_client()
    assert "/forgot-password" in visitor.get("/sign-in").text
    assert audit(visitor.get("/forgot-password").text, "kk") == []
    answers = [
        visitor.post("/forgot-password", data={"login": login}, follow_redirects=True)
        for login in ("nobody-at-all", "teacher")
    ]
    assert [a.status_code for a in answers] == [200, 200]
    flash = [re.search(r'class="flash[^"]*"[^>]*>(.*?)<', a.text, re.S) for a in answers]
    assert flash[0] and flash[1] and flash[0].group(1) == flash[1].group(1)
    empty = visitor.post("/forgot-password", data={"login": "  "})
    assert empty.status_code == 422
    flow.fire()
    assert [m["To"] for m in smtp.messages] == ["teacher@demo.biliktilik.kz"]
    path = _path(smtp.link("teacher@demo.biliktilik.kz"))
    assert path.startswith("/account/reset/")
    assert visitor.get(path.replace("/reset/", "/invitation/")).status_code == 409  # not an invitation
    assert visitor.post(path, data={"new_password": NEW, "repeat_password": NEW}).status_code == 303
    assert _sign_in(app, "teacher", "demo")[1] == 401
    assert _sign_in(app, "teacher@demo.biliktilik.kz", NEW)[1] == 303


def test_a_temporary_password_must_be_replaced_before_anything_else_opens(
    app: Flask, flow: Flow, login_as: LoginAs
) -> None:
    given = login_as("hr").post(f"/admin/people/{flow.demo['teacher']}/temporary-password")
    assert given.status_code == 200
    found = re.search(r'<code class="temporary-password">([^<]+)</code>', given.text)
    assert found is not None
    temporary = found.group(1)
    device, status, _target = _sign_in(app, "teacher", temporary)
    assert status == 303
    for path in ("/", "/cases/new", "/account"):
        response = device.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/account/new-password"
    assert device.post("/cases/new").headers["Location"] == "/account/new-password"
    page = device.get("/account/new-password")
    assert page.status_code == 200
    assert audit(page.text, "kk") == []
    same = {"current_password": temporary, "new_password": temporary, "repeat_password": temporary}
    assert device.post("/account/password", data=same).status_code == 422
    changed = device.post(
        "/account/password", data={"current_password": temporary, "new_password": NEW, "repeat_password": NEW}
    )
    assert changed.status_code == 303 and changed.headers["Location"] == "/"
    assert device.get("/").status_code == 200


def test_the_profile_shows_seats_and_delegation_and_keeps_email_choices(
    flow: Flow, login_as: LoginAs
) -> None:
    head = login_as("head")
    page = head.get("/account")
    assert page.status_code == 200
    assert audit(page.text, "kk") == []
    assert "Кафедра меңгерушісі" in page.text and 'href="/account/delegations"' in page.text
    assert page.text.count('type="checkbox"') == len(NoticeKind)  # one switch per kind of notice
    saved = head.post("/account/notifications", data={"email": ["approved", "returned"]})
    assert saved.status_code == 303
    with flow.factory() as s:
        person = s.get(Person, flow.demo["head"])
        assert person is not None
        assert person.email_notices.get("task_assigned") is False and "approved" not in person.email_notices
        before = dict(person.email_notices)
    refused = head.post("/account/notifications", data={"email": ["approved", "spam"]}, follow_redirects=True)
    assert refused.status_code == 200 and "notice--error" in refused.text
    with flow.factory() as s:
        person = s.get(Person, flow.demo["head"])
        assert person is not None and person.email_notices == before
    head.post("/language", data={"lang": "ru", "next": "/account"})
    assert "Мои места" in head.get("/account").text


def test_the_account_forms_refuse_a_post_without_the_csrf_token(
    app_config: dict[str, Any], flow: Flow, demo: Demo
) -> None:
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    visitor = app.test_client()
    assert visitor.post("/forgot-password", data={"login": "teacher"}).status_code == 400
    admin = app.test_client()
    with admin.session_transaction() as session:
        session["_user_id"] = str(demo["admin"])
    for path in (
        "/account/notifications",
        f"/admin/people/{demo['teacher']}/invitation",
        f"/admin/people/{demo['teacher']}/temporary-password",
    ):
        assert admin.post(path, data={"email": "approved"}).status_code == 400, path
    with flow.factory() as s:
        assert s.scalars(select(AccountToken)).all() == []
        teacher = s.get(Person, demo["teacher"])
        assert teacher is not None and not teacher.must_change_password
