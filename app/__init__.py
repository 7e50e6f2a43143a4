"""The Flask application: `create_app` wires configuration, extensions and blueprints, nothing else.

Migrations, publishing diagrams and demo data are explicit commands (`biliktilik setup`).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from app import assets, errors, i18n, routing, security, transaction
from app import views as pages
from app.config import DEFAULTS, ConfigError, check, from_env
from app.extensions import babel, csrf, login_manager
from app.state import KEY, AppState
from app.worker import WorkerThread
from workflows.cases.documents import FileStore
from workflows.clock import SystemClock
from workflows.db import make_engine, make_session_factory
from workflows.language import CataloguesMissing, check_catalogues


def _catalogue_check(directory: Path) -> None:
    try:
        check_catalogues(directory)
    except CataloguesMissing as exc:
        raise ConfigError(str(exc)) from exc


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    overrides = config or {}
    app.config.update(from_env() if not overrides.get("TESTING") else {**from_env(), "START_WORKER": False})
    app.config.update(overrides)
    check(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secrets.token_hex(32)  # development and tests only (see check)
    try:
        assets.check(app.config["BPMN_JS_DIR"], app.config.get("DMN_JS_DIR"))
    except assets.AssetsMissing as exc:
        raise ConfigError(str(exc)) from exc
    _catalogue_check(Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]))

    engine = app.config.get("SQLALCHEMY_ENGINE") or make_engine(app.config["DATABASE_URL"])
    app.extensions[KEY] = AppState(
        engine=engine,
        sessions=app.config.get("SQLALCHEMY_SESSIONS") or make_session_factory(engine),
        clock=app.config.get("CLOCK") or SystemClock(),
        store=FileStore(Path(app.config["FILE_STORE"])),
    )

    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    routing.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    transaction.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    pages.init_app(app)

    if app.config["START_WORKER"]:
        state = app.extensions[KEY]
        worker = WorkerThread(state.sessions, state.clock, app.config["WORKER_POLL_SECONDS"])
        app.extensions[KEY + ".worker"] = worker
        worker.start()
    return app
