"""Uploading the certificate and the report: a file is what its bytes are, it keeps a clean name
with the right extension, and a refused file (wrong kind, too large) brings the form back with
what was typed and stores nothing."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from app import create_app
from tests.app.conftest import LoginAs, post_files
from tests.app.tasks.steps import documents, report_task, stored_files
from tests.workflows.cases.test_documents import PNG
from tests.workflows.flow import PDF, Flow

REPORT = "Курста цифрлық бағалау құралдарын үйрендім және оларды пәнге енгіземін."
KIB = 1024


def _report(certificate: tuple[BytesIO, str], **extra: Any) -> dict[str, Any]:
    return {"certificate": certificate, "certificate_number": "NU-2026-114", "report_text": REPORT, **extra}


def test_an_html_page_that_starts_with_pdf_is_refused_with_the_report_kept(
    flow: Flow, login_as: LoginAs, tmp_path: Path
) -> None:
    case, task_id = report_task(flow)
    fake = b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>"
    response = post_files(
        login_as("teacher"), f"/tasks/{task_id}", _report((BytesIO(fake), "certificate.html"))
    )
    assert response.status_code == 422
    assert 'id="f-certificate-error"' in response.text
    assert "Тек PDF, JPEG немесе PNG файлдары қабылданады" in response.text
    assert REPORT in response.text
    assert documents(flow) == 0
    assert stored_files(tmp_path / "files") == []
    assert flow.open_elements(case) == ["submit_report"]


def test_an_image_sent_under_another_name_is_kept_with_its_own_extension(
    flow: Flow, login_as: LoginAs
) -> None:
    case, task_id = report_task(flow)
    teacher = login_as("teacher")
    response = post_files(teacher, f"/tasks/{task_id}", _report((BytesIO(PNG), "report.html")))
    assert response.status_code == 303
    [doc] = flow.documents(case)
    assert (doc.filename, doc.content_type) == ("report.png", "image/png")
    download = teacher.get(f"/documents/{doc.id}")
    assert download.headers["Content-Type"] == "image/png"
    assert "filename*=UTF-8''report.png" in download.headers["Content-Disposition"]


@pytest.fixture
def small_limit(app_config: dict[str, Any]) -> dict[str, Any]:
    """The app as in production (the CSRF check reads the body first), with a file limit of 64 KiB."""
    return {**app_config, "MAX_CONTENT_LENGTH": 64 * KIB, "WTF_CSRF_ENABLED": True}


def _signed_in(config: dict[str, Any], person_id: int) -> FlaskClient:
    client = create_app(config).test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(person_id), True
    return client


def _token(client: FlaskClient, task_id: int) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"/tasks/{task_id}").text)
    assert found
    return found.group(1)


def test_a_file_over_the_limit_brings_the_form_back_with_the_report_text(
    small_limit: dict[str, Any], flow: Flow, tmp_path: Path
) -> None:
    case, task_id = report_task(flow)
    client = _signed_in(small_limit, flow.demo["teacher"])
    big = PDF + b"0" * (100 * KIB)  # over one file's limit, within what an upload form's request may carry
    data = _report((BytesIO(big), "big.pdf"), csrf_token=_token(client, task_id))
    response = post_files(client, f"/tasks/{task_id}", data)
    assert response.status_code == 422
    assert 'id="f-certificate-error"' in response.text
    assert "Файл тым үлкен" in response.text
    assert REPORT in response.text and 'value="NU-2026-114"' in response.text
    assert documents(flow) == 0
    assert stored_files(tmp_path / "files") == []
    assert flow.open_elements(case) == ["submit_report"]


def test_a_request_beyond_what_a_form_may_carry_is_cut_off_with_the_form_shown_again(
    small_limit: dict[str, Any], flow: Flow, tmp_path: Path
) -> None:
    _case, task_id = report_task(flow)
    client = _signed_in(small_limit, flow.demo["teacher"])
    huge = PDF + b"0" * (2 * 1024 * KIB)  # more than three files at the limit plus room for the text
    response = post_files(client, f"/tasks/{task_id}", _report((BytesIO(huge), "huge.pdf")))
    assert response.status_code == 413
    assert 'name="certificate"' in response.text  # the task page, not a bare error
    assert documents(flow) == 0
    assert stored_files(tmp_path / "files") == []


def test_the_other_forms_keep_the_request_limit(small_limit: dict[str, Any], flow: Flow) -> None:
    client = _signed_in(small_limit, flow.demo["teacher"])
    response = client.post("/language", data={"lang": "ru", "next": "x" * (100 * KIB)})
    assert response.status_code == 413
