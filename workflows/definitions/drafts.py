"""The draft lifecycle: saving, discarding, publishing and republishing, download and upload.

A process has at most one draft, shared by its process owners. A draft is saved whatever the
validator says about it (the problems are stored with it, so work is never lost); publishing
runs exactly the checks shipped diagrams pass (`validation.validate` via `publishing.publish`)
and turns the draft into a new immutable version. Anything that is not even a readable diagram
(not well-formed XML, over 2 MiB, a DOCTYPE, not UTF-8) is refused and nothing is stored.

Edits are optimistic: the editor opens a diagram together with an `EditToken` (the version the
work started from and the draft's row version) and hands it back on save and publish. If anyone
saved, published or discarded in between, the attempt raises `Conflict` and changes nothing; the
draft row's version column also catches the race where two saves pass the check at once (that
Conflict comes from a failed flush, so the caller rolls back, as it does for a case step).

Like every service: an explicit session, actor and clock, dataclasses out, flush and never commit.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from workflows.cases.models import Event, EventKind
from workflows.clock import Clock
from workflows.definitions import publishing
from workflows.definitions.diff import ForeignExtension, foreign_extensions
from workflows.definitions.draft_rows import (
    PROCESS_KEY,
    DefinitionConflict,
    DraftBehindLive,
    EditToken,
    find_draft,
    info_of,
    latest_row,
    require_owner,
    token_of,
    version_number,
    version_row,
)
from workflows.definitions.models import DefinitionKind, ProcessDraft, ProcessVersion
from workflows.definitions.publishing import PublishedVersion
from workflows.definitions.tables import decision_key, kind_of, validate_decision
from workflows.definitions.validation import validate
from workflows.engine.definition import MAX_BPMN_BYTES
from workflows.errors import DefinitionInvalid, NotFound, Problem, problem

UPLOAD_SUFFIXES = (".bpmn", ".dmn", ".xml")


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftSaved:
    process_key: str
    token: EditToken
    problems: list[Problem]  # empty when the draft would publish as it is
    saved_at: datetime

    @property
    def publishable(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Imported:
    draft: DraftSaved
    foreign: list[ForeignExtension]


@dataclass(frozen=True)
class BpmnExport:
    filename: str
    content: bytes
    content_hash: str
    media_type: str = "application/xml"


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _check_token(
    process_key: str, draft: ProcessDraft | None, latest: ProcessVersion | None, expected: EditToken
) -> None:
    current = token_of(draft, latest)
    if expected != current:
        raise DefinitionConflict(
            f"Someone else saved or published '{process_key}' after you opened it; nothing was saved. "
            "Reload to see their changes.",
            process_key=process_key,
            expected=str(expected),
            current=str(current),
        )


def _flush(session: Session, process_key: str) -> None:
    """Flush, turning a lost race (a stale row version, a second new draft or version) into a Conflict."""
    try:
        session.flush()
    except (StaleDataError, IntegrityError) as exc:
        raise DefinitionConflict(
            f"Someone else changed '{process_key}' at the same moment; nothing was saved",
            process_key=process_key,
        ) from exc


def _record(problem: Problem) -> dict[str, Any]:
    # Through JSON so that tuples and other non-JSON parameter values are stored as what they read back as.
    return json.loads(json.dumps(asdict(problem), ensure_ascii=False, default=str))


def draft_problems(process_key: str, bpmn_xml: str, forms: dict[str, Any]) -> list[Problem]:
    """The publishing checks, plus: the diagram must be the process this draft belongs to."""
    if kind_of(bpmn_xml) is DefinitionKind.DECISION:
        return validate_decision(bpmn_xml, process_key)[1]
    _, problems = validate(bpmn_xml, forms)
    info = info_of(bpmn_xml)
    if info is not None and info.process_key != process_key:
        problems = [
            problem("process_key", info.process_key, **{"expected": process_key, "found": info.process_key}),
            *problems,
        ]
    return problems


def _copy_forms(forms: dict[str, Any]) -> dict[str, Any]:
    try:
        copied = json.loads(json.dumps(forms, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise DefinitionInvalid([problem("forms_json")]) from exc
    if not isinstance(copied, dict):
        raise DefinitionInvalid([problem("forms_json")])
    return copied


def _event(
    session: Session, kind: str, actor_id: int, clock: Clock, comment: str | None = None, **data: Any
) -> None:
    session.add(
        Event(
            instance_id=None,
            process_key=data.get("process_key"),
            at=clock.now(),
            kind=kind,
            actor_id=actor_id,
            comment=comment,
            data=data,
        )
    )


# --------------------------------------------------------------------------
# Saving and publishing
# --------------------------------------------------------------------------


def _store(
    session: Session,
    process_key: str,
    bpmn_xml: str,
    forms: dict[str, Any] | None,
    expected: EditToken,
    actor_id: int,
    clock: Clock,
    rebase: bool,
    **event_data: Any,
) -> DraftSaved:
    if not PROCESS_KEY.fullmatch(process_key):
        raise NotFound(f"'{process_key}' cannot be a process key", process_key=process_key)
    kind = kind_of(bpmn_xml)  # not even a readable diagram: refuse before touching anything
    draft = find_draft(session, process_key)
    latest = latest_row(session, process_key)
    _check_token(process_key, draft, latest, expected)
    if forms is None:
        forms = draft.forms if draft is not None else (latest.forms if latest is not None else {})
    forms = _copy_forms(forms) if kind is DefinitionKind.PROCESS else {}
    problems = draft_problems(process_key, bpmn_xml, forms)
    now = clock.now()
    if draft is None:
        draft = ProcessDraft(
            process_key=process_key,
            base_version_id=latest.id if latest is not None else None,
            created_by_id=actor_id,
            created_at=now,
        )
        session.add(draft)
    elif rebase:
        # The owner has seen what was published since the draft started and keeps their draft on top of it.
        draft.base_version_id = latest.id if latest is not None else None
    draft.kind = kind
    draft.bpmn_xml = bpmn_xml
    draft.forms = forms
    draft.problems = [_record(p) for p in problems]
    draft.updated_by_id = actor_id
    draft.updated_at = now
    _flush(session, process_key)
    token = token_of(draft, None)
    _event(
        session,
        EventKind.DRAFT_SAVED,
        actor_id,
        clock,
        process_key=process_key,
        base_version=version_number(session, draft.base_version_id),
        draft_version=draft.row_version,
        problems=len(problems),
        **event_data,
    )
    return DraftSaved(process_key, token, problems, now)


def save_draft(
    session: Session,
    process_key: str,
    bpmn_xml: str,
    forms: dict[str, Any] | None,
    expected: EditToken,
    actor_id: int,
    clock: Clock,
    *,
    rebase: bool = False,
    copied_from: str | None = None,
) -> DraftSaved:
    """Save the editor's diagram (and forms; None keeps the current ones) as the process's draft.

    Saved with the list of problems even when it would not publish; refused with DefinitionInvalid
    (nothing stored) when it is not a readable diagram. A stale `expected` raises Conflict.
    `rebase` moves a draft onto a version published after it started (see `DraftBehindLive`);
    `copied_from` records, for a new process, the process it was copied from.
    """
    require_owner(session, actor_id, clock)
    extra = {"copied_from": copied_from} if copied_from else {}
    return _store(session, process_key, bpmn_xml, forms, expected, actor_id, clock, rebase, **extra)


def discard_draft(
    session: Session, process_key: str, expected: EditToken, actor_id: int, clock: Clock
) -> None:
    """Throw the draft away; the editor then opens the latest published version again."""
    require_owner(session, actor_id, clock)
    draft = find_draft(session, process_key)
    if draft is None:
        raise NotFound(f"There is no draft of '{process_key}'", process_key=process_key)
    _check_token(process_key, draft, None, expected)
    draft_version = draft.row_version
    session.delete(draft)
    _flush(session, process_key)
    _event(
        session,
        EventKind.DRAFT_DISCARDED,
        actor_id,
        clock,
        process_key=process_key,
        draft_version=draft_version,
    )


def publish_draft(
    session: Session, process_key: str, expected: EditToken, note: str | None, actor_id: int, clock: Clock
) -> PublishedVersion:
    """Publish the draft as a new immutable version and delete it.

    Exactly the checks of `publishing.publish`; when they fail, DefinitionInvalid and nothing
    changes (the draft stays, the live version stays). A draft identical to the live version
    publishes nothing (`unchanged`) and is removed.
    """
    require_owner(session, actor_id, clock)
    draft = find_draft(session, process_key)
    latest = latest_row(session, process_key)
    if draft is None:
        if expected.draft_version is not None:
            _check_token(process_key, draft, latest, expected)
        raise NotFound(f"There is no draft of '{process_key}' to publish", process_key=process_key)
    _check_token(process_key, draft, latest, expected)
    if draft.base_version_id != (latest.id if latest is not None else None):
        raise DraftBehindLive(
            f"Version {latest.version if latest else '?'} of '{process_key}' was published after this draft "
            "was started; compare the two, then save the draft again on top of it or discard it",
            process_key=process_key,
            latest_version=latest.version if latest is not None else None,
            base_version=version_number(session, draft.base_version_id),
        )
    info = info_of(draft.bpmn_xml)
    key = info.process_key if info is not None else decision_key(draft.bpmn_xml)
    if key is not None and key != process_key:
        raise DefinitionInvalid(draft_problems(process_key, draft.bpmn_xml, draft.forms))
    base_number = latest.version if latest is not None else None
    draft_version = draft.row_version
    try:
        published = publishing.publish(
            session,
            draft.bpmn_xml,
            draft.forms,
            actor_id,
            clock,
            note,
            event_data={"source": "draft", "base_version": base_number, "draft_version": draft_version},
        )
    except IntegrityError as exc:  # a simultaneous publish took the same version number
        raise DefinitionConflict(
            f"Someone else published '{process_key}' at the same moment; nothing was published",
            process_key=process_key,
        ) from exc
    session.delete(draft)
    _flush(session, process_key)
    if published.unchanged:
        _event(
            session,
            EventKind.DRAFT_DISCARDED,
            actor_id,
            clock,
            note,
            process_key=process_key,
            draft_version=draft_version,
            reason="same_as_live",
            version=published.version,
        )
    return published


def republish(
    session: Session, process_key: str, version_number: int, note: str | None, actor_id: int, clock: Clock
) -> PublishedVersion:
    """Publish an older version's diagram and forms again, as a new version (checked like any other)."""
    require_owner(session, actor_id, clock)
    source = version_row(session, process_key, version_number)
    try:
        return publishing.publish(
            session,
            source.bpmn_xml,
            source.forms,
            actor_id,
            clock,
            note,
            event_kind=EventKind.DEFINITION_REPUBLISHED,
            event_data={"from_version": version_number},
        )
    except IntegrityError as exc:
        raise DefinitionConflict(
            f"Someone else published '{process_key}' at the same moment; nothing was published",
            process_key=process_key,
        ) from exc


# --------------------------------------------------------------------------
# Download and upload
# --------------------------------------------------------------------------


def export_bpmn(version: ProcessVersion) -> BpmnExport:
    """The version's diagram (or table) exactly as stored, for editing in another BPMN (DMN) tool."""
    suffix = "dmn" if version.kind is DefinitionKind.DECISION else "bpmn"
    return BpmnExport(
        filename=f"{version.process_key}_v{version.version}.{suffix}",
        content=version.bpmn_xml.encode("utf-8"),
        content_hash=version.content_hash,
    )


def export_version(
    session: Session, process_key: str, version_number: int, actor_id: int, clock: Clock
) -> BpmnExport:
    require_owner(session, actor_id, clock)
    return export_bpmn(version_row(session, process_key, version_number))


def _decode_upload(xml_bytes: bytes) -> str:
    if len(xml_bytes) > MAX_BPMN_BYTES:
        raise DefinitionInvalid([problem("too_large", **{"kib": MAX_BPMN_BYTES // 1024})])
    # A byte-order mark is not content: some Windows tools add it, and it would change the content hash.
    raw = xml_bytes.removeprefix(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DefinitionInvalid([problem("encoding", **{"offset": exc.start})]) from exc


def import_bpmn(
    session: Session,
    process_key: str,
    filename: str | None,
    xml_bytes: bytes,
    expected: EditToken,
    actor_id: int,
    clock: Clock,
) -> Imported:
    """Upload a .bpmn file edited elsewhere into the draft, keeping the draft's (or latest version's) forms.

    The text is stored exactly as uploaded (other tools' extensions included, byte for byte);
    the result lists those extensions so the editor can say they are kept but not used.
    """
    require_owner(session, actor_id, clock)
    if not filename:
        raise DefinitionInvalid([problem("no_file")])
    if not filename.lower().endswith(UPLOAD_SUFFIXES):
        raise DefinitionInvalid([problem("not_bpmn_file")])
    text = _decode_upload(xml_bytes)
    foreign = foreign_extensions(text)  # also refuses what is not a readable diagram
    saved = _store(
        session,
        process_key,
        text,
        None,
        expected,
        actor_id,
        clock,
        False,
        imported=True,
        foreign_namespaces=[f.namespace for f in foreign],
    )
    return Imported(saved, foreign)
