"""Email notifications: rendered in the recipient's language when the job runs (with the catalogues
the web app uses), sent over SMTP.

Configuration (environment): SMTP_HOST and SMTP_PORT send through a server; without SMTP_HOST
messages are written as .eml files into MAIL_OUTBOX (default var/outbox) for development.
MAIL_FROM sets the sender, APP_BASE_URL the links back to the product.
"""

from __future__ import annotations

import os
import smtplib
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy.orm import Session

from workflows.cases.models import HumanTask, Job, ProcessInstance
from workflows.clock import Clock
from workflows.language import translations
from workflows.org.models import Person
from workflows.wording import EMAIL_BODY, NOTICES, fill


@dataclass(frozen=True)
class MailSettings:
    host: str | None
    port: int
    sender: str
    outbox: Path
    base_url: str

    @classmethod
    def from_env(cls) -> MailSettings:
        return cls(
            host=os.environ.get("SMTP_HOST") or None,
            port=int(os.environ.get("SMTP_PORT", "25")),
            sender=os.environ.get("MAIL_FROM", "biliktilik@localhost"),
            outbox=Path(os.environ.get("MAIL_OUTBOX", "var/outbox")),
            base_url=os.environ.get("APP_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        )


def compose(session: Session, job: Job, settings: MailSettings) -> EmailMessage | None:
    """The email of a notice job, in the recipient's language (the catalogues the app speaks)."""
    payload = job.payload
    person = session.get(Person, payload["person_id"])
    if person is None or not person.email:
        return None
    catalogue = translations(person.locale)
    instance = (
        session.get(ProcessInstance, payload.get("instance_id")) if payload.get("instance_id") else None
    )
    task = session.get(HumanTask, payload["task_id"]) if payload.get("task_id") else None
    kind = payload["kind"]
    template = NOTICES.get(kind)
    subject = fill(catalogue.gettext(template), {"task": task.name if task else ""}) if template else kind
    link = (
        f"{settings.base_url}/tasks/{task.id}"
        if task
        else (f"{settings.base_url}/cases/{instance.id}" if instance else settings.base_url)
    )
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = person.email
    message["Subject"] = subject
    message["Message-ID"] = f"<job-{job.id}-{uuid.uuid4().hex[:8]}@biliktilik>"
    message.set_content(
        fill(
            catalogue.gettext(EMAIL_BODY),
            {
                "name": person.full_name,
                "subject": subject,
                "case": instance.business_key if instance else "",
                "course": (instance.summary.get("course") or "") if instance else "",
                "link": link,
            },
        )
    )
    return message


def send_email_job(session: Session, job: Job, clock: Clock, settings: MailSettings | None = None) -> None:
    settings = settings or MailSettings.from_env()
    message = compose(session, job, settings)
    if message is None:
        return
    if settings.host:
        with smtplib.SMTP(settings.host, settings.port, timeout=30) as smtp:
            smtp.send_message(message)
    else:
        settings.outbox.mkdir(parents=True, exist_ok=True)
        (settings.outbox / f"{clock.now():%Y%m%dT%H%M%S}-{job.id}.eml").write_bytes(bytes(message))
