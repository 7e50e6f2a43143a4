"""Malformed requests: each is refused (400, 404 or 422) in the user's language, writes nothing,
and never answers 500.

`MALFORMED` is the corpus of requests that once broke the app (found by fuzzing it). Add to it
whenever a new one is found; `tests/app/test_fuzz.py` searches for more.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Connection

from tests.app.conftest import LoginAs
from tests.app.writes import snapshot
from tests.workflows.flow import Flow, application

KEY = "qualification_request"
HUGE = "99999999999999999999"  # above 2^63
ABOVE_INT64 = "9223372036854775808"  # 2^63
ABOVE_INT32 = "2147483648"  # 2^31, past PostgreSQL's INTEGER
NUL = "a\x00b"

# What the refusal pages say, in Kazakh (the default language)
NOT_FOUND = "Табылмады"
UNREADABLE = "Сұраныс оқылмады"
ENTER_A_NUMBER = "Санды енгізіңіз."
NOT_THIS_KIND = "Бұл мекенжай сұраныстың мұндай түрін қабылдамайды."


def _form(**overrides: Any) -> dict[str, str]:
    """The application form as a browser sends it (all strings), valid unless overridden."""
    values = {k: ("on" if v is True else str(v)) for k, v in application().items()}
    return {**values, **overrides}


@dataclass(frozen=True)
class Malformed:
    who: str  # a demo login, or "anonymous"
    method: str
    path: str  # may name {endorse}, the head's open task
    status: int
    says: str  # a text of the page (or JSON) that explains the refusal in the user's language
    data: dict[str, Any] = field(default_factory=dict)
    json: Any = None

    def __str__(self) -> str:
        return f"{self.who} {self.method} {self.path} {self.data or self.json or ''}"[:120]


MALFORMED = [
    # NUL bytes in a form field, a query value, a path value; anonymous visitors too
    Malformed("anonymous", "POST", "/sign-in", 400, UNREADABLE, {"username": NUL, "password": "demo"}),
    Malformed("anonymous", "GET", "/sign-in?next=a%00b", 400, UNREADABLE),
    Malformed("anonymous", "POST", "/language", 400, UNREADABLE, {"lang": "kk", "next": NUL}),
    Malformed("teacher", "GET", "/?q=a%00b", 400, UNREADABLE),
    Malformed("teacher", "GET", "/?process=a%00b&step=x", 400, UNREADABLE),
    Malformed("teacher", "GET", "/documents/a%00b", 400, UNREADABLE),
    Malformed(
        "teacher", "POST", "/cases/new?process=qualification_request", 400, UNREADABLE, _form(place=NUL)
    ),
    Malformed("head", "POST", "/tasks/{endorse}", 400, UNREADABLE, {"decision": "return", "comment": NUL}),
    Malformed("owner", "GET", "/processes/a%00b", 400, UNREADABLE),
    Malformed("owner", "POST", f"/processes/{KEY}/check", 400, UNREADABLE, json={"xml": NUL, "forms": {}}),
    Malformed("owner", "POST", f"/processes/{KEY}/draft", 400, UNREADABLE, json={"xml": "", NUL: 1}),
    # a JSON body to a page that reads forms (Flask-WTF would take it for the form's fields)
    Malformed("anonymous", "POST", "/sign-in", 415, NOT_THIS_KIND, json=False),
    Malformed("anonymous", "POST", "/sign-in", 415, NOT_THIS_KIND, json={"username": 5, "password": [1]}),
    Malformed("head", "POST", "/tasks/{endorse}", 415, NOT_THIS_KIND, json={"decision": "approve"}),
    # ids past the database's integer columns, in paths
    Malformed("teacher", "GET", f"/cases/{HUGE}", 404, NOT_FOUND),
    Malformed("teacher", "GET", f"/cases/{ABOVE_INT64}", 404, NOT_FOUND),
    Malformed("teacher", "GET", f"/cases/{ABOVE_INT32}", 404, NOT_FOUND),
    Malformed("teacher", "GET", f"/cases/{HUGE}/order.pdf", 404, NOT_FOUND),
    Malformed("teacher", "GET", f"/tasks/{HUGE}", 404, NOT_FOUND),
    Malformed("head", "POST", f"/tasks/{ABOVE_INT32}", 404, NOT_FOUND, {"decision": "approve"}),
    Malformed("head", "POST", f"/tasks/{HUGE}/claim", 404, NOT_FOUND),
    Malformed("teacher", "POST", f"/notifications/{HUGE}/read", 404, NOT_FOUND),
    Malformed("teacher", "POST", f"/notifications/{ABOVE_INT32}/read", 404, NOT_FOUND),
    # version numbers of 20 digits, in the path and in the comparison's query
    Malformed("owner", "GET", f"/processes/{KEY}/versions/{HUGE}/download", 404, NOT_FOUND),
    Malformed("owner", "POST", f"/processes/{KEY}/versions/{HUGE}/republish", 404, NOT_FOUND),
    Malformed("owner", "GET", f"/processes/{KEY}/compare?a={HUGE}&b=1", 404, NOT_FOUND),
    Malformed("owner", "GET", f"/processes/{KEY}/compare?a=1&b={ABOVE_INT32}", 404, NOT_FOUND),
    Malformed("owner", "GET", f"/processes/{KEY}/compare?a=%C2%B2&b=1", 404, NOT_FOUND),  # "²" is a digit
    # non-finite numbers in the application form
    *(
        Malformed(
            "teacher",
            "POST",
            "/cases/new?process=qualification_request",
            422,
            ENTER_A_NUMBER,
            _form(funding_source="university", cost=c),
        )
        for c in ("inf", "nan", "1e309", "-Infinity")
    ),
]


@pytest.fixture
def endorse(flow: Flow) -> int:
    case = flow.start()
    return flow.task(case, "endorse").id


def _client(who: str, login_as: LoginAs, client: FlaskClient) -> FlaskClient:
    return client if who == "anonymous" else login_as(who)


@pytest.mark.parametrize("request_", MALFORMED, ids=str)
def test_a_malformed_request_is_refused_in_the_users_language_and_writes_nothing(
    request_: Malformed,
    endorse: int,
    login_as: LoginAs,
    client: FlaskClient,
    connection: Connection,
    tmp_path: Path,
) -> None:
    browser = _client(request_.who, login_as, client)
    before = snapshot(connection, tmp_path / "files")
    path = request_.path.format(endorse=endorse)
    if request_.json is not None:
        response = browser.open(path, method=request_.method, json=request_.json)
    else:
        response = browser.open(path, method=request_.method, data=request_.data)
    assert response.status_code == request_.status, response.text[:300]
    body = json.dumps(response.json, ensure_ascii=False) if response.is_json else response.text
    assert request_.says in body
    assert snapshot(connection, tmp_path / "files").changes_since(before) == []


def test_the_inbox_and_the_notifications_clamp_a_huge_page_number(login_as: LoginAs) -> None:
    teacher = login_as("teacher")
    for path in ("/", "/notifications"):
        for page in ("9223372036854775807", HUGE, "-5", "x", "²"):
            response = teacher.get(f"{path}?page={page}")
            assert response.status_code == 200, (path, page)


def _field(**prop: Any) -> dict[str, Any]:
    return {"type": "object", "properties": {"choice": {"type": "string", **prop}}}


# Form schemas a process owner may type into the editor: valid JSON Schema, odd x-* annotations.
ODD_FORMS: list[tuple[str, Any, str]] = [
    ("enum titles as a list", _field(enum=["a", "b"], **{"x-enum-titles": ["A", "B"]}), 'value="a"'),
    ("enum titles as a text", _field(enum=["a", "b"], **{"x-enum-titles": "A"}), 'value="b"'),
    ("enum titles of lists", _field(enum=["a"], **{"x-enum-titles": {"a": ["A"]}}), 'value="a"'),
    ("enum values that are not text", _field(enum=[[1], {"x": 1}, None, 2]), 'value="2"'),
    (
        "decisions titled by a number",
        {"properties": {"decision": {"enum": ["go"], "x-enum-titles": 5}}},
        ">go<",
    ),
    ("a title as a list", _field(**{"x-title": ["Таңдау"]}), 'name="choice"'),
    ("a title in a language map of maps", _field(**{"x-title": {"kk": {"a": 1}}}), 'name="choice"'),
    ("help as a number", _field(**{"x-help": 5}), "5"),
    ("a widget as a list", _field(**{"x-widget": ["textarea"]}), 'name="choice"'),
    ("a field given as true", {"properties": {"choice": True}}, 'name="choice"'),
    ("several types", {"properties": {"choice": {"type": ["integer", "null"]}}}, 'name="choice"'),
    ("a form title as a list", {"x-title": ["T"], "properties": {}}, "form-preview__fields"),
]


@pytest.mark.parametrize(("_name", "schema", "shows"), ODD_FORMS, ids=[f[0] for f in ODD_FORMS])
def test_the_form_preview_tolerates_odd_annotations(
    _name: str, schema: Any, shows: str, login_as: LoginAs
) -> None:
    text = json.dumps(schema, ensure_ascii=False)
    response = login_as("owner").post(f"/processes/{KEY}/forms/preview", json={"key": "odd", "text": text})
    assert response.status_code == 200, response.text[:300]
    assert response.json is not None and response.json["problems"] == []
    assert shows in response.json["html"]


def test_an_address_that_names_no_page_stays_a_404_whatever_it_carries(login_as: LoginAs) -> None:
    teacher = login_as("teacher")
    assert teacher.get("/no-such-page?q=a%00b").status_code == 404
    assert teacher.post("/no-such-page", json={"x": NUL}).status_code == 404
