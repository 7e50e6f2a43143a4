"""What browsers and proxies may keep: nothing a signed-in person sees, and HTTPS once it was used."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from app import create_app
from tests.app.conftest import LoginAs
from tests.conftest import Demo
from tests.workflows.flow import Flow

YEAR = 365 * 24 * 3600


def _case_with_order_and_document(flow: Flow) -> tuple[int, str]:
    case = flow.start(course="Академиялық жазылым", start_date="2026-03-22", end_date="2026-03-24", hours=24)
    flow.approve_to_order(case)
    flow.at("2026-03-25T08:00:00+05:00")
    flow.fire()
    flow.submit_report(case)
    [document] = flow.documents(case)
    return case, document.id


@pytest.fixture
def private_files(flow: Flow) -> dict[str, str]:
    case, document = _case_with_order_and_document(flow)
    return {
        "application/pdf": f"/cases/{case}/order.pdf",
        "document": f"/documents/{document}",
        "application/xml": f"/cases/{case}/diagram.xml",
    }


def test_order_pdfs_documents_and_diagrams_are_never_stored(
    private_files: dict[str, str], login_as: LoginAs
) -> None:
    teacher = login_as("teacher")
    for kind, path in private_files.items():
        response = teacher.get(path)
        assert response.status_code == 200, path
        if kind != "document":
            assert response.mimetype == kind
        assert response.headers["Cache-Control"] == "no-store", path


def test_pages_are_never_stored_and_static_files_keep_their_caching(login_as: LoginAs) -> None:
    teacher = login_as("teacher")
    assert teacher.get("/").headers["Cache-Control"] == "no-store"
    style = teacher.get("/static/css/app.css")
    assert style.status_code == 200
    assert style.headers.get("Cache-Control") != "no-store"
    style.close()


def test_strict_transport_security_only_over_https(login_as: LoginAs, client: FlaskClient) -> None:
    teacher = login_as("teacher")
    assert "Strict-Transport-Security" not in teacher.get("/").headers
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    for response in (
        teacher.get("/", base_url="https://localhost"),
        client.get("/sign-in", base_url="https://localhost"),
    ):
        assert response.headers["Strict-Transport-Security"] == f"max-age={YEAR}"


def test_a_forwarded_scheme_counts_only_behind_a_configured_proxy(
    app_config: dict[str, Any], demo: Demo
) -> None:
    forwarded = {"X-Forwarded-Proto": "https"}
    direct = create_app(app_config).test_client()
    assert "Strict-Transport-Security" not in direct.get("/sign-in", headers=forwarded).headers
    proxied = create_app({**app_config, "TRUSTED_PROXIES": 1}).test_client()
    assert "Strict-Transport-Security" in proxied.get("/sign-in", headers=forwarded).headers
