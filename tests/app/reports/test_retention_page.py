"""The retention page: HR and administrators see each kind of record with its form of 000's list
and its years, change them with messages in their language, are stopped by a stale form, and
find the change in the audit log; the registers' "kept for" line links to it."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.app.conftest import LoginAs
from workflows.org.models import AuditEntry
from workflows.reports.models import RetentionPeriod


def _years(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as s:
        return {r.kind: r.years for r in s.scalars(select(RetentionPeriod))}


def _form(page: str) -> dict[str, str]:
    """What the page's form would post as it is shown."""
    fields = re.findall(r'name="((?:seen_)?[a-z_]+)"[^>]*value="(\d+)"', page)
    return dict(fields)


def test_hr_changes_a_period_and_the_audit_log_keeps_it(
    login_as: LoginAs, factory: sessionmaker[Session]
) -> None:
    hr = login_as("hr")
    page = hr.get("/reports/retention").text
    assert 'id="retention-periods"' in page and "602-01" in page and "602-06" in page
    form = _form(page)
    assert form["schedule"] == "5" and form["seen_schedule"] == "5"
    wrong = hr.post("/reports/retention", data={**form, "schedule": "x", "journal": "0"})
    assert wrong.status_code == 422
    assert 'id="years-schedule-error"' in wrong.text and 'id="years-journal-error"' in wrong.text
    assert 'value="x"' in wrong.text  # what was typed stays in the form
    assert _years(factory)["schedule"] == 5  # nothing changed
    saved = hr.post("/reports/retention", data={**form, "schedule": "7"})
    assert saved.status_code == 303
    assert _years(factory)["schedule"] == 7
    with factory() as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "retention_changed")).all()
        assert entry.data == {"kind": "schedule", "years": [5, 7]}
    stale = hr.post("/reports/retention", data={**form, "schedule": "9"})  # the page showed 5
    assert stale.status_code == 303 and _years(factory)["schedule"] == 7
    assert "басқа біреу өзгертті" in hr.get(stale.headers["Location"]).text
    assert "7" in _form(hr.get("/reports/retention").text)["schedule"]
    assert "retention_changed" in hr.get("/admin/audit?subject=retention").text
    assert 'href="/reports/retention"' in hr.get("/registers/cases").text


def test_only_hr_and_administrators_reach_it(login_as: LoginAs) -> None:
    assert login_as("admin").get("/reports/retention").status_code == 200
    for other in ("head", "teacher", "centre"):
        client = login_as(other)
        assert client.get("/reports/retention").status_code == 403
        assert client.post("/reports/retention", data={"schedule": "9"}).status_code == 403
    assert 'href="/reports/retention"' not in login_as("head").get("/registers/cases").text
