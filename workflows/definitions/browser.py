"""What process owners browse: every definition with its versions and draft, what the editor opens,
and the differences between two versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflows.cases.models import CaseStatus, ProcessInstance
from workflows.clock import Clock
from workflows.definitions.diff import Comparison, diff_definitions
from workflows.definitions.draft_rows import (
    EditToken,
    find_draft,
    info_of,
    latest_row,
    person_name,
    problem_from_record,
    require_owner,
    token_of,
    version_number,
    version_row,
)
from workflows.definitions.models import DefinitionKind, ProcessDraft, ProcessVersion
from workflows.definitions.tables import decision_name, diff_decisions, kind_of
from workflows.errors import NotFound, Problem
from workflows.org.models import Person


@dataclass(frozen=True)
class VersionInfo:
    id: int
    number: int
    content_hash: str
    note: str | None
    published_at: datetime
    published_by_id: int | None
    published_by: str | None  # the person's full name; None for versions deployed by the system
    running_instances: int


@dataclass(frozen=True)
class DraftInfo:
    base_version: int | None  # the version number the draft started from
    token: EditToken
    problem_count: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by_id: int
    updated_by: str


@dataclass(frozen=True)
class DefinitionListing:
    process_key: str
    kind: DefinitionKind
    name: str
    titles: dict[str, str]  # locale -> title, from the title_* process properties
    versions: list[VersionInfo]  # newest first
    latest: VersionInfo | None
    draft: DraftInfo | None


@dataclass(frozen=True)
class Editable:
    """What the editor opens: the draft if there is one, else the latest published version."""

    process_key: str
    source: Literal["draft", "version"]
    kind: DefinitionKind
    bpmn_xml: str
    forms: dict[str, Any]
    token: EditToken
    base_version: int | None
    problems: list[Problem]
    updated_at: datetime
    updated_by: str | None


def list_definitions(
    session: Session, actor_id: int, clock: Clock, kind: DefinitionKind = DefinitionKind.PROCESS
) -> list[DefinitionListing]:
    """Every process (or decision table) with its versions (newest first), the instances running on
    each, and its draft."""
    require_owner(session, actor_id, clock)
    rows = session.execute(
        select(
            ProcessVersion.id,
            ProcessVersion.process_key,
            ProcessVersion.version,
            ProcessVersion.content_hash,
            ProcessVersion.note,
            ProcessVersion.published_at,
            ProcessVersion.published_by_id,
            Person.full_name,
        )
        .outerjoin(Person, Person.id == ProcessVersion.published_by_id)
        .where(ProcessVersion.kind == kind)
        .order_by(ProcessVersion.process_key, ProcessVersion.version.desc())
    ).all()
    running = dict(
        session.execute(
            select(ProcessInstance.version_id, func.count())
            .where(ProcessInstance.status == CaseStatus.RUNNING)
            .group_by(ProcessInstance.version_id)
        ).all()
    )
    versions: dict[str, list[VersionInfo]] = {}
    for vid, key, number, digest, note, at, by_id, by_name in rows:
        versions.setdefault(key, []).append(
            VersionInfo(vid, number, digest, note, at, by_id, by_name, int(running.get(vid, 0)))
        )
    drafts = {
        d.process_key: d for d in session.scalars(select(ProcessDraft).where(ProcessDraft.kind == kind))
    }
    numbers = {v.id: v.number for items in versions.values() for v in items}
    latest_xml = dict(
        session.execute(
            select(ProcessVersion.process_key, ProcessVersion.bpmn_xml).where(
                ProcessVersion.id.in_([items[0].id for items in versions.values()])
            )
        ).all()
    )
    listings = []
    for key in sorted(set(versions) | set(drafts)):
        draft = drafts.get(key)
        xml = latest_xml.get(key) or (draft.bpmn_xml if draft is not None else "")
        info = info_of(xml) if kind is DefinitionKind.PROCESS else None
        titles = info.titles() if info is not None else {}
        name = info.name if info is not None else (decision_name(xml) or key)
        draft_info = None
        if draft is not None:
            draft_info = DraftInfo(
                base_version=numbers.get(draft.base_version_id) if draft.base_version_id else None,
                token=EditToken(draft.base_version_id, draft.row_version),
                problem_count=len(draft.problems),
                created_at=draft.created_at,
                created_by=person_name(session, draft.created_by_id) or "",
                updated_at=draft.updated_at,
                updated_by_id=draft.updated_by_id,
                updated_by=person_name(session, draft.updated_by_id) or "",
            )
        items = versions.get(key, [])
        listings.append(
            DefinitionListing(
                process_key=key,
                kind=kind,
                name=name,
                titles=titles,
                versions=items,
                latest=items[0] if items else None,
                draft=draft_info,
            )
        )
    return listings


def get_draft_or_latest(session: Session, process_key: str, actor_id: int, clock: Clock) -> Editable:
    """The draft if one exists, else the latest published version, with the token to save against."""
    require_owner(session, actor_id, clock)
    draft = find_draft(session, process_key)
    if draft is not None:
        return Editable(
            process_key=process_key,
            source="draft",
            kind=draft.kind,
            bpmn_xml=draft.bpmn_xml,
            forms=draft.forms,
            token=token_of(draft, None),
            base_version=version_number(session, draft.base_version_id),
            problems=[problem_from_record(p) for p in draft.problems],
            updated_at=draft.updated_at,
            updated_by=person_name(session, draft.updated_by_id),
        )
    latest = latest_row(session, process_key)
    if latest is None:
        raise NotFound(f"No published version or draft of '{process_key}'", process_key=process_key)
    return Editable(
        process_key=process_key,
        source="version",
        kind=latest.kind,
        bpmn_xml=latest.bpmn_xml,
        forms=latest.forms,
        token=token_of(None, latest),
        base_version=latest.version,
        problems=[],
        updated_at=latest.published_at,
        updated_by=person_name(session, latest.published_by_id),
    )


def _source(session: Session, process_key: str, which: int | Literal["draft"]) -> tuple[str, dict[str, Any]]:
    if which == "draft":
        draft = find_draft(session, process_key)
        if draft is None:
            raise NotFound(f"There is no draft of '{process_key}'", process_key=process_key)
        return draft.bpmn_xml, draft.forms
    version = version_row(session, process_key, which)
    return version.bpmn_xml, version.forms


def compare_versions(
    session: Session,
    process_key: str,
    a: int | Literal["draft"],
    b: int | Literal["draft"],
    actor_id: int,
    clock: Clock,
) -> Comparison:
    """What changes from `a` to `b` (version numbers or "draft"), element by element and form by form."""
    require_owner(session, actor_id, clock)
    xml_a, forms_a = _source(session, process_key, a)
    xml_b, forms_b = _source(session, process_key, b)
    if kind_of(xml_a) is DefinitionKind.DECISION and kind_of(xml_b) is DefinitionKind.DECISION:
        added, removed, changed = diff_decisions(xml_a, xml_b)
        forms_added: list[str] = []
        forms_removed: list[str] = []
        forms_changed: list[str] = []
    else:
        added, removed, changed, forms_added, forms_removed, forms_changed = diff_definitions(
            xml_a, forms_a, xml_b, forms_b
        )
    return Comparison(
        process_key=process_key,
        a=str(a),
        b=str(b),
        added=added,
        removed=removed,
        changed=changed,
        forms_added=forms_added,
        forms_removed=forms_removed,
        forms_changed=forms_changed,
    )
