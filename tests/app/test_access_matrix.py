"""Who may read and who may write: every route against every demo role and an anonymous visitor.

The world: case A (the teacher's application, waiting for her head's endorsement) and case B
(her earlier application: order issued, certificate uploaded, waiting for the competence
centre). Cases are visible to the applicant, to people with a task on them and to the
oversight roles (HR, competence centre, rector, admin), and to the heads and directors of the
applicant's units; to anyone else they do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests import factories
from tests.app.conftest import LoginAs
from tests.workflows.flow import Flow
from workflows.messaging.models import Notification
from workflows.org.models import OrgUnit
from workflows.records.extracts import issue_extract

ROLES = [
    "teacher",
    "teacher2",
    "head",
    "head2",
    "director",
    "finance",
    "rector",
    "legal",
    "hr",
    "centre",
    "owner",
    "admin",
    "anonymous",
]
SIGNED_IN = [r for r in ROLES if r != "anonymous"]
OVERSIGHT = {"hr", "centre", "rector", "admin"}
SEE_A = {"teacher", "head"} | OVERSIGHT  # the applicant, the head's seat, oversight
SEE_B = {"teacher", "head"} | OVERSIGHT  # the head endorsed it; the centre's task is open
WATCH = {"head", "head2", "director"} | OVERSIGHT  # periodicity: oversight sees all, heads their units
FILE = {"teacher", "head", "director"} | OVERSIGHT  # the teacher's training file: her heads and oversight
KEEPERS = {"hr", "centre"}  # who enter and strike records
ISSUERS = {"teacher", "hr", "admin"}  # who issue and revoke the teacher's extracts
# The applicant, her head and director (their department's and institute's cases), oversight.
SEE_A = {"teacher", "head", "director"} | OVERSIGHT
SEE_B = {"teacher", "head", "director"} | OVERSIGHT  # the head endorsed it; the centre's task is open
REGISTERS = OVERSIGHT | {"director", "head", "head2"}  # who oversees some unit's cases
ANNUAL = OVERSIGHT  # who read the annual reports (HR and the centre write them, HR approves)
QUARTERLY = OVERSIGHT | {"head", "head2"}  # HR's board of the quarterly data, the heads who send it


@dataclass
class World:
    a: int
    b: int
    endorse_a: int
    verify_b: int
    document_b: str
    teacher_notice: int
    teacher: int
    record: int
    extract: int
    token: str
    cs: int = 0  # the teacher's department


@pytest.fixture
def world(flow: Flow) -> World:
    a = flow.start()
    b = flow.start(course="Академиялық жазылым", start_date="2026-03-22", end_date="2026-03-24", hours=24)
    flow.approve_to_order(b)
    flow.at("2026-03-25T08:00:00+05:00")
    flow.fire()
    flow.submit_report(b)
    [doc] = flow.documents(b)
    with flow.factory() as s:
        notice = s.scalars(
            select(Notification.id).where(Notification.person_id == flow.demo["teacher"]).limit(1)
        ).one()
    endorse_a, verify_b = flow.task(a, "endorse").id, flow.task(b, "verify_certificate").id
    with flow.factory() as s:
        record = factories.training_record(s, flow.demo["teacher"], certificate_id=doc.id).id
        extract = issue_extract(s, flow.demo["teacher"], flow.demo["teacher"], flow.clock)
        s.commit()
        cs = s.scalars(select(OrgUnit.id).where(OrgUnit.code == "cs")).one()
    teacher = flow.demo["teacher"]
    return World(a, b, endorse_a, verify_b, doc.id, notice, teacher, record, extract.id, extract.token, cs)


def _visible(group: set[str], yes: int = 200, no: int = 404) -> dict[str, int]:
    return {role: (302 if role == "anonymous" else yes if role in group else no) for role in ROLES}


def _all(status: int) -> dict[str, int]:
    return {role: (302 if role == "anonymous" else status) for role in ROLES}


# The admin area: administrators and HR write; heads read their units' people; everyone else
# reads only themselves.
WRITERS = {"admin", "hr"}
HEADS = {"head", "head2", "director"}


def _org(readers: set[str], ok: int = 200, no: int = 403) -> dict[str, int]:
    return {role: (302 if role == "anonymous" else ok if role in readers else no) for role in ROLES}


def _act(actor: str, visible: set[str], ok: int) -> dict[str, int]:
    """The actor succeeds (ok); others who can see the case are refused (403); the rest get 404."""
    table = _visible(visible, yes=403)
    table[actor] = ok
    return table


# (method, path, form data, expected status per role)
MATRIX: list[tuple[str, str, dict[str, Any], dict[str, int]]] = [
    ("GET", "/", {}, _all(200)),
    ("GET", "/cases", {}, _all(200)),
    ("GET", "/cases/new", {}, _all(200)),
    ("GET", "/notifications", {}, _all(200)),
    ("GET", "/sign-in", {}, {**{r: 302 for r in SIGNED_IN}, "anonymous": 200}),
    ("GET", "/tasks/{endorse_a}", {}, _visible(SEE_A)),
    ("GET", "/tasks/{verify_b}", {}, _visible(SEE_B)),
    ("GET", "/cases/{a}", {}, _visible(SEE_A)),
    ("GET", "/cases/{a}/diagram.xml", {}, _visible(SEE_A)),
    ("GET", "/cases/{b}", {}, _visible(SEE_B)),
    ("GET", "/cases/{b}/order.pdf", {}, _visible(SEE_B)),
    ("GET", "/documents/{document_b}", {}, _visible(SEE_B)),
    ("GET", "/tasks/999999", {}, _visible(set())),
    ("GET", "/cases/999999", {}, _visible(set())),
    ("POST", "/tasks/{endorse_a}", {"decision": "return"}, _act("head", SEE_A, 422)),
    ("POST", "/tasks/{endorse_a}/claim", {}, _act("head", SEE_A, 303)),
    ("POST", "/tasks/{verify_b}", {"decision": "approve"}, _act("centre", SEE_B, 422)),
    ("POST", "/tasks/{verify_b}/release", {}, _visible(SEE_B, yes=403)),
    ("POST", "/cases/new?process=qualification_request", {}, _all(422)),
    ("POST", "/notifications/read-all", {}, _all(303)),
    ("POST", "/notifications/{teacher_notice}/read", {}, {**_all(404), "teacher": 303}),
    ("GET", "/account", {}, _all(200)),
    ("POST", "/account/password", {}, _all(422)),
    ("POST", "/admin/people/{teacher}/sign-out-everywhere", {}, {**_all(403), "admin": 303}),
    ("POST", "/admin/people/999999/sign-out-everywhere", {}, {**_all(403), "admin": 404}),
    ("POST", "/language", {"lang": "ru"}, {role: 303 for role in ROLES}),
    ("GET", "/account/new-password", {}, _all(303)),  # only a temporary password stays there
    ("POST", "/account/notifications", {"email": "approved"}, _all(303)),
    ("GET", "/forgot-password", {}, {role: 200 for role in ROLES}),
    ("POST", "/forgot-password", {"login": "nobody"}, {role: 303 for role in ROLES}),
    ("GET", "/account/invitation/not-a-token", {}, {role: 409 for role in ROLES}),
    ("POST", "/account/reset/not-a-token", {"new_password": "x"}, {role: 409 for role in ROLES}),
    ("GET", "/admin/people/{teacher}/account", {}, {**_all(403), "admin": 200, "hr": 200}),
    ("GET", "/admin/people/999999/account", {}, {**_all(403), "admin": 404, "hr": 404}),
    ("POST", "/admin/people/{teacher}/invitation", {}, {**_all(403), "admin": 303, "hr": 303}),
    ("POST", "/admin/people/{teacher}/temporary-password", {}, {**_all(403), "admin": 200, "hr": 200}),
    ("GET", "/incidents", {}, {**_all(403), "owner": 200, "admin": 200}),
    ("GET", "/processes", {}, {**_all(403), "owner": 200}),
    # A procedure started by heads for their staff, one HR starts from a plan line (issue 14).
    ("GET", "/cases/new?process=kafu_external", {}, {**_all(403), "head": 200, "head2": 200}),
    ("GET", "/cases/new?process=kaznrtu_training", {}, {**_all(403), "hr": 200}),
    (
        "POST",
        "/processes/kafu_internal/copy",
        {"new_key": "1 bad", "title": "x"},
        {**_all(403), "owner": 303},
    ),
    ("POST", "/processes/kafu_internal/unarchive", {}, {**_all(403), "owner": 303}),
    ("GET", "/processes/periodicity", {}, {**_all(403), "owner": 200}),
    ("GET", "/processes/periodicity/edit", {}, {**_all(403), "owner": 200}),
    # A stale token: the owner is sent back to the table's page, and nothing changes for anyone.
    (
        "POST",
        "/processes/periodicity/presets",
        {"preset": "seed_003", "token": "0.0"},
        {**_all(403), "owner": 303},
    ),
    ("GET", "/registers/cases", {}, _visible(REGISTERS, no=403)),
    ("GET", "/registers/cases?format=xlsx&overdue=1", {}, _visible(REGISTERS, no=403)),
    ("GET", "/registers/cases?format=csv", {}, _visible(REGISTERS, no=403)),
    ("GET", "/registers/orders", {}, _visible(REGISTERS, no=403)),
    ("GET", "/registers/orders?format=xlsx&status=issued", {}, _visible(REGISTERS, no=403)),
    ("GET", "/registers/orders?format=csv", {}, _visible(REGISTERS, no=403)),
    ("GET", "/registers/certificates", {}, _visible(REGISTERS, no=403)),
    ("GET", "/registers/certificates?format=xlsx&validity=expiring", {}, _visible(REGISTERS, no=403)),
    ("GET", "/registers/certificates?format=csv", {}, _visible(REGISTERS, no=403)),
    ("GET", "/registers/agreements", {}, _org({"hr", "legal"})),
    ("GET", "/registers/agreements?format=xlsx&status=active", {}, _org({"hr", "legal"})),
    ("GET", "/registers/agreements?format=csv", {}, _org({"hr", "legal"})),
    ("GET", "/journal", {}, _visible(REGISTERS, no=403)),
    ("GET", "/journal?format=xlsx&state=open", {}, _visible(REGISTERS, no=403)),
    ("GET", "/journal?format=csv", {}, _visible(REGISTERS, no=403)),
    ("GET", "/journal/999999", {}, _visible(REGISTERS, yes=404, no=403)),
    ("POST", "/journal/999999/work", {"analysis": "x"}, _visible(REGISTERS, yes=404, no=403)),
    ("POST", "/journal/999999/close", {"note": "x"}, _visible(REGISTERS, yes=404, no=403)),
    (
        "POST",
        "/journal/open",
        {"kind": "other", "note": "x", "unit": "999999"},
        _visible({"hr", "head", "head2", "director"}, yes=303, no=403),
    ),
    ("POST", "/journal/999999/reopen", {"note": "x"}, _visible(REGISTERS, yes=404, no=403)),
    ("POST", "/registers/filters", {"register": "cases", "name": "Менің", "overdue": "1"}, _all(303)),
    ("POST", "/registers/filters/999999/delete", {}, _all(404)),
    ("POST", "/registers/cases/remind", {"case": "{a}"}, _visible(REGISTERS, yes=303, no=403)),
    ("POST", "/registers/orders/bundle", {"order": "999999"}, {**_all(403), "hr": 404}),
    ("POST", "/incidents/999999/retry", {}, {**_all(403), "owner": 404, "admin": 404}),
    ("GET", "/records/monitoring", {}, _visible(WATCH, no=403)),
    ("GET", "/records/monitoring/next-year", {}, _visible(WATCH, no=403)),
    ("GET", "/records/monitoring/next-year.xlsx", {}, _visible(WATCH, no=403)),
    ("GET", "/records/settings", {}, {**_all(403), "hr": 200, "admin": 200}),
    ("POST", "/records/settings", {}, {**_all(403), "hr": 422, "admin": 422}),
    ("GET", "/records/me", {}, _all(200)),
    ("GET", "/records/people/{teacher}", {}, _visible(FILE)),
    ("GET", "/records/people/999999", {}, _visible(set())),
    ("GET", "/records/people/{teacher}/records/{record}/certificate", {}, _visible(FILE)),
    ("GET", "/records/people/{teacher}/new", {}, _visible(KEEPERS)),
    ("POST", "/records/people/{teacher}/new", {}, _visible(KEEPERS, yes=422)),
    ("POST", "/records/people/{teacher}/records/{record}/strike", {}, _visible(KEEPERS, yes=303)),
    ("POST", "/records/people/{teacher}/extracts", {}, _visible(ISSUERS)),
    ("GET", "/verify/{token}", {}, {role: 200 for role in ROLES}),  # public
    ("GET", "/verify/forged-token", {}, {role: 404 for role in ROLES}),
    ("POST", "/records/people/{teacher}/extracts/{extract}/revoke", {}, _visible(ISSUERS, yes=303)),
    ("GET", "/admin/import", {}, {**_all(403), "hr": 200, "admin": 200}),
    ("POST", "/admin/import", {}, {**_all(403), "hr": 303, "admin": 303}),
    ("POST", "/admin/import/training", {}, {**_all(403), "hr": 303, "admin": 303}),
    ("GET", "/admin/import/999999", {}, {**_all(403), "hr": 404, "admin": 404}),
    ("POST", "/admin/import/999999/apply", {}, {**_all(403), "hr": 404, "admin": 404}),
    ("GET", "/admin/import/template.xlsx", {}, {**_all(403), "hr": 200, "admin": 200}),
    ("GET", "/admin/import/training-template.csv", {}, {**_all(403), "hr": 200, "admin": 200}),
    ("GET", "/admin/import/export.csv", {}, {**_all(403), "hr": 200, "admin": 200}),
    ("GET", "/admin/units", {}, _org(WRITERS | HEADS)),
    ("GET", "/admin/units/{cs}", {}, _org(WRITERS | {"head", "director"})),
    ("GET", "/admin/units/999999", {}, _org(WRITERS | HEADS, ok=404)),
    ("POST", "/admin/units", {}, _org(WRITERS, ok=422)),
    ("POST", "/admin/units/{cs}/rename", {}, _org(WRITERS, ok=422)),
    ("POST", "/admin/units/{cs}/move", {}, _org(WRITERS, ok=422)),
    ("POST", "/admin/units/{cs}/close", {}, _org(WRITERS, ok=422)),
    ("POST", "/admin/units/{cs}/seats", {}, _org(WRITERS, ok=422)),
    ("POST", "/admin/seats/999999/end", {}, _org(WRITERS, ok=404)),
    ("GET", "/admin/seats", {}, _org(WRITERS | HEADS)),
    ("GET", "/admin/people", {}, _org(WRITERS | HEADS)),
    ("GET", "/admin/people/new", {}, _org(WRITERS)),
    ("POST", "/admin/people", {}, _org(WRITERS, ok=422)),
    ("GET", "/admin/people/{teacher}", {}, _org(WRITERS | {"head", "director", "teacher"})),
    ("GET", "/admin/people/999999", {}, _all(404)),
    ("POST", "/admin/people/{teacher}", {}, _org(WRITERS, ok=422)),
    ("POST", "/admin/people/{teacher}/deactivate", {}, _org(WRITERS, ok=422)),
    ("POST", "/admin/people/{teacher}/delegations", {}, _org(WRITERS | {"teacher"}, ok=422)),
    ("POST", "/admin/delegations/999999/end", {}, _all(404)),
    ("GET", "/admin/audit", {}, _org(WRITERS)),
    # The plan in use (no plan is approved in this world): readers of units are told it is not there.
    ("GET", "/plan/2026/execution", {}, _visible(REGISTERS, yes=404, no=403)),
    ("GET", "/plan/2026/history", {}, _visible(REGISTERS, yes=404, no=403)),
    ("GET", "/plan/perspective", {}, _visible(REGISTERS, no=403)),
    ("GET", "/plan/2026/amendments/new", {}, _org(HEADS, ok=404)),
    ("POST", "/plan/2026/amendments/new", {"reason": "x"}, _org(HEADS, ok=404)),
    ("POST", "/plan/lines/999999/carry", {}, _all(404)),
    ("GET", "/account/delegations", {}, _all(200)),
    ("POST", "/account/delegations", {}, _all(422)),
    (
        "POST",
        "/tasks/{endorse_a}/reassign",
        {},
        {**_visible(SEE_A, yes=403), "head": 303, "hr": 303, "admin": 303},
    ),
    ("GET", "/reports/", {}, _all(303)),
    ("GET", "/reports/university", {}, _visible(OVERSIGHT, no=403)),
    ("GET", "/reports/university?format=pdf", {}, _visible(OVERSIGHT, no=403)),
    ("GET", "/reports/institute?format=xlsx", {}, _visible(OVERSIGHT | {"director"}, no=403)),
    ("GET", "/reports/department?unit={cs}", {}, _visible(OVERSIGHT | {"director", "head"}, no=403)),
    ("GET", "/reports/individual", {}, _all(200)),
    (
        "GET",
        "/reports/individual?person={teacher}",
        {},
        _visible(OVERSIGHT | {"director", "head", "teacher"}, no=403),
    ),
    ("GET", "/reports/nonsense", {}, _all(404)),
    ("GET", "/reports/annual", {}, _visible(ANNUAL, no=403)),
    ("GET", "/reports/annual/602-06/2026", {}, _visible(ANNUAL, no=403)),
    ("GET", "/reports/annual/centre/2026?format=pdf", {}, _visible(ANNUAL, no=403)),
    ("POST", "/reports/annual/602-06/2026", {"analysis": "Талдау"}, {**_all(403), "hr": 303}),
    # A stale approval (no version read): HR is sent back to the report, nothing is approved.
    ("POST", "/reports/annual/602-06/2026/approve", {}, {**_all(403), "hr": 303}),
    ("GET", "/reports/quarterly", {}, _visible(QUARTERLY, no=403)),
    ("POST", "/reports/settings", {}, {**_all(403), "hr": 422, "admin": 422}),
    ("GET", "/reports/retention", {}, {**_all(403), "hr": 200, "admin": 200}),
    ("POST", "/reports/retention", {}, {**_all(403), "hr": 422, "admin": 422}),
    # The annual plan, before any campaign: HR and the centre run campaigns; no schedule exists.
    ("GET", "/plan/", {}, _all(200)),
    ("POST", "/plan/campaigns", {}, _org({"hr", "centre"}, ok=422)),
    ("GET", "/plan/campaigns/999999", {}, _org({"hr", "centre"}, ok=404)),
    ("POST", "/plan/campaigns/999999/remind", {}, _org({"hr", "centre"}, ok=404)),
    ("POST", "/plan/campaigns/999999/withdraw", {}, _org({"hr"}, ok=404)),
    ("GET", "/plan/schedules/999999", {}, _all(404)),
    ("GET", "/plan/schedules/999999/mine", {}, _all(404)),
    ("POST", "/plan/schedules/999999/mine", {}, _all(404)),
    ("POST", "/plan/schedules/999999/mine/submit", {}, _all(404)),
    ("POST", "/plan/schedules/999999/lines", {}, _all(404)),
    ("GET", "/plan/lines/999999", {}, _all(404)),
    ("POST", "/plan/lines/999999", {}, _all(404)),
    ("POST", "/plan/lines/999999/remove", {}, _all(404)),
    ("POST", "/plan/lines/999999/accept", {}, _all(404)),
    ("POST", "/plan/schedules/999999/meeting", {}, _all(404)),
    ("POST", "/plan/schedules/999999/approve", {}, _all(404)),
    ("POST", "/plan/schedules/999999/return", {"comment": "x"}, _all(404)),
    ("POST", "/plan/schedules/999999/sign", {}, _all(404)),
    ("POST", "/plan/schedules/999999/consolidate", {}, _all(404)),
    ("POST", "/plan/schedules/999999/finance", {}, _all(404)),
    ("POST", "/plan/schedules/999999/approval", {}, _all(404)),
    ("GET", "/plan/schedules/999999/form.xlsx", {}, _all(404)),
    ("GET", "/plan/schedules/999999/form.pdf", {}, _all(404)),
    # Last: they end the cases (for the one role allowed to).
    ("POST", "/cases/{b}/cancel-order", {"reason": "Өтпейді"}, _act("hr", SEE_B, 303)),
    ("POST", "/cases/{a}/withdraw", {}, _act("teacher", SEE_A, 303)),
    # Last: it ends the session the rows above ran in.
    ("POST", "/account/sign-out-everywhere", {}, _all(303)),
]


def _client(role: str, login_as: LoginAs, client: FlaskClient) -> FlaskClient:
    return client if role == "anonymous" else login_as(role)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(role: str, world: World, login_as: LoginAs, client: FlaskClient) -> None:
    browser = _client(role, login_as, client)
    failures = []
    for method, template, data, expected in MATRIX:
        path = template.format(**world.__dict__)
        form = {k: v.format(**world.__dict__) if isinstance(v, str) else v for k, v in data.items()}
        response = browser.open(path, method=method, data=form)
        if response.status_code != expected[role]:
            failures.append(f"{method} {path}: {response.status_code}, expected {expected[role]}")
        if role == "anonymous" and expected[role] == 302:
            assert response.headers["Location"].startswith("/sign-in"), path
        response.close()
    assert not failures, "\n".join(failures)


def test_refusals_change_nothing(world: World, flow: Flow, login_as: LoginAs) -> None:
    for role in ("teacher2", "head2", "hr", "teacher"):
        login_as(role).post(f"/tasks/{world.endorse_a}", data={"decision": "approve"})
    assert flow.open_elements(world.a) == ["endorse"]
    assert flow.task(world.a, "endorse").assignee_id is None
