"""Steps the task-page tests share: a case brought to its report, and what the store holds."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from tests.workflows.flow import Flow
from workflows.cases.models import Document


def report_task(flow: Flow) -> tuple[int, int]:
    """A case past its order and its course: (case id, the teacher's report task id)."""
    case = flow.start()
    flow.approve_to_order(case)
    flow.at("2026-04-01T08:00:00+05:00")
    flow.fire()
    return case, flow.task(case, "submit_report").id


def documents(flow: Flow) -> int:
    with flow.factory() as s:
        return s.scalar(select(func.count(Document.id))) or 0


def stored_files(store_root: Path) -> list[Path]:
    return [p for p in store_root.rglob("*") if p.is_file()] if store_root.exists() else []
