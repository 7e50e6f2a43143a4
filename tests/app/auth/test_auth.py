"""Signing in and out: passwords, throttling by where failures come from, CSRF, cookie flags, the
demo accounts, languages."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app import create_app
from tests.app.conftest import LoginAs
from tests.conftest import Demo
from workflows.clock import FrozenClock
from workflows.org.models import Person, SignInThrottle


def _sign_in(client: FlaskClient, username: str, password: str, **extra: str) -> Any:
    return client.post("/sign-in", data={"username": username, "password": password, **extra})


def _person(factory: sessionmaker[Session], username: str) -> Person:
    with factory() as s:
        found = s.scalar(select(Person).where(Person.username == username))
        assert found is not None
        return found


def test_sign_in_with_the_right_password_opens_the_inbox(client: FlaskClient) -> None:
    response = _sign_in(client, "head", "demo")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Дәурен Асқарұлы Жақсыбеков" in page.text
    assert "Кафедра меңгерушісі" in page.text


def test_sign_in_goes_back_to_the_page_asked_for_but_never_off_site(client: FlaskClient) -> None:
    assert client.get("/cases").headers["Location"].startswith("/sign-in?next=")
    ok = client.post("/sign-in?next=/cases", data={"username": "teacher", "password": "demo"})
    assert ok.headers["Location"] == "/cases"
    client.post("/sign-out")
    evil = client.post("/sign-in?next=//evil.example/x", data={"username": "teacher", "password": "demo"})
    assert evil.headers["Location"] == "/"


REFUSED = (
    "Логин немесе құпиясөз қате. Бірнеше сәтсіз әрекеттен кейін осы желіден кіру біраз уақытқа тоқтатылады."
)
ATTACKER = "203.0.113.9"
RECTOR_DESK = "198.51.100.7"


def _from(client: FlaskClient, address: str, username: str, password: str) -> Any:
    return client.post(
        "/sign-in", data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def _notice(response: Any) -> str:
    found = re.search(r'<p class="notice notice--error"[^>]*>(.*?)</p>', response.text)
    assert found is not None, response.text[:300]
    return found.group(1)


def _counts(factory: sessionmaker[Session]) -> dict[tuple[str, str], int]:
    with factory() as s:
        return {(row.address, row.login): row.failures for row in s.scalars(select(SignInThrottle))}


def test_wrong_password_is_refused_and_counted_where_it_came_from(
    client: FlaskClient, factory: sessionmaker[Session]
) -> None:
    response = _sign_in(client, "head", "wrong")
    assert response.status_code == 401
    assert REFUSED in response.text
    assert _counts(factory) == {("127.0.0.1", "head"): 1, ("127.0.0.1", ""): 1}
    assert client.get("/").status_code == 302  # still signed out


def test_wrong_password_unknown_login_and_waiting_get_the_same_answer(
    app_config: dict[str, Any], demo: Demo, factory: sessionmaker[Session]
) -> None:
    client = create_app({**app_config, "SIGN_IN_FAILURES_PER_LOGIN": 1}).test_client()
    with factory() as s:
        person = s.scalar(select(Person).where(Person.username == "legal"))
        assert person is not None
        person.is_active = False
        s.commit()
    answers = [
        _from(client, "192.0.2.1", "head", "wrong"),
        _from(client, "192.0.2.2", "nobody", "demo"),
        _from(client, "192.0.2.3", "legal", "demo"),  # deactivated
        _from(client, "192.0.2.1", "head", "demo"),  # the right password, but this login waits here
        _from(client, "192.0.2.2", "nobody", "demo"),  # an unknown login waits just the same
    ]
    assert [a.status_code for a in answers] == [401] * 5
    assert {_notice(a) for a in answers} == {REFUSED}


def test_failures_of_one_login_from_one_address_make_it_wait_longer_and_longer(
    client: FlaskClient, clock: FrozenClock
) -> None:
    for _ in range(5):
        assert _from(client, ATTACKER, "head", "wrong").status_code == 401
    assert _from(client, ATTACKER, "head", "demo").status_code == 401  # waits 30 seconds
    clock.advance(seconds=29)
    assert _from(client, ATTACKER, "head", "demo").status_code == 401
    clock.advance(seconds=2)
    assert _from(client, ATTACKER, "head", "wrong").status_code == 401  # the sixth: 60 seconds now
    clock.advance(seconds=59)
    assert _from(client, ATTACKER, "head", "demo").status_code == 401
    clock.advance(seconds=2)
    assert _from(client, ATTACKER, "head", "demo").status_code == 303


def test_someone_elses_failures_never_keep_the_right_password_out(
    client: FlaskClient, app: Flask, factory: sessionmaker[Session]
) -> None:
    for _ in range(60):
        assert _from(client, ATTACKER, "rector", "guess").status_code == 401
    rector = app.test_client()
    assert _from(rector, RECTOR_DESK, "rector", "demo").status_code == 303
    assert rector.get("/").status_code == 200
    assert _counts(factory)[(ATTACKER, "rector")] < 60  # attempts that had to wait were not even checked


def test_an_address_failing_at_many_logins_waits_for_all_of_them(client: FlaskClient, app: Flask) -> None:
    for n in range(20):
        assert _from(client, ATTACKER, f"guess{n}", "123456").status_code == 401
    assert _from(client, ATTACKER, "teacher", "demo").status_code == 401
    assert _from(app.test_client(), RECTOR_DESK, "teacher", "demo").status_code == 303


def test_the_numbers_are_configuration(app_config: dict[str, Any], demo: Demo, clock: FrozenClock) -> None:
    client = create_app(
        {**app_config, "SIGN_IN_FAILURES_PER_LOGIN": 2, "SIGN_IN_DELAY_SECONDS": 300}
    ).test_client()
    for _ in range(2):
        _from(client, ATTACKER, "head", "wrong")
    clock.advance(seconds=299)
    assert _from(client, ATTACKER, "head", "demo").status_code == 401
    clock.advance(seconds=2)
    assert _from(client, ATTACKER, "head", "demo").status_code == 303


def test_success_forgets_the_failures_of_that_login_from_that_address(
    client: FlaskClient, factory: sessionmaker[Session]
) -> None:
    for _ in range(4):
        _from(client, ATTACKER, "head", "wrong")
    assert _from(client, ATTACKER, "head", "demo").status_code == 303
    client.post("/sign-out")
    assert _counts(factory) == {(ATTACKER, ""): 4}  # the address's own count stays
    for _ in range(4):  # four more do not make it wait: the first four were forgotten
        _from(client, ATTACKER, "head", "wrong")
    assert _from(client, ATTACKER, "head", "demo").status_code == 303


def test_the_address_is_the_forwarded_one_only_behind_a_configured_proxy(
    app_config: dict[str, Any], demo: Demo, factory: sessionmaker[Session]
) -> None:
    forwarded = {"X-Forwarded-For": "192.0.2.44"}
    direct = create_app(app_config).test_client()
    direct.post("/sign-in", data={"username": "head", "password": "wrong"}, headers=forwarded)
    proxied = create_app({**app_config, "TRUSTED_PROXIES": 1}).test_client()
    proxied.post("/sign-in", data={"username": "head", "password": "wrong"}, headers=forwarded)
    assert _counts(factory) == {
        ("127.0.0.1", "head"): 1,
        ("127.0.0.1", ""): 1,
        ("192.0.2.44", "head"): 1,
        ("192.0.2.44", ""): 1,
    }


def test_every_form_needs_the_csrf_token(app_config: dict[str, Any], demo: Demo) -> None:
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    refused = _sign_in(client, "head", "demo")
    assert refused.status_code == 400
    assert client.get("/").status_code == 302
    page = client.get("/sign-in")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert token is not None
    assert _sign_in(client, "head", "demo", csrf_token=token.group(1)).status_code == 303
    # Signed in, a POST without the token is still refused and changes nothing.
    assert client.post("/language", data={"lang": "ru"}).status_code == 400
    assert client.post("/sign-out").status_code == 400
    assert client.get("/").status_code == 200


def test_session_cookie_flags(app_config: dict[str, Any], demo: Demo) -> None:
    app = create_app({**app_config, "SESSION_COOKIE_SECURE": True})
    client = app.test_client()
    response = _sign_in(client, "head", "demo")
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "SameSite=Lax" in cookie


def test_sign_out(login_as: LoginAs) -> None:
    client = login_as("teacher")
    assert client.get("/").status_code == 200
    assert client.post("/sign-out").status_code == 303
    assert client.get("/").status_code == 302


def test_demo_sign_in_page_lists_one_account_per_role(app_config: dict[str, Any], demo: Demo) -> None:
    shown = create_app({**app_config, "DEMO": True}).test_client().get("/sign-in").text
    for username in ("teacher", "head", "director", "finance", "rector", "legal", "hr", "centre", "admin"):
        assert f"<code>{username}</code>" in shown
    assert "<code>demo</code>" in shown
    hidden = create_app({**app_config, "DEMO": False}).test_client().get("/sign-in").text
    assert "<code>head</code>" not in hidden


def test_inactive_person_cannot_sign_in(client: FlaskClient, factory: sessionmaker[Session]) -> None:
    with factory() as s:
        person = s.scalar(select(Person).where(Person.username == "legal"))
        assert person is not None
        person.is_active = False
        s.commit()
    assert _sign_in(client, "legal", "demo").status_code == 401


def test_language_switch_is_remembered_in_a_cookie_and_on_the_person(
    login_as: LoginAs, app: Flask, factory: sessionmaker[Session]
) -> None:
    anonymous = app.test_client()
    assert '<html lang="kk">' in anonymous.get("/sign-in").text
    switched = anonymous.post("/language", data={"lang": "ru", "next": "/sign-in"})
    assert switched.status_code == 303
    assert switched.headers["Location"] == "/sign-in"
    page = anonymous.get("/sign-in").text
    assert '<html lang="ru">' in page and "Войти" in page

    client = login_as("teacher")
    client.post("/language", data={"lang": "en"})
    assert _person(factory, "teacher").locale == "en"
    english = client.get("/cases/new?process=qualification_request").text
    assert '<html lang="en">' in english
    assert "New application" in english
    assert "Course (programme) title" in english  # labels from the form's x-title
    client.post("/language", data={"lang": "xx"})
    assert _person(factory, "teacher").locale == "en"


def test_a_language_chosen_before_signing_in_is_kept(
    client: FlaskClient, factory: sessionmaker[Session]
) -> None:
    client.post("/language", data={"lang": "ru", "next": "/sign-in"})
    assert _sign_in(client, "teacher", "demo").status_code == 303
    assert _person(factory, "teacher").locale == "ru"
    assert '<html lang="ru">' in client.get("/").text


def test_russian_pages(login_as: LoginAs, factory: sessionmaker[Session]) -> None:
    with factory() as s:
        person = s.scalar(select(Person).where(Person.username == "teacher"))
        assert person is not None
        person.locale = "ru"
        s.commit()
    client = login_as("teacher")
    page = client.get("/cases/new?process=qualification_request").text
    assert '<html lang="ru">' in page
    assert "Новая заявка" in page
    assert "Название курса (программы)" in page
    assert "Подавайте заявку не позднее чем за 20 дней" in page
    assert "21.03.2026" in page  # the earliest start for an application today, in the local format
    assert "Мои заявки" in client.get("/cases").text
