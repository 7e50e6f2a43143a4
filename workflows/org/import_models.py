"""The import's own tables: an uploaded file with its preview (`ImportRun`), and the lock row that
lets one import be applied at a time (`ImportLock`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from workflows.db import Base, states


class ImportKind(StrEnum):
    STAFF = "staff"
    TRAINING = "training"


class RunStatus(StrEnum):
    READING = "reading"  # the preview is being computed (a job, for a large file)
    READY = "ready"  # previewed: can be applied when it has no errors
    APPLIED = "applied"


class ImportRun(Base):
    """An uploaded import file, kept until it is applied, with its preview and how far reading got."""

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ImportKind] = mapped_column(states(ImportKind, "kind", 16))
    status: Mapped[RunStatus] = mapped_column(states(RunStatus, "status", 16), default=RunStatus.READING)
    file_name: Mapped[str] = mapped_column(String(300))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of the content and the options
    full_register: Mapped[bool] = mapped_column(default=False)
    rows_total: Mapped[int | None]
    rows_done: Mapped[int] = mapped_column(default=0)
    preview: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime]
    applied_at: Mapped[datetime | None]


class ImportLock(Base):
    """One row per kind of import; applying an import updates its row first, so a second import
    waits for the first one's commit (a row lock on PostgreSQL, the write lock on SQLite)."""

    __tablename__ = "import_lock"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    taken_at: Mapped[datetime | None]
