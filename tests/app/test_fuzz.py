"""Every route of the app, fed generated requests: no answer is ever a server error, and a refusal
writes nothing.

For each rule of the URL map and each method it allows, Hypothesis sends requests as an anonymous
visitor and as a few demo people: path values (real ids, huge and negative numbers, odd text),
query strings and form fields (NUL bytes, huge and non-finite numbers, long and odd Unicode),
JSON bodies for the editor's calls, and uploads. The examples are fixed (`derandomize`) so that a
run in CI is the run a developer repeats; requests that once broke the app stay in
`test_malformed.py`'s corpus. To search further than CI does, run it with, say,
FUZZ_EXAMPLES=300 FUZZ_RANDOM=1 (a new random search each run).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, select

from app import create_app
from tests import factories
from tests.app.conftest import LoginAs
from tests.app.writes import snapshot
from tests.conftest import ROOT
from tests.workflows.cases.test_incidents import held_up_case
from tests.workflows.flow import PDF, Flow, application
from workflows.cases.models import Incident
from workflows.forms.schema import load_forms
from workflows.messaging.models import Notification
from workflows.org.models import OrgUnit, RoleAssignment
from workflows.planning.campaign import open_campaign
from workflows.planning.lines import add_line
from workflows.planning.models import PlanSchedule
from workflows.records.extracts import issue_extract
from workflows.records.models import Nonconformity

KEY = "qualification_request"
SHIPPED = (ROOT / "bpmn" / f"{KEY}.bpmn").read_text("utf-8")
FORMS = load_forms()
WHO = ["anonymous", "teacher", "head", "hr", "owner"]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "16"))  # per route and method
HTTP_NAMES = ("Bad Request", "Not Found", "Method Not Allowed", "Internal Server Error")


def _routes() -> list[tuple[str, str, str]]:
    """(rule, endpoint, method) of every route; the URL map does not depend on the database."""
    app = create_app({"TESTING": True, "SECRET_KEY": "routes", "DATABASE_URL": "sqlite://"})
    return sorted(
        (rule.rule, rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in sorted((rule.methods or set()) & {"GET", "POST"})
    )


ROUTES = _routes()
PART = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")

# Values that broke or nearly broke something once, and their relatives
ODD = [
    "a\x00b",
    "\x00",
    "inf",
    "-Infinity",
    "nan",
    "1e309",
    "-1e309",
    "99999999999999999999",
    "9223372036854775807",
    "2147483648",
    "2147483647",
    "-1",
    "0",
    "007",
    "1_000",
    "²",
    "٣",
    "１２",
    "\u202eevil",
    "\ufeff",
    "\x01\x1f\x7f",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🎓",
    "e\u0301",
    "Қазақстан",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "\r\n\t",
    " ",
    "",
    "x" * 5000,
    "я" * 3000,
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "2026-03-21",
    "draft",
    KEY,
]
texts = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=30),
    st.integers().map(str),
    st.floats().map(str),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30) | st.floats() | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
FIELD_NAMES = sorted(
    {name for schema in FORMS.values() for name in schema["properties"]}
    | {"decision", "comment", "token", "note", "next", "lang", "username", "password", "certificate__current"}
)
QUERY_NAMES = ["page", "q", "process", "step", "due", "a", "b", "next"]
names = st.one_of(st.sampled_from(FIELD_NAMES), texts)
form_fields = st.dictionaries(names, texts, max_size=5)
BASE_FORMS: list[dict[str, str]] = [
    {},
    {k: ("on" if v is True else str(v)) for k, v in application(funding_source="university", cost=1).items()},
    {"decision": "approve"},
    {"decision": "return", "comment": "Түзетіңіз"},
    {"certificate_number": "NU-1", "report_text": "Курста цифрлық бағалау құралдарын үйрендім."},
]
uploads = st.tuples(
    st.sampled_from(["certificate", "report_file", "file"]),
    st.one_of(
        st.sampled_from([PDF, b"", b"%PDF<html></html>", b"\x89PNG\r\n\x1a\n", SHIPPED.encode()]),
        st.binary(max_size=64),
    ),
    texts,
)
form_schemas = st.fixed_dictionaries(
    {
        "type": st.just("object"),
        "properties": st.dictionaries(
            st.text(min_size=1, max_size=8),
            st.fixed_dictionaries(
                {},
                optional={
                    "type": st.sampled_from(["string", "integer", "number", "boolean", ["integer", "null"]]),
                    "enum": st.lists(json_values, min_size=1, max_size=5),
                    "format": st.sampled_from(["date", "document", "email"]),
                    "x-enum-titles": json_values,
                    "x-title": json_values,
                    "x-help": json_values,
                    "x-widget": json_values,
                },
            ),
            max_size=3,
        ),
    },
    optional={"x-title": json_values, "x-description": json_values},
)
editor_bodies = st.fixed_dictionaries(
    {},
    optional={
        "xml": st.one_of(st.just(SHIPPED), texts),
        "forms": st.one_of(
            st.just({k: json.dumps(v, ensure_ascii=False) for k, v in FORMS.items()}),
            st.dictionaries(texts, st.one_of(texts, form_schemas.map(json.dumps)), max_size=2),
            json_values,
        ),
        "key": st.one_of(st.sampled_from(sorted(FORMS)), texts),
        "text": st.one_of(form_schemas.map(json.dumps), texts),
        "token": st.one_of(st.sampled_from(["1.0", "1.1", "2.1"]), texts),
        "note": texts,
        "rebase": json_values,
    },
)


# Who most likely gets past the access checks of each area, so that many requests reach the views.
LIKELY = {"processes": "owner", "tasks": "head", "cases": "teacher", "auth": "anonymous", "records": "hr"}
LIKELY = {"processes": "owner", "tasks": "head", "cases": "teacher", "auth": "anonymous", "admin": "hr"}
LIKELY = {"processes": "owner", "tasks": "head", "cases": "teacher", "auth": "anonymous", "registers": "hr"}
LIKELY = {**LIKELY, "planning": "head"}


@dataclass(frozen=True)
class World:
    known: dict[str, str]  # a real value for each path argument


def _incident(flow: Flow) -> int:
    """A case held up at a step whose diagram fails, as the owners see it on /incidents."""
    held_up_case(flow)
    with flow.factory() as session:
        return session.scalars(select(Incident.id)).one()


def _plan(flow: Flow) -> dict[str, int]:
    """A planning campaign with one line on the Computer Science schedule (workflows/planning)."""
    with flow.factory() as session:
        ref = open_campaign(session, 2027, flow.demo["hr"], flow.clock)
        schedule = session.scalars(
            select(PlanSchedule.id)
            .join(OrgUnit, OrgUnit.id == PlanSchedule.org_unit_id)
            .where(PlanSchedule.campaign_id == ref.id, OrgUnit.code == "cs")
        ).one()
        fields = {
            "topic": "Курс",
            "training_form": "course",
            "mode": "without_leaving_work",
            "quarter": "1",
            "hours": "72",
            "funding_source": "own",
        }
        line = add_line(session, schedule, flow.demo["teacher"], fields, flow.demo["head"], flow.clock, None)
        session.commit()
        return {"campaign_id": ref.id, "schedule_id": schedule, "line_id": line.id}


@pytest.fixture
def world(flow: Flow, request: pytest.FixtureRequest) -> World:
    rule = request.node.callspec.params.get("rule", "")
    incident = _incident(flow) if "incident_id" in rule else 1  # only where the route names one
    case = flow.start()
    task = flow.task(case, "endorse").id
    document = flow.upload("teacher")
    with flow.factory() as session:
        notice = session.scalars(
            select(Notification.id).where(Notification.person_id == flow.demo["teacher"]).limit(1)
        ).first()
        record = factories.training_record(session, flow.demo["teacher"]).id
        extract = issue_extract(session, flow.demo["teacher"], flow.demo["teacher"], flow.clock)
        session.commit()
        unit = session.scalars(select(OrgUnit.id).where(OrgUnit.code == "cs")).one()
        seat = session.scalars(
            select(RoleAssignment.id).where(RoleAssignment.person_id == flow.demo["head"])
        ).one()
        entry = Nonconformity(
            person_id=flow.demo["teacher"],
            kind="report_overdue",
            note="Кешікті",
            recorded_at=flow.clock.now(),
        )
        session.add(entry)
        session.commit()
    plan = _plan(flow) if "/plan/" in rule else {"campaign_id": 1, "schedule_id": 1, "line_id": 1}
    values = {
        **plan,
        "case_id": case,
        "task_id": task,
        "notice_id": notice or 1,
        "number": 1,
        "person_id": flow.demo["teacher"],
        "incident_id": incident,
        "record_id": record,
        "extract_id": extract.id,
        "run_id": 1,  # no such import: the pages answer 404 or 403
        "unit_id": unit,
        "seat_id": seat,
        "delegation_id": 1,
        "entry_id": entry.id,
        "filter_id": 1,
        "export_id": 1,  # no such export: 404
    }
    known = {
        **{k: str(v) for k, v in values.items()},
        "document_id": document,
        "key": KEY,
        "token": extract.token,
    }
    return World(known)


def _path(rule: str, world: World, data: st.DataObject) -> str:
    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "default", match.group(2)
        if converter == "id":
            edges = st.sampled_from(["0", "-1", str(2**31), str(2**63), "9" * 20])
            odd = st.one_of(edges, st.integers(min_value=-5, max_value=10**25).map(str), texts)
            return data.draw(st.one_of(st.just(world.known[name]), odd))
        if converter == "path":
            known = st.sampled_from(["css/app.css", "bpmn-modeler.production.min.js", "../../pyproject.toml"])
            return quote(data.draw(st.one_of(known, texts)), safe="/")
        return quote(data.draw(st.one_of(st.just(world.known.get(name, KEY)), texts)), safe="")

    return PART.sub(value, rule)


def _send(browser: FlaskClient, method: str, path: str, data: st.DataObject) -> Any:
    query = data.draw(st.dictionaries(st.one_of(st.sampled_from(QUERY_NAMES), texts), texts, max_size=3))
    url = f"{path}?{urlencode(query)}" if query else path
    if method == "GET":
        return browser.get(url)
    kind = data.draw(st.sampled_from(["form", "json", "upload"]))
    if kind == "json":
        body = data.draw(st.one_of(editor_bodies, json_values))
        return browser.post(url, data=json.dumps(body), content_type="application/json")
    form: dict[str, Any] = {**data.draw(st.sampled_from(BASE_FORMS)), **data.draw(form_fields)}
    if kind == "upload":
        field, content, filename = data.draw(uploads)
        form[field] = (BytesIO(content), filename)
        return browser.post(url, data=form, content_type="multipart/form-data")
    return browser.post(url, data=form)


@pytest.mark.parametrize(("rule", "endpoint", "method"), ROUTES, ids=[f"{m} {r}" for r, _e, m in ROUTES])
def test_no_generated_request_gets_a_server_error_or_writes_when_refused(
    rule: str,
    endpoint: str,
    method: str,
    app: Flask,
    world: World,
    login_as: LoginAs,
    connection: Connection,
    tmp_path: Path,
) -> None:
    store_root = tmp_path / "files"
    likely = LIKELY.get(endpoint.split(".")[0], "teacher")

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not os.environ.get("FUZZ_RANDOM"),
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(who=st.one_of(st.just(likely), st.sampled_from(WHO)), data=st.data())
    def request_(who: str, data: st.DataObject) -> None:
        browser = app.test_client() if who == "anonymous" else login_as(who)
        path = _path(rule, world, data)
        before = snapshot(connection, store_root)
        response = _send(browser, method, path, data)
        status = response.status_code
        assert status < 500, response.get_data(as_text=True)[:500]
        counted = (endpoint == "auth.sign_in" and status == 401) or (
            endpoint == "records.verify" and status == 404
        )
        if status >= 400 and not counted:  # a failed sign-in counts, and so does a look-up of a wrong token
            assert snapshot(connection, store_root).changes_since(before) == []
        if status >= 400 and response.mimetype == "text/html":
            assert not any(name in response.text for name in HTTP_NAMES), response.text[:500]
        response.close()

    request_()


def test_the_walk_covers_every_route(app: Flask) -> None:
    routes = {(r.rule, m) for r in app.url_map.iter_rules() for m in (r.methods or set()) & {"GET", "POST"}}
    assert routes == {(rule, method) for rule, _endpoint, method in ROUTES}
