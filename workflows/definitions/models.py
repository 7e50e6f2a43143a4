"""Process definitions: published immutable versions, and the draft a process owner works on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflows.db import Base, states
from workflows.definitions.kinds import DefinitionKind

__all__ = ["DefinitionKind", "ProcessArchive", "ProcessDraft", "ProcessVersion"]


class ProcessVersion(Base):
    """One published, immutable version of a process (BPMN and its forms) or of a decision table (DMN,
    in `bpmn_xml`, no forms), with a content hash."""

    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("process_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[DefinitionKind] = mapped_column(
        states(DefinitionKind, "kind", 16), default=DefinitionKind.PROCESS, server_default="process"
    )
    version: Mapped[int]
    bpmn_xml: Mapped[str] = mapped_column(Text)
    forms: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    published_at: Mapped[datetime]


class ProcessDraft(Base):
    """The diagram and forms a process owner is working on, before they become a published version.

    Saved even when validation fails (the problems found at the last save are kept with it), so
    work is never lost; only publishing requires a clean bill. `row_version` is SQLAlchemy's
    version counter: an UPDATE or DELETE from a session that read an older row matches nothing.
    """

    __tablename__ = "process_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[DefinitionKind] = mapped_column(
        states(DefinitionKind, "kind", 16), default=DefinitionKind.PROCESS, server_default="process"
    )
    bpmn_xml: Mapped[str] = mapped_column(Text)  # a decision's DMN XML for kind "decision"
    forms: Mapped[dict[str, Any]]  # form key -> JSON Schema
    # Problem records (code, message, element_id, line, params) found when the draft was last saved.
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # The published version the draft started from; None for a process that has never been published.
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("process_version.id"))
    row_version: Mapped[int] = mapped_column()
    created_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime]
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    updated_at: Mapped[datetime]

    __mapper_args__ = {"version_id_col": row_version}


class ProcessArchive(Base):
    """A process its owner has archived: no new case starts on it; cases already running go on.

    One row per archived process key; unarchiving deletes it. Versions stay as they were.
    """

    __tablename__ = "process_archive"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(100), unique=True)
    archived_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    archived_at: Mapped[datetime]
