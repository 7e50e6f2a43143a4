"""Emails go out in batches, one transaction for many: one that fails waits alone."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.smtp import SmtpInbox
from tests.workflows.flow import Flow
from workflows.cases.models import Job, JobKind
from workflows.messaging.email import Mail, MailConnection, MailSettings, send_email_job
from workflows.worker import HANDLERS


def test_a_failing_email_is_put_off_alone_and_the_rest_of_its_batch_is_sent(
    flow: Flow, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(3):
        flow.start()  # each queues the head's email
    with flow.factory() as session:
        ids = list(session.scalars(select(Job.id).where(Job.kind == JobKind.EMAIL).order_by(Job.id)))
    assert len(ids) == 3

    def second_fails(session: Any, job: Job, clock: Any) -> None:
        if job.id == ids[1]:
            raise ConnectionRefusedError("the mail server is down")
        send_email_job(session, job, clock)

    monkeypatch.setitem(HANDLERS, JobKind.EMAIL, second_fails)
    result = flow.fire()
    assert (result.done, result.retried, result.failed) == (2, 1, 0)
    with flow.factory() as session:
        jobs = {job.id: job for job in session.scalars(select(Job).where(Job.id.in_(ids)))}
    sent, waiting = [jobs[ids[0]], jobs[ids[2]]], jobs[ids[1]]
    assert all((j.status, j.attempts) == ("done", 1) and j.payload.get("message_id") for j in sent)
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert waiting.last_error and "mail server is down" in waiting.last_error
    assert waiting.due_at > flow.clock.now()  # put off, not retried at once
    assert "message_id" not in waiting.payload


def test_a_batch_goes_to_the_mail_server_over_one_session(flow: Flow, smtp: SmtpInbox) -> None:
    for _ in range(3):
        flow.start()  # each queues the head's email
    result = flow.fire()
    assert result.done == 3 and len(smtp.messages) == 3
    assert len(set(smtp.peers)) == 1  # one connection, one greeting and goodbye for the three
    flow.start()
    flow.fire()
    assert len(smtp.messages) == 4 and len(set(smtp.peers)) == 2  # the next batch has its own


def test_a_kept_session_the_server_closed_is_opened_again_for_the_next_email(smtp: SmtpInbox) -> None:
    settings = MailSettings.from_env()
    assert settings.host is not None
    connection = MailConnection(settings.host, settings.port)

    def mail(n: int) -> Mail:
        return Mail("biliktilik@localhost", "head@demo.biliktilik.kz", f"Хат {n}", f"<m-{n}@test>", "Мәтін")

    try:
        connection.send(mail(1))
        assert connection._smtp is not None
        connection._smtp.docmd("QUIT")  # the server ends the session it kept (as an idle timeout does)
        connection.send(mail(2))
    finally:
        connection.close()
    assert [m["Subject"] for m in smtp.messages] == ["Хат 1", "Хат 2"]
    assert len(set(smtp.peers)) == 2
