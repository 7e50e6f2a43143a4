"""In-app notifications: the list, the badge, marking read; and the e-mail links land on real pages."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path

from sqlalchemy import select

from tests.app.conftest import LoginAs
from tests.workflows.flow import Flow
from workflows.messaging.models import Notification


def test_a_new_task_is_announced_to_the_head(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    task = flow.task(case, "endorse")
    client = login_as("head")
    page = client.get("/notifications").text
    assert "Жаңа тапсырма: Өтінішті келісу" in page
    assert f'href="/tasks/{task.id}"' in page
    assert "Оқылмағаны: 1" in page
    assert re.search(r'title="Оқылмаған">1<', page)


def test_mark_read_one_and_all(flow: Flow, login_as: LoginAs) -> None:
    flow.start()
    flow.start()
    client = login_as("head")
    with flow.factory() as s:
        first, second = s.scalars(
            select(Notification.id)
            .where(Notification.person_id == flow.demo["head"])
            .order_by(Notification.id)
        ).all()
    assert client.post(f"/notifications/{first}/read").status_code == 303
    assert "Оқылмағаны: 1" in client.get("/notifications").text
    # Someone else's notice is not found, and stays unread.
    assert login_as("teacher").post(f"/notifications/{second}/read").status_code == 404
    assert client.post("/notifications/read-all").status_code == 303
    page = client.get("/notifications").text
    assert "Оқылмағаны: 0" in page
    assert "is-unread" not in page


def test_escalation_reaches_the_head_when_the_report_is_late(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    flow.approve_to_order(case)
    flow.at("2026-04-01T08:00:00+05:00")
    flow.fire()
    flow.at("2026-04-06T09:00:00+05:00")
    flow.fire()
    page = login_as("head").get("/notifications").text
    assert "Мерзім өтті: сертификат пен есеп уақытында тапсырылмады" in page
    assert f'href="/cases/{case}"' in page
    assert "Еске салу" in login_as("teacher").get("/notifications").text
    case_page = login_as("head").get(f"/cases/{case}")
    assert case_page.status_code == 200
    assert "Сәйкессіздіктер журналына тіркелді" in case_page.text


def test_email_links_open_the_pages_they_name(flow: Flow, login_as: LoginAs, _mail_outbox: Path) -> None:
    case = flow.start()
    flow.fire()  # the worker sends the queued emails into the test's outbox
    [mail] = [
        message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(_mail_outbox.glob("*.eml"))
        if b"head@demo" in p.read_bytes()
    ]
    body = mail.get_content()
    link = re.search(r"http://[^/\s]+(/tasks/\d+)", body)
    assert link is not None
    assert login_as("head").get(link.group(1)).status_code == 200
    assert f"/tasks/{flow.task(case, 'endorse').id}" == link.group(1)
