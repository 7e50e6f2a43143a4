"""The editor's requests: check, save the draft (also with problems, never over someone else's work),
publish (only a clean draft), form texts and their preview, and problems in the owner's language."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from tests.app.conftest import LoginAs, json_of
from tests.app.processes.test_processes import BASE, KEY, SHIPPED, lead_time, publish, versions
from tests.workflows.definitions.diagrams import HR_CHECK_FORM, add_hr_check, edited, set_property
from tests.workflows.flow import Flow
from workflows.cases.models import Event
from workflows.definitions.models import ProcessDraft, ProcessVersion
from workflows.forms.checks import CHECKS
from workflows.forms.schema import load_forms

FORMS = load_forms()


def editor_data(client: FlaskClient, base: str = BASE) -> dict[str, Any]:
    page = client.get(f"{base}/edit").text
    found = re.search(r'<script type="application/json" id="editor-data">(.*?)</script>', page, re.DOTALL)
    assert found
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def texts(forms: dict[str, Any]) -> dict[str, str]:
    return {key: json.dumps(schema, ensure_ascii=False, indent=2) for key, schema in forms.items()}


def save(
    client: FlaskClient, xml: str, token: str, forms: dict[str, str] | None = None, **extra: Any
) -> TestResponse:
    body = {"xml": xml, "forms": forms if forms is not None else texts(FORMS), "token": token, **extra}
    return client.post(f"{BASE}/draft", json=body)


def no_form(xml: str = SHIPPED) -> str:
    return edited(lambda root: set_property(root, "rector_visa", "form", None), xml)


def draft(flow: Flow) -> ProcessDraft | None:
    with flow.factory() as session:
        return session.scalars(select(ProcessDraft)).first()


def test_the_editor_page_carries_the_diagram_forms_and_token(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    page = owner.get(f"{BASE}/edit").text
    assert "/vendor/bpmn-js/bpmn-modeler.production.min.js" in page
    assert "/static/editor/editor.js" in page and "/static/editor/panel.js" in page
    assert "unpkg" not in page and "cdn" not in page.lower()
    data = editor_data(owner)
    with flow.factory() as session:
        v1 = session.scalars(select(ProcessVersion).where(ProcessVersion.process_key == KEY)).one()
    assert data["xml"] == v1.bpmn_xml and data["token"] == f"{v1.id}.0"
    assert set(data["forms"]) == set(v1.forms)
    # Form texts keep their property order: it is the order of the fields people fill in.
    assert list(json.loads(data["forms"]["application"])["properties"]) == list(
        v1.forms["application"]["properties"]
    )
    assert {role["value"] for role in data["roles"]} >= {"employee", "hr", "rector", "department_head"}
    assert [name for name, _label in data["processProperties"]][:2] == ["lead_time_days", "report_days"]
    assert [name for name, _label in data["checks"]][:3] == ["lead_time", "date_range", "funding"]
    assert {name for name, _label in data["checks"]} == set(CHECKS)
    with owner.get(data["urls"]["moddle"]) as descriptor:
        assert json_of(descriptor)["uri"] == "http://spiffworkflow.org/bpmn/schema/1.0/core"


def test_check_lists_problems_without_saving(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    token = editor_data(owner)["token"]
    response = owner.post(f"{BASE}/check", json={"xml": no_form(), "forms": texts(FORMS), "token": token})
    assert response.status_code == 200
    [problem] = json_of(response)["problems"]
    assert (problem["code"], problem["element_id"]) == ("no_form", "rector_visa")
    assert problem["text"] == "Пайдаланушы тапсырмасында форма көрсетілмеген."
    assert draft(flow) is None
    clean = owner.post(f"{BASE}/check", json={"xml": SHIPPED, "forms": texts(FORMS), "token": token})
    assert json_of(clean)["problems"] == []
    renamed = owner.post(
        f"{BASE}/check",
        json={"xml": SHIPPED.replace('id="qualification_request"', 'id="other"'), "forms": {}},
    )
    assert "process_key" in {p["code"] for p in json_of(renamed)["problems"]}


def test_save_keeps_a_draft_with_problems_and_publish_refuses_it(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    token = editor_data(owner)["token"]
    saved = save(owner, no_form(), token)
    assert saved.status_code == 200
    assert json_of(saved)["publishable"] is False
    assert [(p["code"], p["element_id"]) for p in json_of(saved)["problems"]] == [("no_form", "rector_visa")]
    stored = draft(flow)
    assert stored is not None and stored.bpmn_xml == no_form()  # the work is kept
    refused = owner.post(f"{BASE}/publish", json={"token": json_of(saved)["token"], "note": "x"})
    assert refused.status_code == 422
    assert json_of(refused)["problems"][0]["element_id"] == "rector_visa"
    assert versions(flow) == [1]
    data = editor_data(owner)  # reopening shows the draft and its problems
    assert data["xml"] == no_form() and data["token"] == json_of(saved)["token"]
    assert data["problems"][0]["code"] == "no_form"


def test_publish_a_valid_draft_makes_the_next_version(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    saved = save(owner, lead_time(25), editor_data(owner)["token"])
    assert json_of(saved)["problems"] == [] and json_of(saved)["publishable"] is True
    published = owner.post(
        f"{BASE}/publish", json={"token": json_of(saved)["token"], "note": "Мерзім 25 күн"}
    )
    assert published.status_code == 200
    assert published.json == {"version": 2, "unchanged": False, "url": BASE}
    assert versions(flow) == [1, 2]
    assert draft(flow) is None
    with flow.factory() as session:
        event = session.scalars(
            select(Event).where(Event.kind == "definition_published").order_by(Event.id.desc())
        ).first()
        assert event is not None and event.comment == "Мерзім 25 күн" and event.actor_id == flow.demo["owner"]
    page = owner.get(BASE).text
    assert "notice--success" in page and "Мерзім 25 күн" in page


def test_a_stale_save_or_publish_is_a_conflict_and_changes_nothing(flow: Flow, login_as: LoginAs) -> None:
    owner, other = login_as("owner"), login_as("owner")
    mine = editor_data(owner)["token"]
    theirs = save(other, lead_time(30), editor_data(other)["token"])
    assert theirs.status_code == 200
    stale = save(owner, lead_time(40), mine)
    assert stale.status_code == 409
    assert json_of(stale)["error"] == "conflict" and json_of(stale)["message"]
    stored = draft(flow)
    assert stored is not None and stored.bpmn_xml == lead_time(30)  # never overwritten
    assert owner.post(f"{BASE}/publish", json={"token": mine, "note": "x"}).status_code == 409
    assert versions(flow) == [1]
    garbage = {"xml": lead_time(40), "forms": {}, "token": "garbage", "note": "x"}
    for path in ("draft", "publish"):
        refused = owner.post(f"{BASE}/{path}", json=garbage)
        assert (refused.status_code, json_of(refused)["error"]) == (409, "conflict"), path
    assert versions(flow) == [1]


def test_a_draft_behind_a_newer_version_must_be_kept_on_top_explicitly(flow: Flow, login_as: LoginAs) -> None:
    publish(flow, lead_time(22), "22")
    owner = login_as("owner")
    saved = save(owner, lead_time(25), editor_data(owner)["token"])  # a draft on version 2
    login_as("owner").post(f"{BASE}/versions/1/republish", data={"note": "back to 20"})
    # The draft's own token still matches, but version 3 appeared under it.
    behind = owner.post(f"{BASE}/publish", json={"token": json_of(saved)["token"], "note": "x"})
    assert behind.status_code == 409 and json_of(behind)["error"] == "behind"
    assert "3" in json_of(behind)["message"]
    assert versions(flow) == [1, 2, 3]
    rebased = save(owner, lead_time(25), json_of(saved)["token"], rebase=True)
    assert rebased.status_code == 200
    assert (
        json_of(owner.post(f"{BASE}/publish", json={"token": json_of(rebased)["token"], "note": "25"}))[
            "version"
        ]
        == 4
    )


def test_form_texts_are_checked_on_save(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    token = editor_data(owner)["token"]
    forms = texts(FORMS)
    forms["rector_visa"] = '{"type": "object",\n "properties": {'
    broken = save(owner, SHIPPED, token, forms)
    assert broken.status_code == 422
    [problem] = json_of(broken)["problems"]
    assert (problem["code"], problem["form"]) == ("form_json", "rector_visa")
    assert "2" in problem["text"]  # the line
    assert draft(flow) is None
    forms["rector_visa"] = json.dumps({**FORMS["rector_visa"], "type": "objekt"})
    invalid = save(owner, SHIPPED, token, forms)
    assert invalid.status_code == 200  # saved, but listed
    assert [(p["code"], p["form"]) for p in json_of(invalid)["problems"]] == [("form_schema", "rector_visa")]
    bad_key = save(owner, SHIPPED, json_of(invalid)["token"], {**texts(FORMS), "Bad Key": "{}"})
    assert bad_key.status_code == 422 and json_of(bad_key)["problems"][0]["code"] == "form_key"


@pytest.mark.parametrize(
    ("text", "code", "says"),
    [
        ('{"properties": {"a": ' + '{"items": ' * 100 + "{}" + "}" * 102, "form_depth", "32"),
        ("[" * 100_000 + "]" * 100_000, "form_depth", "32"),
        ('{"type": "object", "maxLength": 1' + "0" * 5000 + "}", "form_number", "NaN"),
        ('{"type": "object", "minimum": -Infinity}', "form_number", "NaN"),
        ('{"type": "object", "maximum": 1e999}', "form_number", "NaN"),
    ],
    ids=["deep-schema", "deep-array", "long-number", "infinity", "overflow"],
)
def test_a_form_no_reader_could_walk_is_refused_in_the_owners_words(
    flow: Flow, login_as: LoginAs, text: str, code: str, says: str
) -> None:
    owner = login_as("owner")
    preview = owner.post(f"{BASE}/forms/preview", json={"key": "rector_visa", "text": text})
    assert preview.status_code == 200 and json_of(preview)["html"] == ""
    [problem] = json_of(preview)["problems"]
    assert problem["code"] == code and says in problem["text"] and "«rector_visa» формас" in problem["text"]
    saved = save(owner, SHIPPED, editor_data(owner)["token"], {**texts(FORMS), "rector_visa": text})
    assert saved.status_code == 422 and [p["code"] for p in json_of(saved)["problems"]] == [code]
    assert draft(flow) is None


def test_a_new_step_with_a_new_form_publishes(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    forms = {**texts(FORMS), "hr_check": json.dumps(HR_CHECK_FORM, ensure_ascii=False)}
    saved = save(owner, add_hr_check(SHIPPED), editor_data(owner)["token"], forms)
    assert json_of(saved)["problems"] == []
    assert (
        json_of(owner.post(f"{BASE}/publish", json={"token": json_of(saved)["token"], "note": "HR"}))[
            "version"
        ]
        == 2
    )
    case = flow.start()
    flow.do("head", case, "endorse", decision="approve")
    flow.do("rector", case, "rector_visa", decision="approve")
    assert flow.open_elements(case) == ["hr_check"]


def test_the_preview_draws_a_form_with_the_task_renderer(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    text = json.dumps(FORMS["head_endorsement"], ensure_ascii=False)
    response = owner.post(f"{BASE}/forms/preview", json={"key": "head_endorsement", "text": text})
    assert response.status_code == 200 and json_of(response)["problems"] == []
    html = json_of(response)["html"]
    assert '<fieldset class="form-preview__fields" disabled>' in html
    assert 'id="f-comment"' in html and "Келісу" in html
    broken = owner.post(f"{BASE}/forms/preview", json={"key": "x", "text": "[1, 2"})
    assert json_of(broken)["html"] == "" and json_of(broken)["problems"][0]["code"] == "form_json"
    schema_error = owner.post(f"{BASE}/forms/preview", json={"key": "x", "text": '{"type": 5}'})
    assert json_of(schema_error)["problems"][0]["code"] == "form_schema"
    assert owner.post(f"{BASE}/forms/preview", data="not json").status_code == 400


def test_problems_are_said_in_the_owners_language(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    token = editor_data(owner)["token"]
    missing = edited(lambda root: set_property(root, "rector_visa", "form", "visa_form"), SHIPPED)
    expected = {
        "kk": "«visa_form» формасы бұл процесте жоқ.",
        "ru": "Формы «visa_form» в этом процессе нет.",
        "en": "The form “visa_form” does not exist in this process.",
    }
    for lang, text in expected.items():
        owner.post("/language", data={"lang": lang})
        [problem] = json_of(
            owner.post(f"{BASE}/check", json={"xml": missing, "forms": texts(FORMS), "token": token})
        )["problems"]
        assert problem["text"] == text, lang
        assert editor_data(owner)["messages"]["noProblems"]


def test_a_refused_request_body_is_a_bad_request(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    assert owner.post(f"{BASE}/draft", data="xml").status_code == 400
    assert owner.post(f"{BASE}/draft", json={"xml": 5, "forms": {}, "token": "1.0"}).status_code == 400
    unreadable = save(owner, "<not xml", editor_data(owner)["token"])
    assert unreadable.status_code == 422 and json_of(unreadable)["problems"][0]["code"] == "xml_syntax"
    assert draft(flow) is None
    assert publish(flow, lead_time(22), "ok") == 2
    assert KEY in owner.get("/processes").text
