"""The pages list a case where its diagram says (`listed`): a head's quarterly case is neither in
the cases register nor among their applications, their own application is in both; a diagram with
an unknown list is refused at publishing, in the owner's language."""

from __future__ import annotations

from io import BytesIO

from sqlalchemy import select

from tests.app.conftest import LoginAs, post_files
from tests.conftest import ROOT
from tests.workflows.flow import Flow
from workflows.cases.models import ProcessInstance
from workflows.definitions.publishing import latest_version
from workflows.reports.kept import QuarterlySubmission
from workflows.reports.quarterly import open_quarter


def test_a_heads_quarterly_case_is_not_an_application(flow: Flow, login_as: LoginAs) -> None:
    own = flow.start("head", course="Басқару негіздері")
    flow.at("2026-04-02T09:00:00+05:00")
    with flow.factory() as s:
        assert open_quarter(s, flow.clock) == 2
        s.commit()
        quarterly = [
            s.get(ProcessInstance, r.instance_id)
            for r in s.scalars(select(QuarterlySubmission))
            if r.instance_id
        ]
        keys = {i.business_key: i.subject_id for i in quarterly if i is not None}
        own_key = flow.case(own).business_key
    [heads] = [k for k, subject in keys.items() if subject == flow.demo["head"]]
    head, hr = login_as("head"), login_as("hr")
    mine = head.get("/cases").text
    assert own_key in mine and heads not in mine
    for reader in (head, hr):
        register = reader.get("/registers/cases").text
        assert own_key in register and heads not in register
        exported = reader.get("/registers/cases?format=csv").text
        assert own_key in exported and heads not in exported


def test_publishing_an_unknown_list_is_refused_in_each_language(flow: Flow, login_as: LoginAs) -> None:
    written = '<spiffworkflow:property name="listed" value="journal" />'
    shipped = (ROOT / "bpmn" / "nonconformity.bpmn").read_text("utf-8")
    bad = shipped.replace(written, '<spiffworkflow:property name="listed" value="register" />', 1)
    owner = login_as("owner")
    with flow.factory() as s:
        token = f"{latest_version(s, 'nonconformity').id}.0"
    upload = {"token": token, "file": (BytesIO(bad.encode("utf-8")), "nonconformity.bpmn")}
    assert post_files(owner, "/processes/nonconformity/upload", upload).status_code == 303
    texts = {
        "kk": "«listed» қасиеті процестің істері үшін белгісіз «register» тізімін көрсетеді",
        "ru": "Свойство «listed» указывает неизвестный список «register»",
        "en": "The property “listed” names an unknown list “register”",
    }
    for lang, text in texts.items():
        owner.post("/language", data={"lang": lang})
        page = owner.get("/processes/nonconformity").text
        assert text in page, lang
        assert 'id="publish-note"' not in page  # a draft with problems offers no publishing
    with flow.factory() as s:
        assert latest_version(s, "nonconformity").version == 1
