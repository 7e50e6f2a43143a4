"""The diagram editor's use cases: drafts, publishing, republishing, comparing, download and upload.

A process has at most one draft, shared by its process owners. A draft is saved whatever the
validator says about it (the problems are stored with it, so work is never lost); publishing
runs exactly the checks shipped diagrams pass (`definitions.validate` via `definitions.publish`)
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
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from workflows.clock import Clock, today
from workflows.engine.definition import (
    MAX_BPMN_BYTES,
    DefinitionInfo,
    DefinitionInvalid,
    Problem,
    read_info,
)
from workflows.errors import Conflict, Forbidden, NotFound
from workflows.models import Event, Person, ProcessDraft, ProcessInstance, ProcessVersion
from workflows.services import definitions
from workflows.services.definitions import PublishedVersion
from workflows.services.diagram_diff import (
    Comparison,
    ForeignExtension,
    diff_definitions,
    foreign_extensions,
)
from workflows.services.org import has_role
from workflows.services.validation import read_document

PROCESS_OWNER = "process_owner"
# A BPMN id (an XML name) that fits the process_key columns.
PROCESS_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,99}")


class DraftBehindLive(Conflict):
    """A version was published (e.g. a republish) after the draft started; publishing it would undo that."""

    code = "draft_behind_live"


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------


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
            raise Conflict("The editor's version token is not valid; reload the diagram", token=text) from exc
        return cls(base or None, draft or None)


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
    bpmn_xml: str
    forms: dict[str, Any]
    token: EditToken
    base_version: int | None
    problems: list[Problem]
    updated_at: datetime
    updated_by: str | None


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


def _require_owner(session: Session, actor_id: int, clock: Clock) -> None:
    if not has_role(session, actor_id, PROCESS_OWNER, today(clock)):
        raise Forbidden("Only process owners edit and publish process diagrams", role=PROCESS_OWNER)


def _name(session: Session, person_id: int | None) -> str | None:
    person = session.get(Person, person_id) if person_id is not None else None
    return person.full_name if person is not None else None


def _draft(session: Session, process_key: str) -> ProcessDraft | None:
    return session.scalars(select(ProcessDraft).where(ProcessDraft.process_key == process_key)).first()


def _latest(session: Session, process_key: str) -> ProcessVersion | None:
    return session.scalars(
        select(ProcessVersion)
        .where(ProcessVersion.process_key == process_key)
        .order_by(ProcessVersion.version.desc())
        .limit(1)
    ).first()


def _version(session: Session, process_key: str, number: int) -> ProcessVersion:
    found = session.scalars(
        select(ProcessVersion).where(
            ProcessVersion.process_key == process_key, ProcessVersion.version == number
        )
    ).first()
    if found is None:
        raise NotFound(f"'{process_key}' has no version {number}", process_key=process_key, version=number)
    return found


def _number(session: Session, version_id: int | None) -> int | None:
    version = session.get(ProcessVersion, version_id) if version_id is not None else None
    return version.version if version is not None else None


def _token_of(draft: ProcessDraft | None, latest: ProcessVersion | None) -> EditToken:
    if draft is not None:
        return EditToken(draft.base_version_id, draft.row_version)
    return EditToken(latest.id if latest is not None else None, None)


def _check_token(
    process_key: str, draft: ProcessDraft | None, latest: ProcessVersion | None, expected: EditToken
) -> None:
    current = _token_of(draft, latest)
    if expected != current:
        raise Conflict(
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
        raise Conflict(
            f"Someone else changed '{process_key}' at the same moment; nothing was saved",
            process_key=process_key,
        ) from exc


def _record(problem: Problem) -> dict[str, Any]:
    # Through JSON so that tuples and other non-JSON parameter values are stored as what they read back as.
    return json.loads(json.dumps(asdict(problem), ensure_ascii=False, default=str))


def _problem(record: dict[str, Any]) -> Problem:
    return Problem(
        code=record["code"],
        message=record["message"],
        element_id=record.get("element_id"),
        line=record.get("line"),
        params=record.get("params") or {},
    )


def _info(bpmn_xml: str) -> DefinitionInfo | None:
    try:
        return read_info(read_document(bpmn_xml))
    except DefinitionInvalid:
        return None


def draft_problems(process_key: str, bpmn_xml: str, forms: dict[str, Any]) -> list[Problem]:
    """The publishing checks, plus: the diagram must be the process this draft belongs to."""
    _, problems = definitions.validate(bpmn_xml, forms)
    info = _info(bpmn_xml)
    if info is not None and info.process_key != process_key:
        problems = [
            Problem(
                "process_key",
                f"The diagram's process id is '{info.process_key}', but this is the draft of '{process_key}'",
                info.process_key,
                params={"expected": process_key, "found": info.process_key},
            ),
            *problems,
        ]
    return problems


def _copy_forms(forms: dict[str, Any]) -> dict[str, Any]:
    try:
        copied = json.loads(json.dumps(forms, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise DefinitionInvalid([Problem("forms_json", f"The forms are not JSON data: {exc}")]) from exc
    if not isinstance(copied, dict):
        raise DefinitionInvalid([Problem("forms_json", "The forms must map form keys to JSON Schemas")])
    return copied


def _event(
    session: Session, kind: str, actor_id: int, clock: Clock, comment: str | None = None, **data: Any
) -> None:
    session.add(
        Event(instance_id=None, at=clock.now(), kind=kind, actor_id=actor_id, comment=comment, data=data)
    )


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def list_definitions(session: Session, actor_id: int, clock: Clock) -> list[DefinitionListing]:
    """Every process with its versions (newest first), the instances running on each, and its draft."""
    _require_owner(session, actor_id, clock)
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
        .order_by(ProcessVersion.process_key, ProcessVersion.version.desc())
    ).all()
    running = dict(
        session.execute(
            select(ProcessInstance.version_id, func.count())
            .where(ProcessInstance.status == "running")
            .group_by(ProcessInstance.version_id)
        ).all()
    )
    versions: dict[str, list[VersionInfo]] = {}
    for vid, key, number, digest, note, at, by_id, by_name in rows:
        versions.setdefault(key, []).append(
            VersionInfo(vid, number, digest, note, at, by_id, by_name, int(running.get(vid, 0)))
        )
    drafts = {d.process_key: d for d in session.scalars(select(ProcessDraft))}
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
        info = _info(xml)
        titles = {
            name.removeprefix("title_"): value
            for name, value in (info.properties.items() if info is not None else [])
            if name.startswith("title_")
        }
        draft_info = None
        if draft is not None:
            draft_info = DraftInfo(
                base_version=numbers.get(draft.base_version_id) if draft.base_version_id else None,
                token=EditToken(draft.base_version_id, draft.row_version),
                problem_count=len(draft.problems),
                created_at=draft.created_at,
                created_by=_name(session, draft.created_by_id) or "",
                updated_at=draft.updated_at,
                updated_by_id=draft.updated_by_id,
                updated_by=_name(session, draft.updated_by_id) or "",
            )
        items = versions.get(key, [])
        listings.append(
            DefinitionListing(
                process_key=key,
                name=info.name if info is not None else key,
                titles=titles,
                versions=items,
                latest=items[0] if items else None,
                draft=draft_info,
            )
        )
    return listings


def get_draft_or_latest(session: Session, process_key: str, actor_id: int, clock: Clock) -> Editable:
    """The draft if one exists, else the latest published version, with the token to save against."""
    _require_owner(session, actor_id, clock)
    draft = _draft(session, process_key)
    if draft is not None:
        return Editable(
            process_key=process_key,
            source="draft",
            bpmn_xml=draft.bpmn_xml,
            forms=draft.forms,
            token=_token_of(draft, None),
            base_version=_number(session, draft.base_version_id),
            problems=[_problem(p) for p in draft.problems],
            updated_at=draft.updated_at,
            updated_by=_name(session, draft.updated_by_id),
        )
    latest = _latest(session, process_key)
    if latest is None:
        raise NotFound(f"No published version or draft of '{process_key}'", process_key=process_key)
    return Editable(
        process_key=process_key,
        source="version",
        bpmn_xml=latest.bpmn_xml,
        forms=latest.forms,
        token=_token_of(None, latest),
        base_version=latest.version,
        problems=[],
        updated_at=latest.published_at,
        updated_by=_name(session, latest.published_by_id),
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
    read_document(bpmn_xml)  # not even a readable diagram: refuse before touching anything
    draft = _draft(session, process_key)
    latest = _latest(session, process_key)
    _check_token(process_key, draft, latest, expected)
    if forms is None:
        forms = draft.forms if draft is not None else (latest.forms if latest is not None else {})
    forms = _copy_forms(forms)
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
    draft.bpmn_xml = bpmn_xml
    draft.forms = forms
    draft.problems = [_record(p) for p in problems]
    draft.updated_by_id = actor_id
    draft.updated_at = now
    _flush(session, process_key)
    token = _token_of(draft, None)
    _event(
        session,
        "draft_saved",
        actor_id,
        clock,
        process_key=process_key,
        base_version=_number(session, draft.base_version_id),
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
) -> DraftSaved:
    """Save the editor's diagram (and forms; None keeps the current ones) as the process's draft.

    Saved with the list of problems even when it would not publish; refused with DefinitionInvalid
    (nothing stored) when it is not a readable diagram. A stale `expected` raises Conflict.
    `rebase` moves a draft onto a version published after it started (see `DraftBehindLive`).
    """
    _require_owner(session, actor_id, clock)
    return _store(session, process_key, bpmn_xml, forms, expected, actor_id, clock, rebase)


def discard_draft(
    session: Session, process_key: str, expected: EditToken, actor_id: int, clock: Clock
) -> None:
    """Throw the draft away; the editor then opens the latest published version again."""
    _require_owner(session, actor_id, clock)
    draft = _draft(session, process_key)
    if draft is None:
        raise NotFound(f"There is no draft of '{process_key}'", process_key=process_key)
    _check_token(process_key, draft, None, expected)
    draft_version = draft.row_version
    session.delete(draft)
    _flush(session, process_key)
    _event(session, "draft_discarded", actor_id, clock, process_key=process_key, draft_version=draft_version)


def publish_draft(
    session: Session, process_key: str, expected: EditToken, note: str | None, actor_id: int, clock: Clock
) -> PublishedVersion:
    """Publish the draft as a new immutable version and delete it.

    Exactly the checks of `definitions.publish`; when they fail, DefinitionInvalid and nothing
    changes (the draft stays, the live version stays). A draft identical to the live version
    publishes nothing (`unchanged`) and is removed.
    """
    _require_owner(session, actor_id, clock)
    draft = _draft(session, process_key)
    latest = _latest(session, process_key)
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
            base_version=_number(session, draft.base_version_id),
        )
    info = _info(draft.bpmn_xml)
    if info is not None and info.process_key != process_key:
        raise DefinitionInvalid(draft_problems(process_key, draft.bpmn_xml, draft.forms))
    base_number = latest.version if latest is not None else None
    draft_version = draft.row_version
    try:
        published = definitions.publish(
            session,
            draft.bpmn_xml,
            draft.forms,
            actor_id,
            clock,
            note,
            event_data={"source": "draft", "base_version": base_number, "draft_version": draft_version},
        )
    except IntegrityError as exc:  # a simultaneous publish took the same version number
        raise Conflict(
            f"Someone else published '{process_key}' at the same moment; nothing was published",
            process_key=process_key,
        ) from exc
    session.delete(draft)
    _flush(session, process_key)
    if published.unchanged:
        _event(
            session,
            "draft_discarded",
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
    _require_owner(session, actor_id, clock)
    source = _version(session, process_key, version_number)
    try:
        return definitions.publish(
            session,
            source.bpmn_xml,
            source.forms,
            actor_id,
            clock,
            note,
            event_kind="definition_republished",
            event_data={"from_version": version_number},
        )
    except IntegrityError as exc:
        raise Conflict(
            f"Someone else published '{process_key}' at the same moment; nothing was published",
            process_key=process_key,
        ) from exc


# --------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------


def _source(session: Session, process_key: str, which: int | Literal["draft"]) -> tuple[str, dict[str, Any]]:
    if which == "draft":
        draft = _draft(session, process_key)
        if draft is None:
            raise NotFound(f"There is no draft of '{process_key}'", process_key=process_key)
        return draft.bpmn_xml, draft.forms
    version = _version(session, process_key, which)
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
    _require_owner(session, actor_id, clock)
    xml_a, forms_a = _source(session, process_key, a)
    xml_b, forms_b = _source(session, process_key, b)
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


# --------------------------------------------------------------------------
# Download and upload
# --------------------------------------------------------------------------


def export_bpmn(version: ProcessVersion) -> BpmnExport:
    """The version's diagram exactly as stored, for editing in another BPMN tool."""
    return BpmnExport(
        filename=f"{version.process_key}_v{version.version}.bpmn",
        content=version.bpmn_xml.encode("utf-8"),
        content_hash=version.content_hash,
    )


def export_version(
    session: Session, process_key: str, version_number: int, actor_id: int, clock: Clock
) -> BpmnExport:
    _require_owner(session, actor_id, clock)
    return export_bpmn(_version(session, process_key, version_number))


def _decode_upload(xml_bytes: bytes) -> str:
    if len(xml_bytes) > MAX_BPMN_BYTES:
        raise DefinitionInvalid(
            [
                Problem(
                    "too_large",
                    f"The diagram is larger than {MAX_BPMN_BYTES // 1024} KiB",
                    params={"kib": MAX_BPMN_BYTES // 1024},
                )
            ]
        )
    # A byte-order mark is not content: some Windows tools add it, and it would change the content hash.
    raw = xml_bytes.removeprefix(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DefinitionInvalid(
            [
                Problem(
                    "encoding", "The file is not UTF-8 text; save it as UTF-8", params={"offset": exc.start}
                )
            ]
        ) from exc


def import_bpmn(
    session: Session, process_key: str, xml_bytes: bytes, expected: EditToken, actor_id: int, clock: Clock
) -> Imported:
    """Upload a .bpmn file edited elsewhere into the draft, keeping the draft's (or latest version's) forms.

    The text is stored exactly as uploaded (other tools' extensions included, byte for byte);
    the result lists those extensions so the editor can say they are kept but not used.
    """
    _require_owner(session, actor_id, clock)
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
