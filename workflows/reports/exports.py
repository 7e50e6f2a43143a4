"""Long report exports, made by the worker: a report whose tables hold more rows than the policy's
number is not made while the reader waits; a job makes it, the reader watches its progress and is
told with a link when the file is ready. Only the one who asked may download it.

The progress a page shows comes from the job while it runs in this process (the embedded
worker); a separate worker process's progress shows when it is done.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.cases.models import Job, JobKind
from workflows.clock import Clock
from workflows.errors import Forbidden, NotAllowedNow, NotFound
from workflows.messaging.models import NoticeKind
from workflows.messaging.notices import notify_people
from workflows.reports.charts import report_xlsx
from workflows.reports.documents import read_report
from workflows.reports.kept import ExportStatus, ReportExport
from workflows.reports.pdf import report_pdf
from workflows.reports.period import Period
from workflows.reports.policy import reports_policy

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPES = {"xlsx": XLSX_TYPE, "pdf": "application/pdf"}
_LIVE: dict[int, int] = {}  # export id -> percent done, while the job runs here
_LIVE_LOCK = threading.Lock()


def runs_in_background(session: Session, rows: int) -> bool:
    return rows > reports_policy(session).export_background_rows


@dataclass(frozen=True)
class ExportView:
    id: int
    status: str
    progress: int
    rows: int
    filename: str | None
    error: str | None


def request_export(
    session: Session,
    actor_id: int,
    clock: Clock,
    level: str,
    subject_id: int | None,
    period: Period,
    fmt: str,
    locale: str,
    process_key: str,
    stem: str,
    rows: int,
) -> int:
    """Queue the report's file for the worker; returns the export's id (the reader's page)."""
    export = ReportExport(
        person_id=actor_id,
        request={
            "level": level,
            "subject": subject_id,
            "period": [period.kind, period.start.isoformat(), period.end.isoformat()],
            "format": fmt,
            "locale": locale,
            "process_key": process_key,
            "filename": f"{stem}.{fmt}",
        },
        status=ExportStatus.PENDING,
        progress=0,
        rows=rows,
        created_at=clock.now(),
    )
    session.add(export)
    session.flush()
    session.add(Job(kind=JobKind.REPORT_EXPORT, due_at=clock.now(), payload={"export_id": export.id}))
    session.flush()  # the job table's trigger wakes PostgreSQL's workers
    return export.id


def _own(session: Session, actor_id: int, export_id: int) -> ReportExport:
    export = session.get(ReportExport, export_id)
    if export is None or export.person_id != actor_id:
        raise NotFound("No such export", export_id=export_id)
    return export


def export_view(session: Session, actor_id: int, export_id: int) -> ExportView:
    export = _own(session, actor_id, export_id)
    progress = export.progress
    if export.status == ExportStatus.PENDING:
        with _LIVE_LOCK:
            progress = _LIVE.get(export.id, progress)
    return ExportView(
        export.id, export.status, progress, export.rows, export.request.get("filename"), export.error
    )


def export_file(session: Session, actor_id: int, export_id: int) -> tuple[str, bytes, str]:
    """(file name, bytes, content type) of a finished export."""
    export = _own(session, actor_id, export_id)
    if export.status != ExportStatus.DONE or export.content is None:
        raise NotAllowedNow("export_not_ready", "The file is still being made", export_id=export_id)
    return (
        export.filename or "report",
        export.content,
        TYPES.get(str(export.request.get("format")), XLSX_TYPE),
    )


def _step(export_id: int, percent: int) -> None:
    with _LIVE_LOCK:
        _LIVE[export_id] = percent


def _period(raw: list[Any]) -> Period:
    return Period(str(raw[0]), date.fromisoformat(raw[1]), date.fromisoformat(raw[2]))


def export_job(session: Session, job: Job, clock: Clock) -> None:
    """The worker's handler: read the report as its reader (their scope, checked again), write the
    file, tell the reader."""
    export = session.get(ReportExport, int(job.payload["export_id"]))
    if export is None or export.status != ExportStatus.PENDING:
        return
    asked = export.request
    try:
        _step(export.id, 10)
        read = read_report(
            session,
            export.person_id,
            clock,
            asked["level"],
            asked.get("subject"),
            _period(asked["period"]),
            asked["process_key"],
            asked["locale"],
        )
        _step(export.id, 60)
        fmt = asked["format"]
        export.content = report_xlsx(read.document) if fmt == "xlsx" else report_pdf(read.document)
        export.filename = asked["filename"]
        export.status, export.progress, export.done_at = ExportStatus.DONE, 100, clock.now()
        notify_people(
            session, [export.person_id], NoticeKind.REPORT_READY, None, clock, data={"export": export.id}
        )
    except (Forbidden, NotFound) as exc:  # the reader lost the report's scope meanwhile
        export.status, export.error, export.done_at = ExportStatus.FAILED, str(exc), clock.now()
    finally:
        with _LIVE_LOCK:
            _LIVE.pop(export.id, None)
    session.flush()


def my_exports(session: Session, actor_id: int, limit: int = 50) -> list[ExportView]:
    """The reader's latest background exports, newest first."""
    rows = session.scalars(
        select(ReportExport)
        .where(ReportExport.person_id == actor_id)
        .order_by(ReportExport.id.desc())
        .limit(limit)
    )
    return [ExportView(e.id, e.status, e.progress, e.rows, e.request.get("filename"), e.error) for e in rows]
