"""One commit point per request: kept on success, undone on every refusal unless the view opts in."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, url_for
from sqlalchemy import select

from app import create_app
from app.errors import refusals_go_to
from app.routing import reads_json
from app.state import db
from app.transaction import keep_despite_refusal
from tests.conftest import Demo
from workflows.errors import Conflict, NotFound
from workflows.org.models import Person


@pytest.fixture
def writing_app(app_config: dict[str, Any], demo: Demo) -> Flask:
    """The app with one extra route that renames the teacher, then answers as the test asks."""
    app = create_app(app_config)

    @app.post("/_test/rename/<how>")
    @reads_json  # its JSON refusals are tested too
    def rename(how: str) -> Any:
        person = db().get(Person, demo["teacher"])
        assert person is not None
        person.full_name = f"renamed {how}"
        db().flush()
        if how == "ok":
            return "done"
        if how == "status":
            return "refused", 400
        if how == "kept":
            keep_despite_refusal()
            return "refused but kept", 401
        if how == "domain":
            raise NotFound("nothing here")
        if how == "flashed":
            refusals_go_to(url_for("inbox.index"))
            raise Conflict("someone else first")
        return "?", 500

    return app


def _name(app: Flask, demo: Demo) -> str:
    sessions = app.extensions["biliktilik"].sessions
    with sessions() as session:
        return str(session.scalar(select(Person.full_name).where(Person.id == demo["teacher"])))


@pytest.mark.parametrize(
    ("how", "status", "kept"),
    [
        ("ok", 200, True),
        ("status", 400, False),
        ("kept", 401, True),
        ("domain", 404, False),
        ("flashed", 303, False),
        ("server", 500, False),
    ],
)
def test_a_request_keeps_its_writes_only_when_it_succeeds_or_opts_in(
    writing_app: Flask, demo: Demo, how: str, status: int, kept: bool
) -> None:
    before = _name(writing_app, demo)
    response = writing_app.test_client().post(f"/_test/rename/{how}")
    assert response.status_code == status
    assert _name(writing_app, demo) == (f"renamed {how}" if kept else before)


def test_a_flashed_refusal_says_why_on_the_page_it_returns_to(writing_app: Flask, demo: Demo) -> None:
    client = writing_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(demo["teacher"]), True
    response = client.post("/_test/rename/flashed", follow_redirects=True)
    assert response.status_code == 200
    assert "Дәл осы сәтте істі басқа біреу өзгертті" in response.text  # "someone else changed it", in Kazakh


def test_json_requests_get_json_refusals(writing_app: Flask) -> None:
    response = writing_app.test_client().post("/_test/rename/domain", json={})
    assert response.status_code == 404
    assert response.is_json and response.json is not None and response.json["error"] == "not_found"
