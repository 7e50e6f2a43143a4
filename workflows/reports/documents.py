"""A report ready to show or export: its figures and, in the reader's language, its tables and
charts with the university's name and the forms' names for codes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.clock import Clock
from workflows.definitions.catalog import latest_process
from workflows.errors import NotFound
from workflows.org.models import OrgUnit
from workflows.records.entry import manual_record_form
from workflows.reports.figures import Report, build_report
from workflows.reports.period import Period
from workflows.reports.tables import Choices, ReportDocument, choices_from, report_document

FORMS_WITH_CHOICES = ("application", "meeting_review")


@dataclass(frozen=True)
class ReadReport:
    report: Report
    document: ReportDocument


def report_choices(session: Session, process_key: str) -> Choices:
    schemas = {"record": manual_record_form()}
    try:
        process = latest_process(session, process_key)
    except NotFound:
        return choices_from(schemas)
    for key in FORMS_WITH_CHOICES:
        if key in process.forms:
            schemas[key] = process.forms[key]
    return choices_from(schemas)


def university_names(session: Session) -> dict[str, str]:
    root = session.scalars(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id)).first()
    return root.names if root is not None else {}


def read_report(
    session: Session,
    actor_id: int,
    clock: Clock,
    level: str,
    subject_id: int | None,
    period: Period,
    process_key: str,
    locale: str,
) -> ReadReport:
    """The report the reader asked for, in `locale`; Forbidden outside their scope."""
    report = build_report(session, actor_id, clock, level, subject_id, period)
    document = report_document(
        report,
        locale,
        report_choices(session, process_key),
        university_names(session),
        local_date(clock.now()),
    )
    return ReadReport(report, document)
