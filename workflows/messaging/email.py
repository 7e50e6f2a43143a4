"""Email notifications: rendered in the recipient's language when the job runs (with the catalogues
the web app uses), sent over SMTP.

Configuration (environment): SMTP_HOST and SMTP_PORT send through a server; without SMTP_HOST
messages are written as .eml files into MAIL_OUTBOX (default var/outbox) for development.
MAIL_FROM sets the sender, APP_BASE_URL the links back to the product.

Each email job's message has the Message-ID `<job-N@host>` (the host of APP_BASE_URL, else the
domain of MAIL_FROM), whichever attempt sends it. The job is marked sent in the transaction that
sent it, so a worker that dies after the server accepted a message and before that commit leaves
the job to be sent again: at least once, and a repeat carries the same Message-ID, by which mail
servers and clients recognise it.
"""

from __future__ import annotations

import logging
import os
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.message import EmailMessage
from email.mime.text import MIMEText
from email.policy import Compat32
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.calendar import LOCAL_TZ
from workflows.cases.models import HumanTask, Job, ProcessInstance
from workflows.clock import Clock
from workflows.definitions.catalog import version_info
from workflows.errors import NotFound
from workflows.language import translations, written_date
from workflows.org.models import Person
from workflows.wording import ACCOUNT_EMAILS, EMAIL_BODY, EMAIL_DUE, NOTICES, fill

log = logging.getLogger(__name__)
# Where a notice about no case sends its reader (the periodicity sweep's).
CASELESS_LINKS = {
    "periodicity_due": "/records/me",
    "periodicity_due_staff": "/records/monitoring",
    "next_year_list": "/records/monitoring/next-year",
    "quarterly_due": "/reports/quarterly",
    "report_ready": "/reports/exports",
}


@dataclass(frozen=True)
class MailSettings:
    host: str | None
    port: int
    sender: str
    outbox: Path
    base_url: str
    message_host: str  # the right-hand side of Message-IDs

    @classmethod
    def from_env(cls) -> MailSettings:
        sender = os.environ.get("MAIL_FROM", "biliktilik@localhost")
        base_url = os.environ.get("APP_BASE_URL")
        host = urlsplit(base_url).hostname if base_url else None
        return cls(
            host=os.environ.get("SMTP_HOST") or None,
            port=int(os.environ.get("SMTP_PORT", "25")),
            sender=sender,
            outbox=Path(os.environ.get("MAIL_OUTBOX", "var/outbox")),
            base_url=(base_url or "http://127.0.0.1:5000").rstrip("/"),
            message_host=host or parseaddr(sender)[1].rpartition("@")[2] or "localhost",
        )


def load_email_context(session: Session, job_ids: list[int]) -> list[Any]:
    """The people, cases and tasks the emails of `job_ids` speak of, read in one statement into the
    session, where `compose` finds them without asking the database again while the caller holds
    the rows returned (the session keeps only what is referenced)."""
    payload = Job.payload
    return session.execute(
        select(Job.id, Person, ProcessInstance, HumanTask)
        .outerjoin(Person, Person.id == payload["person_id"].as_integer())
        .outerjoin(ProcessInstance, ProcessInstance.id == payload["instance_id"].as_integer())
        .outerjoin(HumanTask, HumanTask.id == payload["task_id"].as_integer())
        .where(Job.id.in_(job_ids))
    ).all()  # type: ignore[return-value]


def message_id(job: Job, settings: MailSettings) -> str:
    """The same for every attempt at one job, so a message sent twice can be told for one."""
    return f"<job-{job.id}@{settings.message_host}>"


@dataclass(frozen=True)
class Mail:
    """One email as written: who to, what it says, and its Message-ID."""

    sender: str
    to: str
    subject: str
    message_id: str
    body: str

    def message(self) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = self.to
        message["Subject"] = self.subject
        message["Message-ID"] = self.message_id
        message.set_content(self.body)
        return message

    def as_bytes(self, linesep: str = "\n") -> bytes:
        """The same message as `message()` gives, put together by the older and much quicker
        machinery of the standard library (MIMEText): the worker writes many. SMTP wants its
        lines ended by CRLF."""
        text = MIMEText(self.body, "plain", "utf-8")
        text["From"] = self.sender if self.sender.isascii() else formataddr(parseaddr(self.sender), "utf-8")
        text["To"] = self.to
        subject: Any = self.subject if self.subject.isascii() else Header(self.subject, "utf-8")
        text["Subject"] = subject  # a Header is folded and encoded as the generator writes it
        text["Message-ID"] = self.message_id
        return text.as_bytes(policy=_WRITING[linesep])


class _Writing(Compat32):
    """compat32, writing a short ASCII header as it stands: the Header machinery it would go through
    gives the same line (most of an email's headers are such), at a good part of its cost."""

    def _fold(self, name: str, value: Any, sanitize: bool) -> str:
        if (
            isinstance(value, str)
            and value.isascii()
            and "\r" not in value
            and "\n" not in value
            and len(name) + 2 + len(value) <= (self.max_line_length or 78)
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)  # type: ignore[misc]


_WRITING = {linesep: _Writing(linesep=linesep) for linesep in ("\n", "\r\n")}


def compose(session: Session, job: Job, settings: MailSettings) -> EmailMessage | None:
    """The email of a notice job, in the recipient's language (the catalogues the app speaks)."""
    mail = written(session, job, settings)
    return mail.message() if mail is not None else None


def written(session: Session, job: Job, settings: MailSettings) -> Mail | None:
    """What the email of a job says, or None when it is not to be sent."""
    payload = job.payload
    person = session.get(Person, payload["person_id"])
    if person is None or not person.email:
        return None
    if payload.get("account"):
        return _account_email(person, job, settings)
    if (person.email_notices or {}).get(payload["kind"]) is False:
        return None  # the person switched this kind of email off; the in-app notice stays
    catalogue = translations(person.locale)
    instance = (
        session.get(ProcessInstance, payload.get("instance_id")) if payload.get("instance_id") else None
    )
    task = session.get(HumanTask, payload["task_id"]) if payload.get("task_id") else None
    kind = payload["kind"]
    template = NOTICES.get(kind)
    step = _step_name(session, instance, task, person.locale) if task and instance else ""
    subject = fill(catalogue.gettext(template), {"task": step}) if template else kind
    link = (
        f"{settings.base_url}/tasks/{task.id}"
        if task
        else (
            f"{settings.base_url}/cases/{instance.id}"
            if instance
            else settings.base_url + CASELESS_LINKS.get(kind, "")
        )
    )
    body = fill(
        catalogue.gettext(EMAIL_BODY),
        {
            "name": person.full_name,
            "subject": subject,
            "case": instance.business_key if instance else "",
            "course": (instance.summary.get("course") or "") if instance else "",
            "link": link,
        },
    )
    if task is not None and task.due_date is not None:
        due = fill(catalogue.gettext(EMAIL_DUE), {"due": written_date(task.due_date, person.locale)})
        body = body.replace(f"{subject}.\n", f"{subject}.\n{due}\n", 1)
    return Mail(settings.sender, person.email, subject, message_id(job, settings), body)


# Where each one-time link opens (app/auth/links.py).
LINK_PATHS = {"invitation": "/account/invitation/", "password_reset": "/account/reset/"}


def _account_email(person: Person, job: Job, settings: MailSettings) -> Mail | None:
    """An invitation or a password reset: the one-time link, in the person's language."""
    payload = job.payload
    purpose, token = payload["account"], payload.get("token")
    if purpose not in ACCOUNT_EMAILS or not token:
        return None  # sent already (the token is dropped then), or not ours
    catalogue = translations(person.locale)
    subject, body = (catalogue.gettext(text) for text in ACCOUNT_EMAILS[purpose])
    expires = datetime.fromisoformat(payload["expires_at"]).astimezone(LOCAL_TZ)
    params = {
        "name": person.full_name,
        "link": f"{settings.base_url}{LINK_PATHS[purpose]}{token}",
        "expires": f"{written_date(expires.date(), person.locale)} {expires:%H:%M}",
        "login": person.username,
    }
    return Mail(settings.sender, str(person.email), subject, message_id(job, settings), fill(body, params))


def _step_name(session: Session, instance: ProcessInstance, task: HumanTask, locale: str) -> str:
    """The step's name in the reader's language, as the diagram gives it (the task row keeps Kazakh)."""
    try:
        step = version_info(session, instance.version_id).steps.get(task.element_id)
    except NotFound:
        step = None
    return step.name(locale) if step is not None else task.name


def send_email_job(session: Session, job: Job, clock: Clock, settings: MailSettings | None = None) -> None:
    """Send a notice's email; the worker marks the job done in the same transaction."""
    settings = settings or MailSettings.from_env()
    mail = written(session, job, settings)
    if mail is None:
        return
    if settings.host:
        _send(settings.host, settings.port, mail)
    else:  # one file per job: a second attempt replaces the first
        settings.outbox.mkdir(parents=True, exist_ok=True)
        (settings.outbox / f"job-{job.id}.eml").write_bytes(mail.as_bytes())
    # What went out stays with the job (its done_at says when), to find the message by; a one-time
    # link's token does not stay in the database once it has gone out.
    payload = {key: value for key, value in job.payload.items() if key != "token"}
    job.payload = {**payload, "message_id": mail.message_id}


def _send(host: str, port: int, mail: Mail) -> None:
    batch = _batch.get()
    if batch is not None:
        batch.setdefault((host, port), MailConnection(host, port)).send(mail)
        return
    connection = MailConnection(host, port)
    try:
        connection.send(mail)
    finally:
        connection.close()


class MailConnection:
    """One SMTP session for the emails of a batch: opened for the first, kept for the others, and
    dropped after a failure, so that the next email opens a fresh one. A session the server closed
    while it was kept (an idle timeout) is opened again once for the email that found it closed."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._smtp: smtplib.SMTP | None = None

    def send(self, mail: Mail) -> None:
        kept = self._smtp is not None
        try:
            try:
                self._sendmail(mail)
            except smtplib.SMTPServerDisconnected:
                if not kept:
                    raise
                self._drop()
                self._sendmail(mail)  # the kept session had gone; a fresh one, once
        except BaseException:
            self._drop()
            raise

    def _sendmail(self, mail: Mail) -> None:
        if self._smtp is None:
            self._smtp = smtplib.SMTP(self.host, self.port, timeout=30)
        # Raises unless the server accepted the message.
        self._smtp.sendmail(mail.sender, [mail.to], mail.as_bytes("\r\n"))

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        # What was accepted is sent: a failed goodbye changes nothing.
        except (smtplib.SMTPException, OSError):
            log.info("SMTP QUIT failed after a batch to %s", self.host, exc_info=True)
        finally:
            self._drop()


# The SMTP sessions of the batch being sent, by server (`one_session_a_server`).
_batch: ContextVar[dict[tuple[str, int], MailConnection] | None] = ContextVar("mail_batch", default=None)


@contextmanager
def one_session_a_server() -> Iterator[None]:
    """The emails sent inside share one SMTP session with each server (the worker's batch of up
    to 50), instead of a connection, a greeting and a goodbye each."""
    token = _batch.set({})
    try:
        yield
    finally:
        for connection in (_batch.get() or {}).values():
            connection.close()
        _batch.reset(token)
