"""Submitting a form with files: everything is checked before any file is stored.

Each file is read from its stream here, never past the size limit, so a file over it is refused
like any other field (and the form shown again with what was typed) without being held whole.
The schema and the named checks run first with placeholders for the uploads, and every file
is checked by size and content; only when all of it passes are the files stored and the case
started or the task completed, so a refused submission leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.cases.access import task_access
from workflows.cases.documents import MAX_BYTES, FileStore, file_errors, store_upload
from workflows.cases.history import case_data
from workflows.cases.input import CaseRef
from workflows.cases.models import CaseStatus, HumanTask, ProcessInstance, TaskStatus
from workflows.cases.start import start_case
from workflows.cases.tasks import complete_task
from workflows.clock import Clock
from workflows.definitions.catalog import ProcessInfo, StepInfo, latest_process, version_info
from workflows.definitions.starting import require_start
from workflows.errors import NotFound, ValidationFailed
from workflows.forms.checks import CheckContext, validate_submission

_PLACEHOLDER_ID = "0" * 32


@dataclass(frozen=True)
class Upload:
    field: str
    filename: str
    stream: IO[bytes]  # read by the service, at most one byte past the limit


@dataclass(frozen=True)
class _File:
    field: str
    filename: str
    content: bytes  # longer than the limit when the file is


def _read(uploads: list[Upload], max_bytes: int) -> list[_File]:
    return [_File(u.field, u.filename, u.stream.read(max_bytes + 1)) for u in uploads]


def _precheck(
    process: ProcessInfo,
    step: StepInfo,
    data: dict[str, Any],
    uploads: list[_File],
    clock: Clock,
    max_bytes: int,
    case: dict[str, Any] | None = None,
) -> None:
    schema = process.schema(step.form_key)
    placeholders = {u.field: _PLACEHOLDER_ID for u in uploads}
    policy = case.get("policy", process.policy) if case else process.policy
    ctx = CheckContext(today=local_date(clock.now()), policy=policy, case=case or {})
    errors = validate_submission(schema, step.checks, {**data, **placeholders}, ctx)
    failed = {e.field for e in errors}
    for upload in uploads:
        if upload.field not in failed:
            errors.extend(file_errors(upload.field, upload.content, max_bytes))
    if errors:
        raise ValidationFailed(errors)


def _store(
    session: Session, store: FileStore, uploads: list[_File], actor_id: int, clock: Clock, max_bytes: int
) -> dict[str, str]:
    return {
        u.field: store_upload(session, store, u.field, u.filename, u.content, actor_id, clock, max_bytes).id
        for u in uploads
    }


def start_application(
    session: Session,
    store: FileStore,
    process_key: str,
    actor_id: int,
    data: dict[str, Any],
    uploads: list[Upload],
    clock: Clock,
    max_bytes: int = MAX_BYTES,
    subject_id: int | None = None,
) -> CaseRef:
    process = latest_process(session, process_key)
    # Who may start it, for whom, is checked before anything is read or stored.
    require_start(session, process, actor_id, subject_id or actor_id, local_date(clock.now()))
    files = _read(uploads, max_bytes)
    _precheck(process, process.start, data, files, clock, max_bytes)
    stored = _store(session, store, files, actor_id, clock, max_bytes)
    return start_case(session, process_key, actor_id, {**data, **stored}, clock, subject_id)


def submit_task(
    session: Session,
    store: FileStore,
    task_id: int,
    actor_id: int,
    data: dict[str, Any],
    uploads: list[Upload],
    clock: Clock,
    max_bytes: int = MAX_BYTES,
) -> CaseRef:
    task = session.get(HumanTask, task_id)
    instance = session.get(ProcessInstance, task.instance_id) if task is not None else None
    if task is None or instance is None:
        raise NotFound("No such task", task_id=task_id)
    if not task_access(session, task, actor_id, local_date(clock.now())).can_act:
        # Refused for who the actor is or because the task is gone: say so, store nothing.
        return complete_task(session, task_id, actor_id, data, clock)
    files = _read(uploads, max_bytes)
    if task.status == TaskStatus.OPEN and instance.status == CaseStatus.RUNNING:
        process = version_info(session, instance.version_id)
        step = process.steps.get(task.element_id)
        if step is not None and files:
            # Checked before any file is stored; the named checks need the case's data.
            case = case_data(session, instance.id, clock) if step.checks else None
            _precheck(process, step, data, files, clock, max_bytes, case)
    stored = _store(session, store, files, actor_id, clock, max_bytes) if files else {}
    return complete_task(session, task_id, actor_id, {**data, **stored}, clock)
