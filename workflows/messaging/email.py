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
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

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


def message_id(job: Job, settings: MailSettings) -> str:
    """The same for every attempt at one job, so a message sent twice can be told for one."""
    return f"<job-{job.id}@{settings.message_host}>"


def compose(session: Session, job: Job, settings: MailSettings) -> EmailMessage | None:
    """The email of a notice job, in the recipient's language (the catalogues the app speaks)."""
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
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = person.email
    message["Subject"] = subject
    message["Message-ID"] = message_id(job, settings)
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
    message.set_content(body)
    return message


# Where each one-time link opens (app/auth/links.py).
LINK_PATHS = {"invitation": "/account/invitation/", "password_reset": "/account/reset/"}


def _account_email(person: Person, job: Job, settings: MailSettings) -> EmailMessage | None:
    """An invitation or a password reset: the one-time link, in the person's language."""
    payload = job.payload
    purpose, token = payload["account"], payload.get("token")
    if purpose not in ACCOUNT_EMAILS or not token:
        return None  # sent already (the token is dropped then), or not ours
    catalogue = translations(person.locale)
    subject, body = (catalogue.gettext(text) for text in ACCOUNT_EMAILS[purpose])
    expires = datetime.fromisoformat(payload["expires_at"]).astimezone(LOCAL_TZ)
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = person.email
    message["Subject"] = subject
    message["Message-ID"] = message_id(job, settings)
    params = {
        "name": person.full_name,
        "link": f"{settings.base_url}{LINK_PATHS[purpose]}{token}",
        "expires": f"{written_date(expires.date(), person.locale)} {expires:%H:%M}",
        "login": person.username,
    }
    message.set_content(fill(body, params))
    return message


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
    message = compose(session, job, settings)
    if message is None:
        return
    if settings.host:
        _send(settings.host, settings.port, message)
    else:  # one file per job: a second attempt replaces the first
        settings.outbox.mkdir(parents=True, exist_ok=True)
        (settings.outbox / f"job-{job.id}.eml").write_bytes(bytes(message))
    # What went out stays with the job (its done_at says when), to find the message by; a one-time
    # link's token does not stay in the database once it has gone out.
    payload = {key: value for key, value in job.payload.items() if key != "token"}
    job.payload = {**payload, "message_id": message["Message-ID"]}


def _send(host: str, port: int, message: EmailMessage) -> None:
    smtp = smtplib.SMTP(host, port, timeout=30)
    try:
        smtp.send_message(message)  # raises unless the server accepted it
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):  # accepted is sent: a failed goodbye changes nothing
            log.info("SMTP QUIT failed after sending %s", message["Message-ID"], exc_info=True)
            smtp.close()
