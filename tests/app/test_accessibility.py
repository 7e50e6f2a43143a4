"""Every main page passes the HTML audit: labelled controls, one h1, ordered headings, the page language."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from tests.app.conftest import LoginAs
from tests.app.html_audit import audit
from tests.workflows.flow import Flow
from workflows.cases.models import HumanTask
from workflows.org.models import OrgUnit, Person
from workflows.reports.quarterly import open_quarter

Page = Callable[[Flow, LoginAs, FlaskClient], TestResponse]


def _case_with_order(flow: Flow) -> int:
    case = flow.start()
    flow.do("head", case, "endorse", decision="return", comment="Күндерді нақтылаңыз")
    flow.do(
        "teacher",
        case,
        "revise_application",
        **{
            "course": "Жоғары мектептегі цифрлық педагогика",
            "provider": "Назарбаев Университеті",
            "training_form": "course",
            "mode": "without_leaving_work",
            "place": "Астана",
            "start_date": "2026-03-25",
            "end_date": "2026-03-31",
            "hours": 72,
            "funding_source": "own",
            "in_plan": True,
            "relevance": "Пәндерге цифрлық құралдар",
        },
    )
    flow.approve_to_order(case)
    return case


def _report_page(flow: Flow, login_as: LoginAs) -> TestResponse:
    case = _case_with_order(flow)
    flow.at("2026-04-01T08:00:00+05:00")
    flow.fire()
    return login_as("teacher").post(f"/tasks/{flow.task(case, 'submit_report').id}", data={})


def _inbox(flow: Flow, login_as: LoginAs, client: FlaskClient) -> TestResponse:
    flow.start()
    return login_as("head").get("/")


def _task(flow: Flow, login_as: LoginAs, client: FlaskClient) -> TestResponse:
    return login_as("head").get(f"/tasks/{flow.task(flow.start(), 'endorse').id}")


def _task_errors(flow: Flow, login_as: LoginAs, client: FlaskClient) -> TestResponse:
    task = flow.task(flow.start(), "endorse")
    return login_as("head").post(f"/tasks/{task.id}", data={"decision": "reject"})


def _mine(flow: Flow, login_as: LoginAs, client: FlaskClient) -> TestResponse:
    _case_with_order(flow)
    return login_as("teacher").get("/cases")


def _notifications(flow: Flow, login_as: LoginAs, client: FlaskClient) -> TestResponse:
    _case_with_order(flow)
    return login_as("teacher").get("/notifications")


def _quarterly_task(flow: Flow, login_as: LoginAs, client: FlaskClient) -> TestResponse:
    flow.at("2026-04-02T09:00:00+05:00")
    with flow.factory() as s:
        open_quarter(s, flow.clock)
        s.commit()
        task = s.scalars(select(HumanTask).where(HumanTask.element_id == "check_and_send")).first()
    assert task is not None
    return login_as("head" if task.org_unit_id == _cs(flow) else "head2").get(f"/tasks/{task.id}")


def _cs(flow: Flow) -> int:
    with flow.factory() as s:
        return s.scalars(select(OrgUnit.id).where(OrgUnit.code == "cs")).one()


PAGES: dict[str, tuple[Page, int]] = {
    "sign-in": (lambda flow, login_as, client: client.get("/sign-in"), 200),
    "sign-in failed": (
        lambda flow, login_as, client: client.post("/sign-in", data={"username": "head", "password": "x"}),
        401,
    ),
    "inbox": (_inbox, 200),
    "task with decision": (_task, 200),
    "task with errors": (_task_errors, 422),
    "report task with errors": (lambda flow, login_as, client: _report_page(flow, login_as), 422),
    "new application": (
        lambda flow, login_as, client: login_as("teacher").get("/cases/new?process=qualification_request"),
        200,
    ),
    "new application with errors": (
        lambda flow, login_as, client: login_as("teacher").post(
            "/cases/new?process=qualification_request", data={"hours": "x"}
        ),
        422,
    ),
    "my applications": (_mine, 200),
    "case page": (
        lambda flow, login_as, client: login_as("teacher").get(f"/cases/{_case_with_order(flow)}"),
        200,
    ),
    "notifications": (_notifications, 200),
    "quarterly data task": (_quarterly_task, 200),
    "retention periods with errors": (
        lambda flow, login_as, client: login_as("hr").post("/reports/retention", data={"schedule": "x"}),
        422,
    ),
    "not found": (lambda flow, login_as, client: login_as("teacher").get("/cases/424242"), 404),
}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_passes_the_audit(
    name: str, lang: str, flow: Flow, login_as: LoginAs, client: FlaskClient
) -> None:
    with flow.factory() as s:
        s.execute(update(Person).values(locale=lang))
        s.commit()
    client.set_cookie("lang", lang)
    open_page, status = PAGES[name]
    response = open_page(flow, login_as, client)
    assert response.status_code == status
    assert audit(response.text, lang) == []


def test_the_audit_finds_what_it_looks_for() -> None:
    page = (
        '<html lang="ru"><body><h2>x</h2><h1>a</h1><h1>b</h1><h3>c</h3>'
        '<input name="q"><label for="n">N</label><select id="n"></select><img src="x.png">'
        '<button></button><p aria-describedby="nowhere">p</p></body></html>'
    )
    problems = audit(page, "kk")
    assert "<html lang> is 'ru', expected 'kk'" in problems
    assert "2 h1 elements" in problems
    assert "heading level jumps from h1 to h3" in problems
    assert "the first heading is h2" in problems
    assert "<input name='q'> has no label" in problems
    assert "<select name=None> has no label" not in problems
    assert "images without alt: ['x.png']" in problems
    assert "1 buttons without text" in problems
    assert "aria-describedby points nowhere: ['nowhere']" in problems
