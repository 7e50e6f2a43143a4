"""Signing in through a real OpenLDAP directory: the directory's password opens the person the entry
maps to (by personnel number or email), an entry that is nobody here gets its own refusal, a
directory account's local password is not used, and local accounts still sign in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app import create_app
from app.config import ConfigError, from_env
from tests.conftest import Demo
from tests.ldap_server import PEOPLE, DirectoryUser, LdapServer, start_slapd
from tests.smtp import free_port
from tests.workflows.flow import Flow
from workflows.org.audit import Subject, audit_trail
from workflows.org.models import Person, SignInThrottle

AIGUL = DirectoryUser("aigul", "Aigul Nurlanova", "aigul.n@university.kz", "0042", "каталог-құпия-1")
STRANGER = DirectoryUser("stranger", "Someone Else", "someone@university.kz", "9999", "каталог-құпия-2")


@pytest.fixture(scope="module")
def ldap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LdapServer]:
    yield from start_slapd(tmp_path_factory.mktemp("slapd"), [AIGUL, STRANGER])


@pytest.fixture
def teacher_in_directory(flow: Flow) -> int:
    """The demo teacher has the directory's personnel number (her local password stays `demo`)."""
    with flow.factory() as s:
        teacher = s.get(Person, flow.demo["teacher"])
        assert teacher is not None
        teacher.personnel_number = AIGUL.number
        s.commit()
        return teacher.id


def _app(app_config: dict[str, Any], ldap: LdapServer, **overrides: Any) -> Flask:
    return create_app({**app_config, **ldap.config(), **overrides})


def _sign_in(app: Flask, login: str, password: str) -> tuple[int, str]:
    response = app.test_client().post("/sign-in", data={"username": login, "password": password})
    return response.status_code, response.text


def test_the_directory_password_signs_in_the_person_with_that_personnel_number(
    app_config: dict[str, Any], ldap: LdapServer, flow: Flow, teacher_in_directory: int
) -> None:
    app = _app(app_config, ldap)
    assert _sign_in(app, "aigul", AIGUL.password)[0] == 303
    assert _sign_in(app, "AIGUL.N@university.kz", AIGUL.password)[0] == 303  # by the directory's mail
    with flow.factory() as s:
        teacher = s.get(Person, teacher_in_directory)
        assert teacher is not None and teacher.directory_dn == f"uid=aigul,{PEOPLE}"
    status, page = _sign_in(app, "aigul", "wrong password")
    assert status == 401 and "құпиясөз қате" in page
    assert _sign_in(app, "aigul", "")[0] == 400  # never an anonymous bind
    assert _sign_in(app, "*", AIGUL.password)[0] == 401  # the login is escaped in the filter
    with flow.factory() as s:
        assert s.scalars(select(SignInThrottle).where(SignInThrottle.login == "aigul")).one().failures == 1


def test_a_directory_account_that_is_nobody_here_is_told_so_and_nobody_is_created(
    app_config: dict[str, Any], ldap: LdapServer, flow: Flow
) -> None:
    with flow.factory() as s:
        people = s.scalars(select(Person.id)).all()
    status, page = _sign_in(_app(app_config, ldap), "stranger", STRANGER.password)
    assert status == 401 and "кадр қызметі" in page.lower()
    with flow.factory() as s:
        assert s.scalars(select(Person.id)).all() == people


def test_a_directory_accounts_local_password_is_not_used_unless_kept(
    app_config: dict[str, Any], ldap: LdapServer, teacher_in_directory: int
) -> None:
    app = _app(app_config, ldap)
    assert _sign_in(app, "teacher", "demo")[0] == 303  # not yet known as a directory account
    assert _sign_in(app, "aigul", AIGUL.password)[0] == 303
    assert _sign_in(app, "teacher", "demo")[0] == 401  # now she is: the directory decides
    assert _sign_in(app, "admin", "demo")[0] == 303  # a local account is not in the directory
    kept = _app(app_config, ldap, LDAP_KEEP_LOCAL_PASSWORDS=True)
    assert _sign_in(kept, "teacher", "demo")[0] == 303
    assert _sign_in(create_app(app_config), "teacher", "demo")[0] == 303  # no directory configured


def test_an_unreachable_directory_leaves_local_accounts_signing_in(
    app_config: dict[str, Any], ldap: LdapServer, demo: Demo
) -> None:
    app = _app(app_config, ldap, LDAP_URL=f"ldap://127.0.0.1:{free_port()}", LDAP_TIMEOUT_SECONDS=2)
    assert _sign_in(app, "admin", "demo")[0] == 303
    assert _sign_in(app, "aigul", AIGUL.password)[0] == 401


def test_the_directory_settings_are_checked_at_start() -> None:
    with pytest.raises(ConfigError):
        from_env({"LDAP_URL": "ldap://directory.university.kz"})
    with pytest.raises(ConfigError):
        from_env({"LDAP_URL": "ldap://d", "LDAP_BASE_DN": "dc=u", "LDAP_USER_FILTER": "(uid=x)"})
    config = from_env({"LDAP_URL": "ldap://d", "LDAP_BASE_DN": "dc=u", "LDAP_START_TLS": "1"})
    assert config["LDAP_START_TLS"] is True and config["LDAP_USER_FILTER"] == "(|(uid={login})(mail={login}))"
    assert from_env({})["LDAP_URL"] is None


def test_a_directory_account_becomes_a_person_only_where_configured(
    app_config: dict[str, Any], ldap: LdapServer, flow: Flow
) -> None:
    app = _app(app_config, ldap, LDAP_NEW_PEOPLE_UNIT="cs")
    assert _sign_in(app, "stranger", "wrong")[0] == 401  # the password first, as ever
    with flow.factory() as s:
        assert s.scalar(select(Person).where(Person.username == "stranger")) is None
    assert _sign_in(app, "stranger", STRANGER.password)[0] == 303
    with flow.factory() as s:
        created = s.scalars(select(Person).where(Person.username == "stranger")).one()
        assert (created.full_name, created.personnel_number, created.email) == (
            STRANGER.name,
            STRANGER.number,
            STRANGER.mail,
        )
        assert created.org_unit.code == "cs" and created.password_hash is None
        [entry] = audit_trail(s, Subject.PERSON, created.id)
        assert entry.action == "person_created_from_directory"
    assert _sign_in(app, "stranger", STRANGER.password)[0] == 303  # the same person again
    with flow.factory() as s:
        assert len(s.scalars(select(Person).where(Person.personnel_number == STRANGER.number)).all()) == 1
    closed = _app(app_config, ldap, LDAP_NEW_PEOPLE_UNIT="no-such-unit")
    assert _sign_in(closed, "aigul", AIGUL.password)[0] == 401  # nobody, and no unit to put her in
