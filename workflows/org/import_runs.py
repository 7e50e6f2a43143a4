"""An import from the pages: the uploaded file is kept as a run, its preview computed at once for a
small file or by a job for a large one (the page shows how far it got), and applied only with the
token of the preview the person saw."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from workflows.cases.models import Job, JobKind
from workflows.clock import Clock, today
from workflows.errors import NotAllowedNow, NotFound
from workflows.org.authority import require_administration
from workflows.org.history_import import TrainingPreview, apply_training, preview_training
from workflows.org.import_models import ImportKind, ImportRun, RunStatus
from workflows.org.staff_import import apply_staff
from workflows.org.staff_plan import ImportFile, StaffPreview, plan_staff

# How far the previews being computed in this process got, by run: the embedded default (SQLite)
# runs its worker in the web app's process, and SQLite lets nobody else write while a job runs.
_LIVE: dict[int, tuple[int, int]] = {}
__all__ = ["ImportKind", "RunView", "apply_run", "preview_job", "recent_runs", "run_view", "start_run"]
_LIVE_LOCK = threading.Lock()
# Lines of each list a stored preview keeps (the page shows fewer; the counts stay whole), so that a
# 50,000-row file's preview stays a small row.
KEEP = 1000


@dataclass(frozen=True)
class RunView:
    id: int
    kind: ImportKind
    status: RunStatus
    file_name: str
    full_register: bool
    rows_done: int
    rows_total: int | None
    staff: StaffPreview | None
    training: TrainingPreview | None
    applied: dict[str, Any] | None

    @property
    def reading(self) -> bool:
        return self.status == RunStatus.READING

    @property
    def token(self) -> str:
        preview = self.staff or self.training
        return preview.digest if preview else ""


def start_run(
    session: Session,
    actor_id: int,
    kind: ImportKind,
    file: ImportFile,
    clock: Clock,
    inline_bytes: int,
) -> int:
    """Keep the upload and preview it: now when it is at most `inline_bytes`, else by a job."""
    require_administration(session, actor_id, today(clock))
    run = ImportRun(
        kind=kind,
        file_name=file.name[:300] or "import",
        content=file.data,
        digest=file.digest,
        full_register=file.full_register,
        created_by_id=actor_id,
        created_at=clock.now(),
        rows_done=0,
    )
    session.add(run)
    session.flush()
    if len(file.data) <= inline_bytes:
        _compute(session, run, file.max_bytes, clock)
    else:
        session.add(
            Job(
                kind=JobKind.IMPORT_PREVIEW,
                due_at=clock.now(),
                payload={"run_id": run.id, "max_bytes": file.max_bytes},
            )
        )
        session.flush()  # the job table's trigger wakes PostgreSQL's workers
    return run.id


def run_view(session: Session, actor_id: int, run_id: int, clock: Clock) -> RunView:
    require_administration(session, actor_id, today(clock))
    run = session.get(ImportRun, run_id)
    if run is None:
        raise NotFound("no such import", run_id=run_id)
    done, total = run.rows_done, run.rows_total
    with _LIVE_LOCK:
        live = _LIVE.get(run.id)
    if live is not None and run.status == RunStatus.READING:
        done, total = max(done, live[0]), live[1]
    preview = run.preview or {}
    return RunView(
        run.id,
        run.kind,
        run.status,
        run.file_name,
        run.full_register,
        done,
        total,
        StaffPreview.from_json(preview["staff"]) if "staff" in preview else None,
        TrainingPreview.from_json(preview["training"]) if "training" in preview else None,
        preview.get("applied"),
    )


def apply_run(
    session: Session, actor_id: int, run_id: int, token: str, clock: Clock, max_bytes: int
) -> dict[str, Any]:
    """Apply the previewed file, if `token` is its preview's; returns the counts."""
    require_administration(session, actor_id, today(clock))
    run = session.get(ImportRun, run_id)
    if run is None:
        raise NotFound("no such import", run_id=run_id)
    if run.status == RunStatus.APPLIED:
        raise NotAllowedNow("import_applied", "this file has already been imported")
    if run.status != RunStatus.READY:
        raise NotAllowedNow("import_not_ready", "the file is still being read")
    file = ImportFile(run.content, max_bytes, run.full_register, run.file_name)
    if run.kind == ImportKind.STAFF:
        counts: dict[str, Any] = apply_staff(session, actor_id, file, clock, expected_digest=token).__dict__
    else:
        counts = apply_training(session, actor_id, file, clock, expected_digest=token).__dict__
    run.status, run.applied_at = RunStatus.APPLIED, clock.now()
    run.preview = {**(run.preview or {}), "applied": dict(counts)}
    session.flush()
    return dict(counts)


def preview_job(session: Session, job: Job, clock: Clock) -> None:
    """The worker's part: read a large file, telling the page how far it got."""
    run = session.get(ImportRun, int(job.payload["run_id"]))
    if run is None or run.status != RunStatus.READING:
        return
    try:
        _compute(session, run, int(job.payload["max_bytes"]), clock, _reporter(session, run.id))
    finally:
        with _LIVE_LOCK:
            _LIVE.pop(run.id, None)


def _compute(session: Session, run: ImportRun, max_bytes: int, clock: Clock, progress: Any = None) -> None:
    file = ImportFile(run.content, max_bytes, run.full_register, run.file_name)
    if run.kind == ImportKind.STAFF:
        preview = plan_staff(session, file, clock, progress).preview
        run.preview = {"staff": preview.to_json(KEEP)}
        run.rows_total = preview.rows
    else:
        training = preview_training(session, None, file, clock, progress)
        run.preview = {"training": training.to_json(KEEP)}
        run.rows_total = training.rows
    run.rows_done = run.rows_total or 0
    run.status = RunStatus.READY
    session.flush()


def _reporter(session: Session, run_id: int) -> Any:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) and bind.dialect.name == "postgresql" else None

    def report(done: int, total: int) -> None:
        with _LIVE_LOCK:
            _LIVE[run_id] = (done, total)
        if engine is not None:  # other processes' pages read it from the row, committed on its own
            with engine.begin() as conn:
                conn.execute(
                    update(ImportRun).where(ImportRun.id == run_id).values(rows_done=done, rows_total=total)
                )

    return report


def recent_runs(
    session: Session, actor_id: int, clock: Clock, limit: int = 10
) -> list[tuple[int, str, str, Any]]:
    """(id, file name, status, when) of the latest uploads, newest first."""
    require_administration(session, actor_id, today(clock))
    rows = session.execute(
        select(ImportRun.id, ImportRun.file_name, ImportRun.status, ImportRun.created_at)
        .order_by(ImportRun.id.desc())
        .limit(limit)
    )
    return [(r.id, r.file_name, r.status.value, r.created_at) for r in rows]
