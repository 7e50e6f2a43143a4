"""The annual report 602-06 (000 §11.5) and the centre's report to management (Ү 464-001-2025,
001 §3.14): the university's figures for the year with narrative sections people write (the
analysis, the decisions of management, 000 §11.6), approved by HR's director and then frozen.

A year's report is a series of versions. The newest is a draft while people write it, showing
the figures as they are today; HR approves it, which freezes the figures and the text, in every
language, as they were that day. Writing again after that starts the next version's draft: an
approved version never changes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.clock import Clock
from workflows.errors import Conflict, Forbidden, NotFound, ValidationFailed, field_error
from workflows.language import LOCALES, translations
from workflows.org.roles import Role
from workflows.org.seats import seats
from workflows.reports.documents import report_choices, university_names
from workflows.reports.figures import build_report
from workflows.reports.kept import AnnualKind, AnnualReport, ReportStatus
from workflows.reports.period import year as year_period
from workflows.reports.tables import Chart, ReportDocument, Table, report_document
from workflows.wording import N_

TITLES = {
    AnnualKind.ANNUAL: N_("Annual report on qualification improvement (602-06)"),
    AnnualKind.CENTRE: N_("The competence centre's report to management (Ү 464-001-2025)"),
}
SECTIONS: dict[AnnualKind, tuple[tuple[str, str], ...]] = {
    AnnualKind.ANNUAL: (
        ("analysis", N_("Analysis of the year's results")),
        ("decisions", N_("Decisions of management")),
        ("improvements", N_("Improvements planned for next year")),
    ),
    AnnualKind.CENTRE: (
        ("activities", N_("The centre's work in the year")),
        ("analysis", N_("Analysis of the results")),
        ("proposals", N_("Proposals to management")),
    ),
}
READERS = frozenset({Role.HR, Role.COMPETENCE_CENTRE, Role.RECTOR, Role.ADMIN})
EDITORS = {
    AnnualKind.ANNUAL: frozenset({Role.HR}),
    AnnualKind.CENTRE: frozenset({Role.COMPETENCE_CENTRE, Role.HR}),
}
APPROVERS = frozenset({Role.HR})  # HR's director approves (000 §11.5)
SECTION_LIMIT = 20000  # characters in one narrative section


@dataclass(frozen=True)
class AnnualView:
    kind: AnnualKind
    year: int
    row: AnnualReport | None  # the version shown (None: nothing written yet)
    versions: list[AnnualReport]
    document: ReportDocument
    can_edit: bool
    can_approve: bool


def _roles(session: Session, actor_id: int, day: date) -> set[str]:
    return {s.role for s in seats(session, actor_id, day)}


def _kind(raw: str) -> AnnualKind:
    try:
        return AnnualKind(raw)
    except ValueError:
        raise NotFound("No such report", kind=raw) from None


def _versions(session: Session, kind: AnnualKind, number: int) -> list[AnnualReport]:
    return list(
        session.scalars(
            select(AnnualReport)
            .where(AnnualReport.kind == kind, AnnualReport.year == number)
            .order_by(AnnualReport.version.desc())
        )
    )


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value


def document_from_json(data: dict[str, Any]) -> ReportDocument:
    return ReportDocument(
        title=data["title"],
        university=data["university"],
        subject=data["subject"],
        period=data["period"],
        made_on=data["made_on"],
        locale=data["locale"],
        tables=[Table(**t) for t in data["tables"]],
        charts=[
            Chart(
                c["key"],
                c["kind"],
                c["title"],
                c["labels"],
                [(label, values) for label, values in c["datasets"]],
            )
            for c in data["charts"]
        ],
        note=data["note"],
        sections=tuple((title, text) for title, text in data["sections"]),
    )


def _live(
    session: Session,
    actor_id: int,
    clock: Clock,
    kind: AnnualKind,
    number: int,
    sections: dict[str, Any],
    locales: tuple[str, ...],
    process_key: str,
) -> dict[str, ReportDocument]:
    report = build_report(session, actor_id, clock, "university", None, year_period(number))
    choices, university, today = (
        report_choices(session, process_key),
        university_names(session),
        local_date(clock.now()),
    )
    found = {}
    for locale in locales:
        say = translations(locale).gettext
        document = report_document(report, locale, choices, university, today)
        found[locale] = replace(
            document,
            title=say(TITLES[kind]),
            sections=tuple((say(title), str(sections.get(key) or "")) for key, title in SECTIONS[kind]),
        )
    return found


def annual_view(
    session: Session,
    actor_id: int,
    clock: Clock,
    kind_code: str,
    number: int,
    locale: str,
    process_key: str,
    version: int | None = None,
) -> AnnualView:
    """The year's report as the reader may see it: a version (the newest unless `version` says), with
    the live figures while it is a draft and the frozen ones once approved."""
    kind, day = _kind(kind_code), local_date(clock.now())
    roles = _roles(session, actor_id, day)
    if not roles & READERS:
        raise Forbidden("The annual reports are for HR, the centre, the rector and administrators")
    versions = _versions(session, kind, number)
    row = versions[0] if versions else None
    if version is not None:
        row = next((v for v in versions if v.version == version), None)
        if row is None:
            raise NotFound("No such version", version=version)
    if row is not None and row.status == ReportStatus.APPROVED:
        document = document_from_json(row.frozen.get(locale) or next(iter(row.frozen.values())))
    else:
        document = _live(
            session, actor_id, clock, kind, number, row.sections if row else {}, (locale,), process_key
        )[locale]
    return AnnualView(
        kind,
        number,
        row,
        versions,
        document,
        can_edit=bool(roles & EDITORS[kind]),
        can_approve=bool(roles & APPROVERS) and row is not None and row.status == ReportStatus.DRAFT,
    )


def _check_texts(kind: AnnualKind, texts: dict[str, str]) -> dict[str, str]:
    errors, found = [], {}
    for key, _title in SECTIONS[kind]:
        text = (texts.get(key) or "").strip()
        if len(text) > SECTION_LIMIT:
            errors.append(field_error(key, "maxLength", limit=SECTION_LIMIT))
        found[key] = text
    if errors:
        raise ValidationFailed(errors)
    return found


def save_sections(
    session: Session,
    actor_id: int,
    clock: Clock,
    kind_code: str,
    number: int,
    texts: dict[str, str],
    row_version: int | None,
) -> AnnualReport:
    """Write the narrative: into the draft, or, after an approval, into the next version's draft.
    `row_version` is the version of the draft the writer read (None when there was none): someone
    else's save in between is a conflict, never overwritten."""
    kind, now = _kind(kind_code), clock.now()
    if not _roles(session, actor_id, local_date(now)) & EDITORS[kind]:
        raise Forbidden("Only the report's authors write its narrative", kind=kind.value)
    sections = _check_texts(kind, texts)
    versions = _versions(session, kind, number)
    latest = versions[0] if versions else None
    if latest is not None and latest.status == ReportStatus.DRAFT:
        if row_version != latest.row_version:
            raise Conflict("Someone else saved this report first", report_id=latest.id)
        latest.sections, latest.updated_at, latest.updated_by_id = sections, now, actor_id
        session.flush()
        return latest
    if latest is None and row_version is not None:
        raise Conflict("This report changed since it was opened")
    if latest is not None and row_version not in (None, latest.row_version):
        raise Conflict("Someone else changed this report first", report_id=latest.id)
    draft = AnnualReport(
        kind=kind,
        year=number,
        version=(latest.version + 1) if latest else 1,
        status=ReportStatus.DRAFT,
        sections=sections,
        frozen={},
        created_at=now,
        created_by_id=actor_id,
        updated_at=now,
        updated_by_id=actor_id,
    )
    session.add(draft)
    session.flush()
    return draft


def approve_annual(
    session: Session,
    actor_id: int,
    clock: Clock,
    kind_code: str,
    number: int,
    row_version: int | None,
    process_key: str,
) -> AnnualReport:
    """HR approves the draft it read: its figures and text are frozen in every language."""
    kind, now = _kind(kind_code), clock.now()
    if not _roles(session, actor_id, local_date(now)) & APPROVERS:
        raise Forbidden("Only HR approves the annual report", kind=kind.value)
    versions = _versions(session, kind, number)
    latest = versions[0] if versions else None
    if latest is None or latest.status != ReportStatus.DRAFT or latest.row_version != row_version:
        raise Conflict("This draft changed or was approved since it was opened")
    documents = _live(session, actor_id, clock, kind, number, latest.sections, LOCALES, process_key)
    latest.frozen = {locale: _json(asdict(doc)) for locale, doc in documents.items()}
    latest.status, latest.approved_at, latest.approved_by_id = ReportStatus.APPROVED, now, actor_id
    latest.updated_at, latest.updated_by_id = now, actor_id
    session.flush()
    return latest


def annual_years(
    session: Session, actor_id: int, clock: Clock
) -> list[tuple[AnnualKind, int, AnnualReport | None]]:
    """Each kind's years with a report, newest first, and this year's even when nothing is written."""
    if not _roles(session, actor_id, local_date(clock.now())) & READERS:
        raise Forbidden("The annual reports are for HR, the centre, the rector and administrators")
    rows = session.scalars(
        select(AnnualReport).order_by(AnnualReport.year.desc(), AnnualReport.version.desc())
    )
    newest: dict[tuple[AnnualKind, int], AnnualReport | None] = {}
    for row in rows:
        newest.setdefault((row.kind, row.year), row)
    this_year = local_date(clock.now()).year
    for kind in AnnualKind:
        newest.setdefault((kind, this_year), None)
    return sorted(((k, y, r) for (k, y), r in newest.items()), key=lambda item: (item[0].value, -item[1]))
