"""Notification emails go through a real SMTP server (aiosmtpd on loopback), in the recipient's language."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.smtp import SmtpInbox as _Inbox
from tests.workflows.flow import Flow
from workflows.cases.models import Job, JobKind
from workflows.clock import Clock
from workflows.language import translations
from workflows.messaging.email import send_email_job
from workflows.org.models import Person
from workflows.wording import NOTICES, fill
from workflows.worker import HANDLERS


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
    step = {"kk": "Өтінішті келісу", "ru": "Согласование заявления", "en": "Endorsement of the application"}
    notice = fill(translations(locale).gettext(NOTICES["task_assigned"]), {"task": step[locale]})
    assert message["Subject"] == notice  # the step named in the recipient's language, as in the app
    body = message.get_content()
    greeting = {"kk": "Құрметті", "ru": "Уважаемый(ая)", "en": "Dear"}[locale]
    assert body.startswith(greeting)
    due = {"kk": "Мерзімі: 06.03.2026.", "ru": "Срок: до 06.03.2026.", "en": "Due by 6 Mar 2026."}
    assert due[locale] in body  # the head's endorsement is due in 5 days


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


class _WorkerDied(BaseException):
    """The worker process dying: nothing after it runs, nothing it did is committed."""


def test_after_a_crash_between_sending_and_acknowledging_the_retry_has_the_same_message_id(
    committed_flow: Flow, smtp: _Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    committed_flow.start()  # queues the head's email

    def send_then_die(session: Session, job: Job, clock: Clock) -> None:
        send_email_job(session, job, clock)
        raise _WorkerDied  # after the server took the message, before the job is marked sent

    monkeypatch.setitem(HANDLERS, JobKind.EMAIL, send_then_die)
    with pytest.raises(_WorkerDied):
        committed_flow.fire()
    with committed_flow.factory() as s:
        job = s.scalars(select(Job).where(Job.kind == "email")).one()
        assert (job.status, job.attempts) == ("pending", 0)  # as if the worker had never begun
    monkeypatch.setitem(HANDLERS, JobKind.EMAIL, send_email_job)
    assert committed_flow.fire().done == 1  # the next worker sends it again
    first, again = smtp.messages
    assert first["Message-ID"] == again["Message-ID"] == f"<job-{job.id}@biliktilik.test>"
    with committed_flow.factory() as s:
        sent = s.get(Job, job.id)
        assert sent is not None and (sent.status, sent.attempts) == ("done", 1)
        assert sent.payload["message_id"] == f"<job-{job.id}@biliktilik.test>"


def test_the_message_id_names_the_job_at_the_senders_domain_without_a_base_url(
    flow: Flow, smtp: _Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("APP_BASE_URL")
    monkeypatch.setenv("MAIL_FROM", "Біліктілік <noreply@university.example.kz>")
    flow.start()
    flow.fire()
    with flow.factory() as s:
        job = s.scalars(select(Job).where(Job.kind == "email")).one()
    [message] = smtp.messages
    assert message["Message-ID"] == f"<job-{job.id}@university.example.kz>"
