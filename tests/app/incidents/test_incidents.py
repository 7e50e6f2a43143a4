"""A failing diagram answers in the user's language without a 500, and the owners can act on it."""

from __future__ import annotations

from sqlalchemy import select

from tests.app.conftest import LoginAs
from tests.workflows.cases.test_incidents import _failing_due
from tests.workflows.flow import Flow
from workflows.cases.models import Incident


def test_a_failing_step_is_refused_without_a_500_and_its_incident_is_kept(
    flow: Flow, login_as: LoginAs
) -> None:
    _failing_due(flow)
    case = flow.start()
    task = flow.task(case, "endorse")
    response = login_as("head").post(f"/tasks/{task.id}", data={"decision": "approve"})
    assert response.status_code == 422
    assert "Процесс иелеріне хабарланды" in response.text
    assert flow.open_elements(case) == ["endorse"]
    with flow.factory() as s:
        assert len(s.scalars(select(Incident)).all()) == 1
    assert "Іс тоқтап тұр" in login_as("teacher").get(f"/cases/{case}").text


def test_owners_see_the_incident_and_run_it_again(flow: Flow, login_as: LoginAs) -> None:
    _failing_due(flow)
    case = flow.start()
    login_as("head").post(f"/tasks/{flow.task(case, 'endorse').id}", data={"decision": "approve"})
    owner = login_as("owner")
    page = owner.get("/incidents").text
    assert "rector_visa" in page and "Қайта іске қосу" in page
    with flow.factory() as s:
        incident = s.scalars(select(Incident)).one().id
    still = owner.post(f"/incidents/{incident}/retry", follow_redirects=True)
    assert still.status_code == 200 and "Процесс иелеріне хабарланды" in still.text  # the cause remains
    flow.at("2026-03-06T09:00:00+05:00")
    done = owner.post(f"/incidents/{incident}/retry", follow_redirects=True)
    assert "Кезең қатесіз қайта орындалды." in done.text
    assert flow.open_elements(case) == ["rector_visa"]
    assert "Тоқтап тұрған іс жоқ." in owner.get("/incidents").text
