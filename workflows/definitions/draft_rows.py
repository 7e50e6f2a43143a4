"""The records process owners work on: the owner check, drafts and versions by key, the edit token.

Shared by the draft lifecycle (`drafts`) and what owners browse (`definition_browser`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.clock import Clock, today
from workflows.definitions.models import ProcessDraft, ProcessVersion
from workflows.definitions.reading import read_document
from workflows.engine.definition import DefinitionInfo, read_info
from workflows.errors import Conflict, DefinitionInvalid, Forbidden, NotFound, Problem
from workflows.org.models import Person
from workflows.org.seats import has_role

PROCESS_OWNER = "process_owner"
# A BPMN id (an XML name) that fits the process_key columns.
PROCESS_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,99}")


class DefinitionConflict(Conflict):
    """Someone else saved, published or discarded the same process first; nothing was changed."""

    code = "definition_conflict"


class DraftBehindLive(DefinitionConflict):
    """A version was published (e.g. a republish) after the draft started; publishing it would undo that."""

    code = "draft_behind_live"


@dataclass(frozen=True)
class EditToken:
    """What an edit is based on: the published version it started from and the draft's row version.

    `str()` gives a compact form for a hidden form field or an If-Match header; `parse` reads it back.
    """

    base_version_id: int | None
    draft_version: int | None

    def __str__(self) -> str:
        return f"{self.base_version_id or 0}.{self.draft_version or 0}"

    @classmethod
    def parse(cls, text: str) -> EditToken:
        try:
            base, draft = (int(part) for part in text.strip().split("."))
        except ValueError as exc:
            # An unreadable token cannot prove the editor saw the current state: treat it as stale.
            raise DefinitionConflict(
                "The editor's version token is not valid; reload the diagram", token=text
            ) from exc
        return cls(base or None, draft or None)


def require_owner(session: Session, actor_id: int, clock: Clock) -> None:
    if not has_role(session, actor_id, PROCESS_OWNER, today(clock)):
        raise Forbidden("Only process owners edit and publish process diagrams", role=PROCESS_OWNER)


def person_name(session: Session, person_id: int | None) -> str | None:
    person = session.get(Person, person_id) if person_id is not None else None
    return person.full_name if person is not None else None


def find_draft(session: Session, process_key: str) -> ProcessDraft | None:
    return session.scalars(select(ProcessDraft).where(ProcessDraft.process_key == process_key)).first()


def latest_row(session: Session, process_key: str) -> ProcessVersion | None:
    return session.scalars(
        select(ProcessVersion)
        .where(ProcessVersion.process_key == process_key)
        .order_by(ProcessVersion.version.desc())
        .limit(1)
    ).first()


def version_row(session: Session, process_key: str, number: int) -> ProcessVersion:
    found = session.scalars(
        select(ProcessVersion).where(
            ProcessVersion.process_key == process_key, ProcessVersion.version == number
        )
    ).first()
    if found is None:
        raise NotFound(f"'{process_key}' has no version {number}", process_key=process_key, version=number)
    return found


def version_number(session: Session, version_id: int | None) -> int | None:
    version = session.get(ProcessVersion, version_id) if version_id is not None else None
    return version.version if version is not None else None


def token_of(draft: ProcessDraft | None, latest: ProcessVersion | None) -> EditToken:
    if draft is not None:
        return EditToken(draft.base_version_id, draft.row_version)
    return EditToken(latest.id if latest is not None else None, None)


def problem_from_record(record: dict[str, Any]) -> Problem:
    return Problem(
        code=record["code"],
        message=record["message"],
        element_id=record.get("element_id"),
        line=record.get("line"),
        params=record.get("params") or {},
    )


def info_of(bpmn_xml: str) -> DefinitionInfo | None:
    try:
        return read_info(read_document(bpmn_xml))
    except DefinitionInvalid:
        return None
