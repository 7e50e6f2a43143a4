"""Publishing process definitions as immutable versions, after the checks in `validation`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflows.cases.models import Event, EventKind
from workflows.clock import Clock
from workflows.definitions.models import DefinitionKind, ProcessVersion
from workflows.definitions.reading import read_document
from workflows.definitions.tables import decision_key, kind_of, validate_decision
from workflows.definitions.validation import validate
from workflows.engine.decisions import DECISIONS
from workflows.engine.definition import DEFINITIONS, ParsedDefinition, read_info
from workflows.errors import DefinitionInvalid, NotFound, problem
from workflows.forms.schema import load_forms

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"


@dataclass(frozen=True)
class PublishedVersion:
    id: int
    process_key: str
    version: int
    content_hash: str
    published_at: datetime
    unchanged: bool  # the same content was already the latest version


def content_hash(bpmn_xml: str, forms: dict[str, Any]) -> str:
    digest = hashlib.sha256(bpmn_xml.encode("utf-8"))
    digest.update(json.dumps(forms, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def latest_version(session: Session, process_key: str) -> ProcessVersion:
    found = session.scalars(
        select(ProcessVersion)
        .where(ProcessVersion.process_key == process_key)
        .order_by(ProcessVersion.version.desc())
        .limit(1)
    ).first()
    if found is None:
        raise NotFound(f"No published version of '{process_key}'", process_key=process_key)
    return found


def definition_of(version: ProcessVersion) -> ParsedDefinition:
    return DEFINITIONS.get(version.content_hash, version.bpmn_xml)


def _checked(bpmn_xml: str, forms: dict[str, Any]) -> tuple[str, dict[str, Any], DefinitionKind]:
    """The key, the forms it uses and the kind of a definition that passes every check."""
    if kind_of(bpmn_xml) is DefinitionKind.DECISION:
        table, problems = validate_decision(bpmn_xml)
        if table is None:
            raise DefinitionInvalid(problems)
        return table.key, {}, DefinitionKind.DECISION
    parsed, problems = validate(bpmn_xml, forms)
    if parsed is None:
        raise DefinitionInvalid(problems)
    elements = parsed.info.elements.values()
    used = sorted({e.properties["form"] for e in elements if e.properties.get("form")})
    return parsed.info.process_key, {name: forms[name] for name in used}, DefinitionKind.PROCESS


def publish(
    session: Session,
    bpmn_xml: str,
    forms: dict[str, Any],
    actor_id: int | None,
    clock: Clock,
    note: str | None = None,
    *,
    event_kind: EventKind = EventKind.DEFINITION_PUBLISHED,
    event_data: dict[str, Any] | None = None,
) -> PublishedVersion:
    """Validate and store a new immutable version; raises DefinitionInvalid and stores nothing on failure.

    `event_kind` and `event_data` let callers (the draft editor's publish and republish) record
    what the version came from in the one event the publication writes.
    """
    key, used_forms, kind = _checked(bpmn_xml, forms)
    digest = content_hash(bpmn_xml, used_forms)
    current = session.scalars(
        select(ProcessVersion)
        .where(ProcessVersion.process_key == key)
        .order_by(ProcessVersion.version.desc())
        .limit(1)
    ).first()
    if current is not None and current.kind != kind:
        raise DefinitionInvalid([problem("kind_changed", key, None, was=current.kind.value, now=kind.value)])
    if current is not None and current.content_hash == digest:
        return PublishedVersion(
            current.id, key, current.version, digest, current.published_at, unchanged=True
        )
    number = (
        session.scalar(select(func.max(ProcessVersion.version)).where(ProcessVersion.process_key == key)) or 0
    ) + 1
    now = clock.now()
    row = ProcessVersion(
        process_key=key,
        kind=kind,
        version=number,
        bpmn_xml=bpmn_xml,
        forms=used_forms,
        content_hash=digest,
        note=note,
        published_by_id=actor_id,
        published_at=now,
    )
    session.add(row)
    session.flush()
    session.add(
        Event(
            instance_id=None,
            process_key=key,
            at=now,
            kind=event_kind,
            actor_id=actor_id,
            comment=note,
            data={**(event_data or {}), "process_key": key, "version": number, "content_hash": digest},
        )
    )
    if kind is DefinitionKind.DECISION:
        DECISIONS.get(digest, bpmn_xml)
    else:
        DEFINITIONS.get(digest, bpmn_xml)
    return PublishedVersion(row.id, key, number, digest, now, unchanged=False)


class ShippedOutcome(StrEnum):
    PUBLISHED = "published"  # a new version
    UNCHANGED = "unchanged"  # this very content was published before (whatever is live now)
    KEPT = "kept"  # a process owner's version is live: the shipped diagram does not replace it


@dataclass(frozen=True)
class Shipped:
    process_key: str
    file: str
    outcome: ShippedOutcome
    version: int  # the version published, or the one that has this content, or the live one kept


def _shipped_digest(bpmn_xml: str, forms: dict[str, Any]) -> tuple[str, str]:
    """The process key and the content hash a publication of this diagram would have."""
    if kind_of(bpmn_xml) is DefinitionKind.DECISION:
        return decision_key(bpmn_xml) or "", content_hash(bpmn_xml, {})
    info = read_info(read_document(bpmn_xml))
    used = {
        name: forms[name]
        for name in sorted({e.properties["form"] for e in info.elements.values() if e.properties.get("form")})
        if name in forms
    }
    return info.process_key, content_hash(bpmn_xml, used)


def publish_shipped(
    session: Session,
    bpmn_xml: str,
    forms: dict[str, Any],
    clock: Clock,
    file: str,
    *,
    force: bool = False,
) -> Shipped:
    """Deploy one diagram shipped with the product, without ever undoing a process owner's work.

    A diagram whose content was published before is left alone (a restart publishes nothing);
    a changed one is published only while the live version is the product's own, unless `force`.
    """
    key, digest = _shipped_digest(bpmn_xml, forms)
    latest = session.scalars(
        select(ProcessVersion)
        .where(ProcessVersion.process_key == key)
        .order_by(ProcessVersion.version.desc())
    ).first()
    same = session.scalars(
        select(ProcessVersion.version).where(
            ProcessVersion.process_key == key, ProcessVersion.content_hash == digest
        )
    ).first()
    if same is not None and not (force and latest is not None and latest.content_hash != digest):
        return Shipped(key, file, ShippedOutcome.UNCHANGED, same)
    if latest is not None and latest.published_by_id is not None and not force:
        return Shipped(key, file, ShippedOutcome.KEPT, latest.version)
    published = publish(session, bpmn_xml, forms, None, clock, note=file)
    return Shipped(key, file, ShippedOutcome.PUBLISHED, published.version)


def publish_directory(
    session: Session, clock: Clock, directory: Path = BPMN_DIR, *, force: bool = False
) -> list[Shipped]:
    """Deploy every shipped diagram (with the shipped forms) and decision table (see `publish_shipped`)."""
    forms = load_forms()
    return [
        publish_shipped(session, path.read_text("utf-8"), forms, clock, path.name, force=force)
        for path in sorted([*directory.glob("*.bpmn"), *directory.glob("*.dmn")])
    ]
