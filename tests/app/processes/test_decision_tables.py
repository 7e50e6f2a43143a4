"""The decision tables beside the diagrams: listed, opened in the dmn-js editor, checked, saved,
published and compared through the same requests, and started from a preset; owners only."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.app.conftest import LoginAs, json_of
from tests.app.processes.test_processes_editor import editor_data as editor_page_data
from tests.workflows.flow import Flow
from workflows.definitions.models import ProcessDraft
from workflows.records.requirements import Facts, policy_on

KEY = "periodicity"
BASE = f"/processes/{KEY}"
SHIPPED = (Path(__file__).resolve().parents[3] / "bpmn" / "periodicity.dmn").read_text("utf-8")
TEACHER = Facts("teaching", "lecturer", "department", False, True)
ROUTES: list[tuple[str, str, dict[str, str]]] = [
    ("GET", "/processes", {}),
    ("GET", BASE, {}),
    ("GET", f"{BASE}/edit", {}),
    ("GET", f"{BASE}/compare?a=1&b=1", {}),
    ("GET", f"{BASE}/versions/1/download", {}),
    ("POST", f"{BASE}/presets", {"preset": "seed_003", "token": "0.0"}),
]


def editor_data(client: FlaskClient) -> dict[str, Any]:
    return editor_page_data(client, BASE)


def one_cell(xml: str, before: str, after: str) -> str:
    return xml.replace(f"<text>{before}</text>", f"<text>{after}</text>", 1)


@pytest.mark.parametrize("role", ["anonymous", "teacher", "head", "hr", "rector", "admin"])
def test_only_process_owners_reach_the_tables(
    role: str, flow: Flow, login_as: LoginAs, client: FlaskClient
) -> None:
    browser = client if role == "anonymous" else login_as(role)
    for method, path, data in ROUTES:
        response = browser.open(path, method=method, data=data)
        assert response.status_code == (302 if role == "anonymous" else 403), f"{method} {path}"
    with flow.factory() as session:
        assert session.scalars(select(ProcessDraft)).first() is None


def test_the_list_shows_the_table_beside_the_diagrams(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    page = owner.get("/processes").text
    assert 'href="/processes/qualification_request/edit"' in page
    assert f'href="{BASE}/edit"' in page and "Біліктілікті арттыру кезеңділігі" in page
    show = owner.get(BASE)
    assert show.status_code == 200 and 'name="preset"' in show.text and "seed_003" in show.text


def test_the_editor_page_serves_the_pinned_dmn_js_and_the_table(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    page = owner.get(f"{BASE}/edit").text
    assert "/vendor/dmn-js/dmn-modeler.production.min.js" in page and "/static/editor/table.js" in page
    assert "bpmn-modeler" not in page and "unpkg" not in page and "cdn" not in page.lower()
    data = editor_data(owner)
    assert data["xml"] == SHIPPED and data["fileSuffix"] == "dmn"
    assert "Add rule" in data["modelerTexts"]
    script = owner.get("/vendor/dmn-js/dmn-modeler.production.min.js")
    assert script.status_code == 200 and b"DmnJS" in script.data
    script.close()


def test_a_bad_cell_is_named_in_the_owners_language_and_nothing_publishes(
    flow: Flow, login_as: LoginAs
) -> None:
    owner = login_as("owner")
    owner.post("/language", data={"lang": "ru"})
    data = editor_data(owner)
    bad = one_cell(SHIPPED, "72", '"много"')
    checked = json_of(owner.post(f"{BASE}/check", json={"xml": bad, "forms": {}, "token": data["token"]}))
    [found] = checked["problems"]
    assert found["code"] == "decision_cell_type" and found["element_id"] == "rule_teachers"
    assert "Правило 1" in found["text"] and "«Сағат»" in found["text"]
    saved = json_of(owner.post(f"{BASE}/draft", json={"xml": bad, "forms": {}, "token": data["token"]}))
    assert saved["publishable"] is False
    refused = owner.post(f"{BASE}/publish", json={"token": saved["token"], "note": "x"})
    assert refused.status_code == 422
    with flow.factory() as session:
        assert policy_on(session, date(2026, 3, 2)).version_label == "periodicity v1"


def test_save_publish_and_compare_rule_by_rule(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    data = editor_data(owner)
    sixty = one_cell(SHIPPED, "72", "60")
    saved = json_of(owner.post(f"{BASE}/draft", json={"xml": sixty, "forms": {}, "token": data["token"]}))
    assert saved["publishable"] is True and saved["problems"] == []
    compared = owner.get(f"{BASE}/compare?a=1&b=draft").text
    assert "rule_teachers" in compared and "60" in compared
    published = json_of(owner.post(f"{BASE}/publish", json={"token": saved["token"], "note": "Бұйрық 5"}))
    assert published["version"] == 2
    with flow.factory() as session:
        assert policy_on(session, date(2026, 3, 2)).requirements(TEACHER)[0].hours == 60
    download = owner.get(f"{BASE}/versions/2/download")
    assert 'filename="periodicity_v2.dmn"' in download.headers["Content-Disposition"]
    assert download.data.decode("utf-8") == sixty


def test_a_preset_goes_into_the_draft(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    token = editor_data(owner)["token"]
    response = owner.post(f"{BASE}/presets", data={"preset": "seed_003", "token": token})
    assert response.status_code == 303
    data = editor_data(owner)
    assert "5 жылда" in data["xml"] and data["problems"] == []
    stale = owner.post(f"{BASE}/presets", data={"preset": "once_per_3_years", "token": token})
    assert stale.status_code == 303  # refused as a conflict: the page says so, nothing changes
    assert "5 жылда" in editor_data(owner)["xml"]
    unknown = owner.post(f"{BASE}/presets", data={"preset": "nonsense", "token": data["token"]})
    assert unknown.status_code in (303, 404)
    assert "5 жылда" in editor_data(owner)["xml"]
