"""Wiring: configuration from the environment, the in-process worker, the viewer check, catalogues, errors."""

from __future__ import annotations

import importlib
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, select

from app import create_app
from app.config import ConfigError, from_env
from app.state import app_state
from tests.app.conftest import LoginAs
from tests.conftest import Demo
from tests.workflows.flow import Flow, application
from workflows.cases.models import Job
from workflows.cases.start import start_case
from workflows.language import CATALOGUES


def test_a_missing_secret_key_stops_the_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"START_WORKER": False})


def test_configuration_from_the_environment() -> None:
    sqlite = from_env({"DATABASE_URL": "sqlite:///var/x.sqlite3", "SECRET_KEY": "s"})
    assert sqlite["START_WORKER"] is True
    assert sqlite["SESSION_COOKIE_SECURE"] is True
    assert sqlite["SESSION_COOKIE_HTTPONLY"] is True
    assert sqlite["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert sqlite["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    assert sqlite["FILE_STORE"] == "var/files"
    postgres = from_env({"DATABASE_URL": "postgresql://db/x", "MAX_CONTENT_LENGTH": "1000"})
    assert postgres["START_WORKER"] is False
    assert postgres["MAX_CONTENT_LENGTH"] == 1000
    assert from_env({"DATABASE_URL": "sqlite://", "START_WORKER": "0"})["START_WORKER"] is False
    assert from_env({"DEMO": "1"})["SESSION_COOKIE_SECURE"] is False


def test_the_app_says_how_to_install_the_missing_viewer(app_config: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="npm ci"):
        create_app({**app_config, "BPMN_JS_DIR": str(tmp_path / "nothing")})


def test_no_worker_in_tests_unless_asked(app_config: dict[str, Any], demo: Demo) -> None:
    app = create_app(app_config)
    assert "biliktilik.worker" not in app.extensions


def test_the_in_process_worker_wakes_for_the_apps_commits_and_stops(
    app_config: dict[str, Any], committed_flow: Flow, committed_engine: Engine, _mail_outbox: Path
) -> None:
    config = {**app_config, "SQLALCHEMY_ENGINE": committed_engine, "SQLALCHEMY_SESSIONS": None}
    # Between passes it would sleep an hour: only the app's commit can bring the next pass.
    app = create_app({**config, "START_WORKER": True, "WORKER_POLL_SECONDS": 3600})
    worker = app.extensions["biliktilik.worker"]
    try:
        assert worker.alive
        assert worker.wait_for_passes(1, timeout=60), "the worker made no first pass"
        assert not list(_mail_outbox.glob("*.eml"))
        with app_state(app).sessions() as session:  # as a request does: queue the head's email, commit
            start_case(
                session,
                "qualification_request",
                committed_flow.demo["teacher"],
                application(),
                committed_flow.clock,
            )
            session.commit()
        assert worker.wait_for_passes(2, timeout=60), "the commit did not wake the worker"
        with committed_flow.factory() as s:
            assert [j.status for j in s.scalars(select(Job).where(Job.kind == "email"))] == ["done"]
        assert list(_mail_outbox.glob("*.eml"))
    finally:
        worker.stop()
    assert not worker.alive


def test_the_clock_and_store_come_from_the_configuration(app_config: dict[str, Any], demo: Demo) -> None:
    app = create_app(app_config)
    state = app_state(app)
    assert state.clock is app_config["CLOCK"]
    assert str(state.store.root) == app_config["FILE_STORE"]
    assert state.engine is app_config["SQLALCHEMY_ENGINE"]


def test_the_app_refuses_to_start_without_compiled_catalogues(
    app_config: dict[str, Any], tmp_path: Path
) -> None:
    """Compiling is the install step's job; a missing or stale catalogue is said at start, not met later."""
    copy = tmp_path / "translations"
    shutil.copytree(CATALOGUES, copy, ignore=shutil.ignore_patterns("*.mo"))
    with pytest.raises(ConfigError, match="pybabel compile"):
        create_app({**app_config, "BABEL_TRANSLATION_DIRECTORIES": str(copy)})
    shutil.copytree(CATALOGUES, copy, dirs_exist_ok=True)  # now with the compiled ones
    po = copy / "kk" / "LC_MESSAGES" / "messages.po"
    later = po.with_suffix(".mo").stat().st_mtime + 10
    os.utime(po, (later, later))  # the source changed after it was compiled
    with pytest.raises(ConfigError, match="out of date"):
        create_app({**app_config, "BABEL_TRANSLATION_DIRECTORIES": str(copy)})


def test_unknown_pages_and_methods_answer_in_the_users_language(
    login_as: LoginAs, client: FlaskClient
) -> None:
    client.set_cookie("lang", "ru")
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert "Не найдено" in missing.text and '<html lang="ru">' in missing.text
    assert login_as("teacher").get("/no-such-page").text.count("Табылмады") >= 1
    assert login_as("teacher").delete("/cases/new").status_code == 405


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/sign-in")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_wsgi_entry_builds_the_app_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'wsgi.sqlite3'}")
    monkeypatch.setenv("START_WORKER", "0")
    monkeypatch.setenv("FILE_STORE", str(tmp_path / "files"))
    sys.modules.pop("app.wsgi", None)
    module = importlib.import_module("app.wsgi")
    try:
        assert module.app.config["SECRET_KEY"] == "from-env"
        assert module.app.config["FILE_STORE"] == str(tmp_path / "files")
    finally:
        app_state(module.app).engine.dispose()
        sys.modules.pop("app.wsgi", None)
