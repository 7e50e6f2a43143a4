"""The process pages for process owners: who reaches them, the list with versions and running cases,
the process page with its events, comparing, republishing, discarding, download and upload."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pytest
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import select

from tests.app.conftest import LoginAs, post_files
from tests.app.html_audit import audit
from tests.conftest import ROOT
from tests.workflows.definitions.diagrams import edited, one, set_property
from tests.workflows.flow import Flow
from workflows.clock import FrozenClock
from workflows.definitions import browser, drafts
from workflows.definitions.models import ProcessDraft, ProcessVersion
from workflows.engine.definition import MAX_BPMN_BYTES, NS

KEY = "qualification_request"
SHIPPED = (ROOT / "bpmn" / f"{KEY}.bpmn").read_text("utf-8")
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
BASE = f"/processes/{KEY}"

# (method, path, form data): every page and action of the area.
ROUTES: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/processes", {}),
    ("GET", BASE, {}),
    ("GET", f"{BASE}/edit", {}),
    ("GET", f"{BASE}/compare?a=1&b=1", {}),
    ("GET", f"{BASE}/versions/1/download", {}),
    ("POST", f"{BASE}/versions/1/republish", {"note": "x"}),
    ("POST", f"{BASE}/draft/discard", {"token": "1.1"}),
    ("POST", f"{BASE}/upload", {"token": "1.0"}),
    ("POST", f"{BASE}/publish", {"token": "1.1", "note": "x"}),
    ("POST", f"{BASE}/draft", {}),
    ("POST", f"{BASE}/check", {}),
    ("POST", f"{BASE}/forms/preview", {}),
]


def lead_time(days: int, xml: str = SHIPPED) -> str:
    return edited(lambda root: set_property(root, KEY, "lead_time_days", str(days)), xml)


def publish(flow: Flow, xml: str, note: str) -> int:
    """A new version through the services, as another owner's publication would be."""
    with flow.factory() as session:
        opened = browser.get_draft_or_latest(session, KEY, flow.demo["owner"], flow.clock)
        saved = drafts.save_draft(session, KEY, xml, None, opened.token, flow.demo["owner"], flow.clock)
        published = drafts.publish_draft(session, KEY, saved.token, note, flow.demo["owner"], flow.clock)
        session.commit()
        return published.version


def token_of(page: str) -> str:
    found = re.search(r'name="token" value="([0-9.]+)"', page)
    assert found, "no edit token on the page"
    return found.group(1)


def versions(flow: Flow) -> list[int]:
    with flow.factory() as session:
        return list(
            session.scalars(
                select(ProcessVersion.version)
                .where(ProcessVersion.process_key == KEY)
                .order_by(ProcessVersion.version)
            )
        )


def with_camunda(xml: str = SHIPPED) -> bytes:
    """The diagram after a round trip through Camunda Modeler: a formKey attribute and properties."""

    def change(root: etree._Element) -> None:
        task = one(root, "//bpmn:userTask[@id='rector_visa']")
        task.set(f"{{{CAMUNDA}}}formKey", "embedded:app:forms/visa.html")
        extensions = one(root, "//bpmn:userTask[@id='rector_visa']/bpmn:extensionElements")
        holder = etree.SubElement(extensions, f"{{{CAMUNDA}}}properties")
        etree.SubElement(holder, f"{{{CAMUNDA}}}property", name="priority", value="high")

    root = etree.fromstring(xml.encode("utf-8"))
    change(root)
    etree.cleanup_namespaces(root, top_nsmap={"camunda": CAMUNDA})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("role", ["anonymous", "teacher", "head", "hr", "rector", "admin"])
def test_only_process_owners_reach_the_processes(
    role: str, flow: Flow, login_as: LoginAs, client: FlaskClient
) -> None:
    browser = client if role == "anonymous" else login_as(role)
    for method, path, data in ROUTES:
        response = browser.open(path, method=method, data=data)
        if role == "anonymous":
            assert response.status_code == 302, path
            assert response.headers["Location"].startswith("/sign-in"), path
        else:
            assert response.status_code == 403, f"{method} {path}: {response.status_code}"
    assert versions(flow) == [1]
    with flow.factory() as session:
        assert session.scalars(select(ProcessDraft)).first() is None


def test_the_owner_reaches_every_page_and_sees_the_menu_link(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    for method, path, _data in ROUTES:
        if method == "GET":
            assert owner.get(path).status_code == 200, path
    assert 'href="/processes"' in owner.get("/").text
    assert 'href="/processes"' not in login_as("teacher").get("/").text
    assert owner.get("/processes/no_such_process").status_code == 404
    assert owner.get("/processes/bad%20key/edit").status_code == 404
    assert owner.get(f"{BASE}/versions/9/download").status_code == 404


def test_the_list_shows_versions_notes_and_running_cases(flow: Flow, login_as: LoginAs) -> None:
    on_v1 = [flow.start(), flow.start(course="Академиялық жазылым")]
    assert publish(flow, lead_time(25), "Мерзім 25 күн") == 2
    flow.start(course="Python негіздері", start_date="2026-03-27")
    page = login_as("owner").get("/processes").text
    rows = {
        number: re.sub(r"\s+", " ", row)
        for number, row in re.findall(
            r'<tr id="qualification_request-version-(\d+)".*?>(.*?)</tr>', page, re.DOTALL
        )
    }
    assert set(rows) == {"1", "2"}
    assert '<span class="count-chip count-chip--on">2</span>' in rows["1"]
    assert '<span class="count-chip count-chip--on">1</span>' in rows["2"]
    assert "Мерзім 25 күн" in rows["2"] and "Жанар Айдарқызы Бекова" in rows["2"]
    assert "qualification_request.bpmn" in rows["1"]  # the deployment's note
    assert "Біліктілікті арттыруға өтініш" in page
    flow.do(
        "head", on_v1[0], "endorse", decision="reject", comment="Жоспарда жоқ"
    )  # a rejected case no longer runs on v1
    page = login_as("owner").get("/processes").text
    assert re.search(r'id="qualification_request-version-1".*?count-chip--on">1<', page, re.DOTALL)


def test_the_process_page_lists_the_draft_and_the_events(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    publish(flow, lead_time(25), "Мерзім 25 күн")
    with flow.factory() as session:
        opened = browser.get_draft_or_latest(session, KEY, flow.demo["owner"], flow.clock)
        broken = edited(lambda root: set_property(root, "rector_visa", "form", None), opened.bpmn_xml)
        drafts.save_draft(session, KEY, broken, None, opened.token, flow.demo["owner"], flow.clock)
        session.commit()
    page = owner.get(BASE).text
    assert 'id="draft"' in page
    assert "<code>rector_visa</code>" in page  # the draft's problem, with its element
    assert 'id="publish-note"' not in page  # a draft with problems offers no publishing
    events = page[page.index('id="events-title"') :]
    assert "Мерзім 25 күн" in events
    assert events.count("timeline__item--definition_published") == 2
    assert "timeline__item--draft_saved" in events
    assert audit(page, "kk") == []


def test_compare_names_changed_elements_and_forms(flow: Flow, login_as: LoginAs) -> None:
    with flow.factory() as session:
        forms = browser.get_draft_or_latest(session, KEY, flow.demo["owner"], flow.clock).forms
        forms["rector_visa"] = {**forms["rector_visa"], "description": "changed"}
        opened = browser.get_draft_or_latest(session, KEY, flow.demo["owner"], flow.clock)
        saved = drafts.save_draft(
            session, KEY, lead_time(25), forms, opened.token, flow.demo["owner"], flow.clock
        )
        drafts.publish_draft(session, KEY, saved.token, "v2", flow.demo["owner"], flow.clock)
        session.commit()
    owner = login_as("owner")
    page = owner.get(f"{BASE}/compare?a=1&b=2").text
    changed = page[page.index('id="changed"') : page.index('id="added"')]
    assert 'data-element="qualification_request"' in changed
    assert "<code>20</code>" in changed and "<code>25</code>" in changed
    forms_part = page[page.index('id="forms"') :]
    assert "<code>rector_visa</code>" in forms_part
    assert audit(page, "kk") == []
    same = owner.get(f"{BASE}/compare?a=2&b=2").text
    assert 'id="changed"' not in same and "empty__title" in same
    assert owner.get(f"{BASE}/compare?a=1&b=7").status_code == 404
    assert owner.get(f"{BASE}/compare?a=x&b=1").status_code == 404


def test_republish_brings_an_old_version_back_as_a_new_one(flow: Flow, login_as: LoginAs) -> None:
    publish(flow, lead_time(25), "25")
    owner = login_as("owner")
    response = owner.post(f"{BASE}/versions/1/republish", data={"note": "Қайтадан 20 күн"})
    assert response.status_code == 303
    assert versions(flow) == [1, 2, 3]
    with flow.factory() as session:
        v1, v3 = (
            session.scalars(
                select(ProcessVersion).where(
                    ProcessVersion.version == n, ProcessVersion.process_key == "qualification_request"
                )
            ).one()
            for n in (1, 3)
        )
        assert (v3.bpmn_xml, v3.note) == (v1.bpmn_xml, "Қайтадан 20 күн")
    page = owner.get(BASE).text
    assert "timeline__item--definition_republished" in page
    assert "notice--success" in page
    owner.post(f"{BASE}/versions/3/republish", data={"note": "again"})  # already live: nothing new
    assert versions(flow) == [1, 2, 3]


def test_discard_needs_the_current_token(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    with flow.factory() as session:
        opened = browser.get_draft_or_latest(session, KEY, flow.demo["owner"], flow.clock)
        saved = drafts.save_draft(
            session, KEY, lead_time(30), None, opened.token, flow.demo["owner"], flow.clock
        )
        session.commit()
    stale = owner.post(f"{BASE}/draft/discard", data={"token": str(opened.token)})
    assert stale.status_code == 303
    assert "notice--error" in owner.get(BASE).text
    with flow.factory() as session:
        assert session.scalars(select(ProcessDraft)).first() is not None
    assert owner.post(f"{BASE}/draft/discard", data={"token": str(saved.token)}).status_code == 303
    with flow.factory() as session:
        assert session.scalars(select(ProcessDraft)).first() is None


def test_download_any_version_or_the_draft(flow: Flow, login_as: LoginAs, clock: FrozenClock) -> None:
    owner = login_as("owner")
    response = owner.get(f"{BASE}/versions/1/download")
    assert response.data.decode("utf-8") == SHIPPED
    assert response.mimetype == "application/xml"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{KEY}_v1.bpmn"'
    assert owner.get(f"{BASE}/draft/download").status_code == 404
    with flow.factory() as session:
        opened = browser.get_draft_or_latest(session, KEY, flow.demo["owner"], clock)
        drafts.save_draft(session, KEY, lead_time(30), None, opened.token, flow.demo["owner"], clock)
        session.commit()
    draft = owner.get(f"{BASE}/draft/download")
    assert draft.data.decode("utf-8") == lead_time(30)
    assert f"{KEY}_draft.bpmn" in draft.headers["Content-Disposition"]


def _signed_in(client: FlaskClient, person_id: int) -> FlaskClient:
    with client.session_transaction() as session:
        session["_user_id"] = str(person_id)
        session["_fresh"] = True
    return client


def _upload(client: FlaskClient, content: bytes, name: str = "edited.bpmn", token: str | None = None) -> Any:
    token = token or token_of(client.get(BASE).text)
    return post_files(client, f"{BASE}/upload", {"token": token, "file": (BytesIO(content), name)})


def test_upload_keeps_and_reports_other_tools_extensions(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    content = with_camunda()
    response = _upload(owner, content)
    assert response.status_code == 303
    with flow.factory() as session:
        draft = session.scalars(select(ProcessDraft)).one()
        assert draft.bpmn_xml.encode("utf-8") == content  # byte for byte
        assert draft.problems == []
    page = owner.get(BASE).text
    foreign = page[page.index('id="foreign"') : page.index('id="events-title"')]
    assert "Camunda 7" in foreign and "camunda:formKey" in foreign and "camunda:properties" in foreign
    assert "rector_visa" in foreign
    assert "notice--info" in page  # the flash after the upload says so too
    assert owner.get(f"{BASE}/draft/download").data == content
    assert 'id="foreign"' in owner.get(f"{BASE}/edit").text
    token = token_of(owner.get(BASE).text)
    assert owner.post(f"{BASE}/publish", data={"token": token, "note": "from Camunda"}).status_code == 303
    with flow.factory() as session:
        latest = session.scalars(select(ProcessVersion).where(ProcessVersion.version == 2)).one()
        root = etree.fromstring(latest.bpmn_xml.encode("utf-8"))
        assert root.xpath("//camunda:property[@name='priority']", namespaces={**NS, "camunda": CAMUNDA})


@pytest.mark.parametrize(
    ("content", "name", "status"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "diagram.bpmn", 422),
        (b"<bpmn:definitions", "diagram.bpmn", 422),
        (SHIPPED.encode("utf-8"), "diagram.pdf", 422),
        (b"<?xml version='1.0'?>" + b" " * MAX_BPMN_BYTES, "big.bpmn", 413),
        (b"", "", 422),
    ],
)
def test_an_unreadable_or_oversized_upload_is_refused_with_a_message(
    content: bytes, name: str, status: int, flow: Flow, login_as: LoginAs
) -> None:
    owner = login_as("owner")
    response = _upload(owner, content, name)
    assert response.status_code == status
    assert 'id="upload-errors"' in response.text
    assert audit(response.text, "kk") == []
    with flow.factory() as session:
        assert session.scalars(select(ProcessDraft)).first() is None
    assert versions(flow) == [1]


def test_an_upload_over_the_request_limit_gets_the_page_back(
    app_config: dict[str, Any], flow: Flow, login_as: LoginAs
) -> None:
    from app import create_app

    # As in production: the CSRF check reads the body first, so the limit strikes before any view runs.
    small = create_app({**app_config, "MAX_CONTENT_LENGTH": 64 * 1024, "WTF_CSRF_ENABLED": True})
    client = _signed_in(small.test_client(), flow.demo["owner"])
    response = _upload(client, b"<a/>" + b" " * 100_000, token="1.0")
    assert response.status_code == 413
    assert 'id="upload-errors"' in response.text
    for other in (small.test_client(), _signed_in(small.test_client(), flow.demo["teacher"])):
        refused = _upload(other, b"<a/>" + b" " * 100_000, token="1.0")
        assert refused.status_code == 413
        assert 'id="upload-errors"' not in refused.text and 'id="versions-title"' not in refused.text


def test_a_stale_upload_changes_nothing(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    token = token_of(owner.get(BASE).text)
    publish(flow, lead_time(25), "someone else")
    response = _upload(owner, with_camunda(), token=token)
    assert response.status_code == 303
    assert "notice--error" in owner.get(BASE).text
    with flow.factory() as session:
        assert session.scalars(select(ProcessDraft)).first() is None


def test_pages_pass_the_html_audit_in_each_language(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    publish(flow, lead_time(25), "25")
    for lang in ("kk", "ru", "en"):
        owner.post("/language", data={"lang": lang})
        for path in ("/processes", BASE, f"{BASE}/edit", f"{BASE}/compare?a=1&b=2"):
            page = owner.get(path).text
            assert audit(page, lang) == [], (lang, path)
