"""Publishing process definitions: every check a diagram must pass, and immutable versions."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflows.clock import Clock
from workflows.engine.definition import (
    DEFINITIONS,
    NS,
    DefinitionInfo,
    DefinitionInvalid,
    ParsedDefinition,
    Problem,
    parse,
    parse_xml,
)
from workflows.errors import NotFound
from workflows.models import Event, ProcessVersion
from workflows.sandbox import check_expression, check_script
from workflows.services.forms import CHECKS, load_forms, parse_checks
from workflows.services.org import KNOWN_ROLES

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
OPERATORS = {"notify", "nonconformity", "issue_order", "record_training"}


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


def _owner(node: etree._Element | None) -> str | None:
    """The id of the nearest element that has one: the element a problem belongs to."""
    while node is not None and (node.get("id") is None or not str(node.tag).startswith("{" + NS["bpmn"])):
        node = node.getparent()
    return node.get("id") if node is not None else None


def _expression_problems(root: etree._Element, info: DefinitionInfo) -> list[Problem]:
    problems: list[Problem] = []

    def check(
        source: str | None, element_id: str | None, line: int | None, kind: str, script: bool = False
    ) -> None:
        if source is None or not source.strip():
            return
        messages = check_script(source) if script else check_expression(source)
        problems.extend(
            Problem("expression", f"{kind}: {message}", element_id, line, {"kind": kind, "detail": message})
            for message in messages
        )

    queries = [
        (".//bpmn:conditionExpression", "condition", False),
        (".//bpmn:timeDate|.//bpmn:timeDuration|.//bpmn:timeCycle", "timer", False),
        (".//bpmn:script|.//spiffworkflow:preScript|.//spiffworkflow:postScript", "script", True),
    ]
    for query, kind, script in queries:
        for node in root.xpath(query, namespaces=NS):
            check(node.text, _owner(node), node.sourceline, kind, script)
    for node in root.xpath(".//spiffworkflow:parameter", namespaces=NS):
        check(node.get("value"), _owner(node), node.sourceline, "parameter")
    for node in root.xpath(".//spiffworkflow:serviceTaskOperator", namespaces=NS):
        if node.get("id") not in OPERATORS:
            problems.append(
                Problem(
                    "unknown_operator",
                    f"Unknown service operator '{node.get('id')}'",
                    _owner(node),
                    node.sourceline,
                    {"operator": node.get("id"), "known": sorted(OPERATORS)},
                )
            )
    for element in info.elements.values():
        check(element.properties.get("due"), element.id, element.line, "due")
        if element.id in OPERATORS:
            # The engine looks ids up across the whole file, operator ids included: the later one wins.
            problems.append(
                Problem(
                    "id_is_operator",
                    f"The id '{element.id}' is also a service operator's name",
                    element.id,
                    element.line,
                    {"operator": element.id},
                )
            )
    return problems


def _role_and_form_problems(info: DefinitionInfo, forms: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for lane_id, role in info.lanes.items():
        if role not in KNOWN_ROLES:
            problems.append(
                Problem(
                    "unknown_role",
                    f"Lane '{lane_id}' names an unknown role '{role}'",
                    lane_id,
                    params={"role": role, "known": list(KNOWN_ROLES)},
                )
            )
    for element in info.elements.values():
        if element.kind not in {"userTask", "startEvent"}:
            continue
        form = element.properties.get("form")
        if element.kind == "userTask":
            if element.role is None:
                problems.append(
                    Problem(
                        "no_lane",
                        f"User task '{element.id}' is in no lane, so nobody gets it",
                        element.id,
                        element.line,
                    )
                )
            if not form:
                problems.append(
                    Problem("no_form", f"User task '{element.id}' names no form", element.id, element.line)
                )
        if form and form not in forms:
            problems.append(
                Problem(
                    "missing_form",
                    f"'{element.id}' uses the form '{form}', which does not exist",
                    element.id,
                    element.line,
                    {"form": form},
                )
            )
        for name in parse_checks(element.properties.get("checks")):
            if name not in CHECKS:
                problems.append(
                    Problem(
                        "unknown_check",
                        f"'{element.id}' asks for an unknown check '{name}'",
                        element.id,
                        element.line,
                        {"check": name, "known": sorted(CHECKS)},
                    )
                )
    starts = [e for e in info.elements.values() if e.kind == "startEvent"]
    if starts and not starts[0].properties.get("form"):
        problems.append(
            Problem(
                "no_start_form", "The start event names no application form", starts[0].id, starts[0].line
            )
        )
    return problems


def _reachability_problems(root: etree._Element, info: DefinitionInfo) -> list[Problem]:
    edges: dict[str, list[str]] = {}
    for flow in root.xpath(".//bpmn:sequenceFlow", namespaces=NS):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if source not in info.elements or target not in info.elements:
            problems = [
                Problem(
                    "dangling_flow",
                    f"Flow '{flow.get('id')}' connects a missing element",
                    flow.get("id"),
                    flow.sourceline,
                )
            ]
            return problems
        edges.setdefault(source, []).append(target)
    for boundary in root.xpath(".//bpmn:boundaryEvent", namespaces=NS):
        edges.setdefault(boundary.get("attachedToRef"), []).append(boundary.get("id"))
    seen: set[str] = set()
    todo = [e.id for e in info.elements.values() if e.kind == "startEvent"]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(edges.get(current, []))
    flow_nodes = [
        e for e in info.elements.values() if e.kind.endswith(("Task", "Event", "Gateway")) or e.kind == "task"
    ]
    return [
        Problem("unreachable", f"'{e.id}' cannot be reached from the start", e.id, e.line)
        for e in flow_nodes
        if e.id not in seen
    ]


def _form_problems(forms: dict[str, Any]) -> list[Problem]:
    problems = []
    for key, schema in forms.items():
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            problems.append(
                Problem(
                    "form_schema",
                    f"Form '{key}' is not a valid JSON Schema: {exc.message}",
                    params={"form": key},
                )
            )
    return problems


def validate(bpmn_xml: str, forms: dict[str, Any]) -> tuple[ParsedDefinition | None, list[Problem]]:
    """Every problem found, in the order a process owner would fix them; the parsed definition if none."""
    try:
        root = parse_xml(bpmn_xml)
        parsed = parse(bpmn_xml)
    except DefinitionInvalid as exc:
        return None, exc.problems
    info = parsed.info
    problems = (
        _role_and_form_problems(info, forms)
        + _expression_problems(root, info)
        + _reachability_problems(root, info)
        + _form_problems(forms)
    )
    return (parsed if not problems else None), problems


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


def publish(
    session: Session,
    bpmn_xml: str,
    forms: dict[str, Any],
    actor_id: int | None,
    clock: Clock,
    note: str | None = None,
) -> PublishedVersion:
    """Validate and store a new immutable version; raises DefinitionInvalid and stores nothing on failure."""
    parsed, problems = validate(bpmn_xml, forms)
    if parsed is None:
        raise DefinitionInvalid(problems)
    key = parsed.info.process_key
    used_forms = {
        name: forms[name]
        for name in sorted(
            {e.properties["form"] for e in parsed.info.elements.values() if e.properties.get("form")}
        )
    }
    digest = content_hash(bpmn_xml, used_forms)
    current = session.scalars(
        select(ProcessVersion)
        .where(ProcessVersion.process_key == key)
        .order_by(ProcessVersion.version.desc())
        .limit(1)
    ).first()
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
            at=now,
            kind="definition_published",
            actor_id=actor_id,
            comment=note,
            data={"process_key": key, "version": number, "content_hash": digest},
        )
    )
    DEFINITIONS.get(digest, bpmn_xml)
    return PublishedVersion(row.id, key, number, digest, now, unchanged=False)


def publish_directory(
    session: Session, actor_id: int | None, clock: Clock, directory: Path = BPMN_DIR
) -> list[PublishedVersion]:
    """Publish every shipped diagram with the shipped forms (a no-op for unchanged ones)."""
    forms = load_forms()
    return [
        publish(session, path.read_text("utf-8"), forms, actor_id, clock, note=f"{path.name}")
        for path in sorted(directory.glob("*.bpmn"))
    ]
