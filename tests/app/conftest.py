"""The web app on the test database: an app per test, clients signed in as the demo people."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import EnvironBuilder, TestResponse
from werkzeug.wrappers import Response

from app import create_app
from tests.conftest import Demo
from workflows.clock import FrozenClock


@pytest.fixture
def app_config(
    engine: Engine, factory: sessionmaker[Session], clock: FrozenClock, tmp_path: Path
) -> dict[str, Any]:
    """The app on the test's transaction: what its requests commit is undone with the test."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_ENGINE": engine,
        "SQLALCHEMY_SESSIONS": factory,
        "CLOCK": clock,
        "FILE_STORE": str(tmp_path / "files"),
        "WTF_CSRF_ENABLED": False,
        "PDF_COMPRESS": False,
    }


@pytest.fixture
def app(app_config: dict[str, Any], demo: Demo) -> Flask:
    return create_app(app_config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


LoginAs = Callable[[str], FlaskClient]


@pytest.fixture
def login_as(app: Flask, demo: Demo) -> LoginAs:
    """A new client already signed in as a demo person (the password check has its own tests)."""

    def sign_in(username: str) -> FlaskClient:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(demo[username])
            session["_fresh"] = True
        return client

    return sign_in


def post_files(client: FlaskClient, url: str, data: dict[str, Any]) -> TestResponse:
    """A multipart POST whose encoded body is closed afterwards, even when the app never reads it
    (a refused 40 MB upload would otherwise leave the test client's temporary file open)."""
    builder = EnvironBuilder(path=url, method="POST", data=data, content_type="multipart/form-data")
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def json_of(response: Response) -> Any:
    """The JSON body of a response that must have one."""
    assert response.is_json, response.get_data(as_text=True)[:200]
    return response.json
