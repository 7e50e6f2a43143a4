"""Several procedures at once: the "new application" page offers what a person may start, a head
starts a case for one of their staff, HR a planned line; archived processes start nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.app.cases.test_cases import _form
from tests.app.conftest import LoginAs
from tests.app.html_audit import audit
from tests.workflows.flow import Flow
from tests.workflows.procedures.test_procedures import planned_line
from workflows.cases.models import ProcessInstance


def _started(flow: Flow, key: str) -> list[ProcessInstance]:
    with flow.factory() as s:
        return list(s.scalars(select(ProcessInstance).where(ProcessInstance.process_key == key)))


def _strings(data: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in data.items()}


def test_a_head_chooses_among_the_procedures_they_may_start(flow: Flow, login_as: LoginAs) -> None:
    page = login_as("head").get("/cases/new")
    assert page.status_code == 200
    for key in ("qualification_request", "kafu_external", "kafu_internal"):
        assert f"/cases/new?process={key}" in page.text
    assert "kaznrtu_training" not in page.text
    assert "002 §3" in page.text  # the description the diagram carries
    # A teacher applies for a course or an internship, and chooses; each opens its form.
    teacher = login_as("teacher")
    offered = teacher.get("/cases/new").text
    assert (
        "/cases/new?process=qualification_request" in offered and "/cases/new?process=internship" in offered
    )
    assert "kafu_external" not in offered
    assert 'id="f-course"' in teacher.get("/cases/new?process=qualification_request").text


def test_a_head_starts_a_case_for_one_of_their_staff(flow: Flow, login_as: LoginAs) -> None:
    head = login_as("head")
    form = head.get("/cases/new?process=kafu_external").text
    assert 'id="f-subject_id"' in form
    assert "Айгүл Серікқызы Нұрланова" in form  # the teacher, of the head's department
    assert "Ерлан" not in form  # teacher2 is of another department
    response = head.post(
        "/cases/new?process=kafu_external", data={**_form(), "subject_id": str(flow.demo["teacher"])}
    )
    assert response.status_code == 303
    [case] = _started(flow, "kafu_external")
    assert case.subject_id == flow.demo["teacher"]
    # Her case, in her list and on its page; the head who submitted it follows it too.
    teacher = login_as("teacher")
    assert case.business_key in teacher.get("/cases").text
    assert teacher.get(f"/cases/{case.id}").status_code == 200
    assert head.get(f"/cases/{case.id}").status_code == 200


def test_a_head_cannot_start_for_someone_of_another_unit(flow: Flow, login_as: LoginAs) -> None:
    response = login_as("head").post(
        "/cases/new?process=kafu_external", data={**_form(), "subject_id": str(flow.demo["teacher2"])}
    )
    assert response.status_code == 403
    assert _started(flow, "kafu_external") == []


def test_an_employee_is_refused_a_head_only_procedure_with_a_clear_message(
    flow: Flow, login_as: LoginAs
) -> None:
    teacher = login_as("teacher")
    teacher.post("/language", data={"lang": "en"})
    page = teacher.get("/cases/new?process=kafu_external")
    assert page.status_code == 403
    assert "This procedure is started by Head of department, not by you." in page.text
    response = teacher.post("/cases/new?process=kafu_external", data=_form())
    assert response.status_code == 403
    assert _started(flow, "kafu_external") == []


def test_hr_starts_a_planned_line(flow: Flow, login_as: LoginAs) -> None:
    hr = login_as("hr")
    assert "/cases/new?process=kaznrtu_training" in hr.get("/cases/new").text
    data = {**_strings(planned_line()), "subject_id": str(flow.demo["teacher"])}
    assert hr.post("/cases/new?process=kaznrtu_training", data=data).status_code == 303
    [case] = _started(flow, "kaznrtu_training")
    assert case.subject_id == flow.demo["teacher"]


def test_an_archived_procedure_is_not_offered_and_refuses_a_start(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    assert owner.post("/processes/kafu_internal/archive").status_code == 303
    assert 'id="archived-state"' in owner.get("/processes/kafu_internal").text
    head = login_as("head")
    assert "/cases/new?process=kafu_internal" not in head.get("/cases/new").text
    head.post("/language", data={"lang": "en"})
    refused = head.get("/cases/new?process=kafu_internal")
    assert refused.status_code == 409
    assert "This procedure is archived" in refused.text
    assert login_as("owner").post("/processes/kafu_internal/unarchive").status_code == 303
    assert "/cases/new?process=kafu_internal" in login_as("head").get("/cases/new").text


def test_only_owners_archive_or_copy(flow: Flow, login_as: LoginAs) -> None:
    head = login_as("head")
    assert head.post("/processes/kafu_internal/archive").status_code == 403
    assert head.post("/processes/kafu_internal/copy", data={"new_key": "x", "title": "x"}).status_code == 403


def test_an_owner_copies_a_process_into_a_draft_of_its_own(flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    response = owner.post(
        "/processes/qualification_request/copy", data={"new_key": "skma_no_finance", "title": "Қаржысыз"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/processes/skma_no_finance/edit"
    page = owner.get("/processes/skma_no_finance")
    assert page.status_code == 200 and "Қаржысыз" in page.text
    draft = owner.get("/processes/skma_no_finance/draft/download").data.decode("utf-8")
    assert 'id="skma_no_finance"' in draft and 'processRef="skma_no_finance"' in draft
    again = owner.post(
        "/processes/qualification_request/copy", data={"new_key": "skma_no_finance", "title": "Тағы"}
    )
    assert again.status_code == 303
    assert "skma_no_finance" in owner.get("/processes/qualification_request").text  # the flash says taken


def test_the_pages_pass_the_html_audit_in_each_language(flow: Flow, login_as: LoginAs) -> None:
    head = login_as("head")
    for lang in ("kk", "ru", "en"):
        head.post("/language", data={"lang": lang})
        for path in ("/cases/new", "/cases/new?process=kafu_external", "/cases/new?process=kafu_internal"):
            assert audit(head.get(path).text, lang) == [], (lang, path)
