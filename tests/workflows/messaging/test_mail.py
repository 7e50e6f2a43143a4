"""Notification emails go through a real SMTP server (aiosmtpd on loopback), in the recipient's language."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tests.workflows.flow import Flow
from workflows.cases.models import Job
from workflows.language import translations
from workflows.org.models import Person
from workflows.wording import NOTICES, fill


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        raw = envelope.content  # type: ignore[attr-defined]
        self.messages.append(message_from_bytes(raw, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Inbox]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    monkeypatch.setenv("APP_BASE_URL", "http://biliktilik.test")
    yield inbox
    controller.stop()


def test_new_task_email_reaches_the_head_with_a_deep_link(flow: Flow, smtp: _Inbox) -> None:
    case = flow.start()
    task = flow.task(case, "endorse")
    result = flow.fire()
    assert result.failed == 0 and result.retried == 0
    [message] = [m for m in smtp.messages if m["To"] == "head@demo.biliktilik.kz"]
    assert "Жаңа тапсырма" in message["Subject"]
    body = message.get_content()
    assert f"http://biliktilik.test/tasks/{task.id}" in body
    assert "Жоғары мектептегі цифрлық педагогика" in body
    with flow.factory() as s:
        assert all(j.status == "done" for j in s.scalars(select(Job).where(Job.kind == "email")))


def test_email_speaks_the_recipients_language(flow: Flow, smtp: _Inbox) -> None:
    with flow.factory() as s:
        head = s.get(Person, flow.demo["head"])
        assert head is not None
        head.locale = "ru"
        s.commit()
    flow.start()
    flow.fire()
    [message] = [m for m in smtp.messages if m["To"] == "head@demo.biliktilik.kz"]
    assert message["Subject"].startswith("Новая задача")


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_an_email_says_what_the_in_app_notice_says(flow: Flow, smtp: _Inbox, locale: str) -> None:
    """One catalogue for pages and emails: the subject is the notice's own text in that language."""
    with flow.factory() as s:
        head = s.get(Person, flow.demo["head"])
        assert head is not None
        head.locale = locale
        s.commit()
    flow.start()
    flow.fire()
    [message] = [m for m in smtp.messages if m["To"] == "head@demo.biliktilik.kz"]
    notice = fill(translations(locale).gettext(NOTICES["task_assigned"]), {"task": "Өтінішті келісу"})
    assert message["Subject"] == notice
    greeting = {"kk": "Құрметті", "ru": "Уважаемый(ая)", "en": "Dear"}[locale]
    assert message.get_content().startswith(greeting)


def test_without_smtp_messages_land_in_the_outbox(flow: Flow, _mail_outbox: object) -> None:
    flow.start()
    flow.fire()
    files = list(_mail_outbox.glob("*.eml"))  # type: ignore[attr-defined]
    assert len(files) == 1
    assert b"head@demo.biliktilik.kz" in files[0].read_bytes()


def test_unreachable_smtp_is_retried_then_parked(flow: Flow, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    flow.start()
    first = flow.fire()
    assert (first.done, first.retried) == (0, 1)
    for _ in range(10):
        flow.clock.advance(hours=2)
        flow.fire()
    with flow.factory() as s:
        job = s.scalars(select(Job).where(Job.kind == "email")).one()
    assert (job.status, job.attempts) == ("failed", 5)
    assert job.last_error and "Connection" in job.last_error
