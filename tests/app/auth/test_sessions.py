"""Sessions end on the server: signing out, changing the password and an administrator's "sign out
everywhere" make every cookie issued before them worthless, on whatever device it was copied to."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app import create_app
from tests.app.conftest import LoginAs
from tests.app.html_audit import audit
from tests.conftest import Demo
from tests.workflows.flow import Flow
from workflows.org.models import Person

NEW_PASSWORD = "Көктем-2026-жаз"


def _device(app: Flask, username: str, password: str = "demo") -> FlaskClient:
    """A browser signed in with the password, as a person would."""
    device = app.test_client()
    response = device.post("/sign-in", data={"username": username, "password": password})
    assert response.status_code == 303, response.text
    return device


def _copy(app: Flask, device: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of the device's session cookie (a captured cookie)."""
    cookie = device.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _signed_in(client: FlaskClient) -> bool:
    response = client.get("/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _hash(factory: sessionmaker[Session], username: str) -> str | None:
    with factory() as s:
        return s.scalar(select(Person.password_hash).where(Person.username == username))


def _change(client: FlaskClient, current: str, new: str, repeated: str | None = None) -> Any:
    return client.post(
        "/account/password",
        data={"current_password": current, "new_password": new, "repeat_password": repeated or new},
    )


def test_a_cookie_captured_before_sign_out_opens_nothing_afterwards(app: Flask, flow: Flow) -> None:
    case = flow.start()
    task = flow.task(case, "endorse")
    device = _device(app, "head")
    thief = _copy(app, device)
    assert _signed_in(thief)  # the copy works while the session lasts
    assert device.post("/sign-out").status_code == 303
    assert not _signed_in(device)
    assert not _signed_in(thief)
    assert thief.get(f"/tasks/{task.id}").status_code == 302
    decided = thief.post(f"/tasks/{task.id}", data={"decision": "reject", "comment": "Жоқ"})
    assert decided.status_code == 302
    assert decided.headers["Location"].startswith("/sign-in")
    assert flow.open_elements(case) == ["endorse"]


def test_signing_in_again_after_sign_out_gives_a_new_session_the_old_cookie_does_not_share(
    app: Flask,
) -> None:
    device = _device(app, "teacher")
    thief = _copy(app, device)
    device.post("/sign-out")
    again = _device(app, "teacher")
    assert _signed_in(again)
    assert not _signed_in(thief)


def test_the_account_page_shows_who_is_signed_in(login_as: LoginAs) -> None:
    page = login_as("teacher").get("/account")
    assert page.status_code == 200
    assert "Айгүл" in page.text
    assert "<code>teacher</code>" in page.text
    assert "Қазақша" in page.text
    assert 'name="current_password"' in page.text
    assert 'action="/account/sign-out-everywhere"' in page.text
    assert audit(page.text, "kk") == []


def test_the_header_links_to_the_account_page(login_as: LoginAs) -> None:
    assert 'href="/account"' in login_as("teacher").get("/").text


def test_the_account_page_needs_a_signed_in_person(client: FlaskClient) -> None:
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_password_change_keeps_this_device_and_signs_out_the_others(
    app: Flask, factory: sessionmaker[Session]
) -> None:
    device, other = _device(app, "teacher"), _device(app, "teacher")
    thief = _copy(app, device)  # a copy of this device's cookie from before the change
    changed = _change(device, "demo", NEW_PASSWORD)
    assert changed.status_code == 303
    assert changed.headers["Location"] == "/account"
    assert "Құпиясөз өзгертілді" in device.get("/account").text  # still signed in, and told
    assert not _signed_in(other)
    assert not _signed_in(thief)
    hashed = _hash(factory, "teacher")
    assert hashed is not None and hashed.startswith("$argon2id$")
    fresh = app.test_client()
    assert fresh.post("/sign-in", data={"username": "teacher", "password": "demo"}).status_code == 401
    assert _device(app, "teacher", NEW_PASSWORD) is not None


def _errors(page: str) -> list[str]:
    return re.findall(r'<p class="field__error" id="([a-z-]+)-error">', page)


def test_a_refused_password_change_says_why_and_changes_nothing(
    app: Flask, factory: sessionmaker[Session]
) -> None:
    device, other = _device(app, "teacher"), _device(app, "teacher")
    before = _hash(factory, "teacher")
    cases = [
        (("wrong-password", NEW_PASSWORD), ["current-password"], "Қазіргі құпиясөз қате."),
        (("demo", "short-1"), ["new-password"], "Кемінде 10 таңба енгізіңіз."),
        (("demo", "qwertyuiop"), ["new-password"], "ең жиі кездесетін"),
        (("demo", NEW_PASSWORD, NEW_PASSWORD + "!"), ["repeat-password"], "Екі жаңа құпиясөз бірдей емес."),
        (
            ("", "", ""),
            ["current-password", "new-password", "repeat-password"],
            "Бұл өрісті толтыру міндетті.",
        ),
    ]
    for args, fields, text in cases:
        refused = _change(device, *args)
        assert refused.status_code == 422, args
        assert _errors(refused.text) == fields, args
        assert text in refused.text, args
        assert audit(refused.text, "kk") == [], args
    assert _hash(factory, "teacher") == before
    assert _signed_in(device) and _signed_in(other)


def test_the_minimum_length_is_configuration(app_config: dict[str, Any], demo: Demo) -> None:
    app = create_app({**app_config, "PASSWORD_MIN_LENGTH": 20})
    device = _device(app, "teacher")
    refused = _change(device, "demo", NEW_PASSWORD)  # 15 characters
    assert refused.status_code == 422
    assert "Кемінде 20 таңба енгізіңіз." in refused.text


def test_sign_out_on_all_devices_ends_every_session(app: Flask) -> None:
    device, other = _device(app, "head"), _device(app, "head")
    response = device.post("/account/sign-out-everywhere")
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in"
    assert not _signed_in(device)
    assert not _signed_in(other)
    assert "барлық құрылғыда" in device.get("/sign-in").text


def test_an_administrator_signs_a_person_out_everywhere(app: Flask, demo: Demo, login_as: LoginAs) -> None:
    teacher = _device(app, "teacher")
    refused = login_as("head").post(f"/admin/people/{demo['teacher']}/sign-out-everywhere")
    assert refused.status_code == 403
    assert _signed_in(teacher)
    assert login_as("admin").post("/admin/people/999999/sign-out-everywhere").status_code == 404
    admin = _device(app, "admin")
    done = admin.post(f"/admin/people/{demo['teacher']}/sign-out-everywhere")
    assert done.status_code == 303
    assert "Айгүл" in admin.get(done.headers["Location"]).text  # the notice names the person
    assert not _signed_in(teacher)
    assert _signed_in(admin)


def test_a_person_cannot_use_the_administrators_route_even_on_themselves(app: Flask, demo: Demo) -> None:
    teacher = _device(app, "teacher")
    assert teacher.post(f"/admin/people/{demo['teacher']}/sign-out-everywhere").status_code == 403
    assert _signed_in(teacher)
