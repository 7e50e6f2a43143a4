"""Every check a diagram must pass before it is published: readable XML, BPMN structure, the engine's
parser, known roles and forms, expressions that compile in the sandbox, timers, reachability."""

from __future__ import annotations

from collections import Counter
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree

from workflows.definitions.expressions import OPERATORS, expression_problems
from workflows.definitions.listing import listing_problems
from workflows.definitions.reading import namespace_problems, process_node, read_document
from workflows.definitions.vocabulary import vocabulary_problems
from workflows.definitions.withdrawing import withdrawal_problems
from workflows.engine.definition import BPMN_NS, NS, DefinitionInfo, ParsedDefinition, parse, read_info
from workflows.errors import DefinitionInvalid, Problem, problem
from workflows.forms.checks import CHECKS, parse_checks
from workflows.forms.patterns import refused_patterns
from workflows.org.roles import KNOWN_ROLES

FLOW_NODE_SUFFIXES = ("Task", "Event", "Gateway")


def _is_flow_node(kind: str) -> bool:
    return kind.endswith(FLOW_NODE_SUFFIXES) or kind in {"task", "subProcess", "callActivity"}


def _structure_problems(root: etree._Element, info: DefinitionInfo) -> list[Problem]:
    """What makes the engine's own messages misleading: checked first, in the product's words."""
    problems: list[Problem] = []
    process = process_node(root)
    if not process.xpath("./bpmn:startEvent", namespaces=NS):
        problems.append(problem("no_start", info.process_key, process.sourceline))
    ids = Counter(
        node.get("id")
        for node in root.iter()
        if isinstance(node.tag, str) and node.tag.startswith("{" + BPMN_NS) and node.get("id")
    )
    for element_id, count in ids.items():
        if count > 1:
            problems.append(problem("duplicate_id", element_id, **{"count": count}))
    used = {node.get("id") for node in root.xpath(".//spiffworkflow:serviceTaskOperator", namespaces=NS)}
    for element in info.elements.values():
        if element.id in OPERATORS and element.id in used:
            # The engine looks ids up across the whole file, operator ids included: the later one
            # wins (an operator the file does not use is not looked up).
            problems.append(problem("id_is_operator", element.id, element.line, **{"operator": element.id}))
    nodes = {e.id for e in info.elements.values() if _is_flow_node(e.kind)}
    outgoing: dict[str, list[etree._Element]] = {}
    for flow in process.xpath(".//bpmn:sequenceFlow", namespaces=NS):
        missing = [ref for ref in (flow.get("sourceRef"), flow.get("targetRef")) if ref not in nodes]
        if missing:
            problems.append(
                problem("dangling_flow", flow.get("id"), flow.sourceline, **{"missing": missing[0]})
            )
            continue
        outgoing.setdefault(flow.get("sourceRef"), []).append(flow)
    for gateway in process.xpath(".//bpmn:exclusiveGateway|.//bpmn:inclusiveGateway", namespaces=NS):
        flows = outgoing.get(gateway.get("id"), [])
        if len(flows) < 2:
            continue  # a single way out needs no condition: the engine takes it as the default
        for flow in flows:
            condition = flow.find("bpmn:conditionExpression", NS)
            if flow.get("id") != gateway.get("default") and (
                condition is None or not (condition.text or "").strip()
            ):
                problems.append(
                    problem("no_condition", flow.get("id"), flow.sourceline, **{"gateway": gateway.get("id")})
                )
    return problems


def _role_and_form_problems(info: DefinitionInfo, forms: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for lane_id, role in info.lanes.items():
        if role not in KNOWN_ROLES:
            problems.append(problem("unknown_role", lane_id, **{"role": role, "known": list(KNOWN_ROLES)}))
    for element in info.elements.values():
        if element.kind not in {"userTask", "startEvent"}:
            continue
        form = element.properties.get("form")
        if element.kind == "userTask":
            if element.role is None:
                problems.append(problem("no_lane", element.id, element.line))
            if not form:
                problems.append(problem("no_form", element.id, element.line))
        if form and form not in forms:
            problems.append(problem("missing_form", element.id, element.line, **{"form": form}))
        for name in parse_checks(element.properties.get("checks")):
            if name not in CHECKS:
                problems.append(
                    problem(
                        "unknown_check", element.id, element.line, **{"check": name, "known": sorted(CHECKS)}
                    )
                )
    for role in info.starters():
        if role not in KNOWN_ROLES:
            problems.append(problem("unknown_starter", info.process_key, role=role))
    starts = [e for e in info.elements.values() if e.kind == "startEvent"]
    if starts and not starts[0].properties.get("form"):
        problems.append(problem("no_start_form", starts[0].id, starts[0].line))
    return problems


def _reachability_problems(root: etree._Element, info: DefinitionInfo) -> list[Problem]:
    edges: dict[str, list[str]] = {}
    for flow in root.xpath(".//bpmn:sequenceFlow", namespaces=NS):
        edges.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    for boundary in root.xpath(".//bpmn:boundaryEvent", namespaces=NS):
        edges.setdefault(boundary.get("attachedToRef"), []).append(boundary.get("id"))
    seen: set[str] = set()
    todo = [e.id for e in info.elements.values() if e.kind == "startEvent"]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(edges.get(current, []))
    flow_nodes = [e for e in info.elements.values() if _is_flow_node(e.kind)]
    return [problem("unreachable", e.id, e.line) for e in flow_nodes if e.id not in seen]


def form_schema_problem(key: str, schema: Any) -> Problem | None:
    """Whether a form is a valid JSON Schema (the editor checks one form as the owner types)."""
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return problem("form_schema", **{"form": key, "detail": exc.message})
    for field, pattern, why in refused_patterns(schema):
        return problem("form_pattern", form=key, field=field, pattern=pattern, detail=why)
    return None


def _form_problems(forms: dict[str, Any]) -> list[Problem]:
    return [p for key, schema in forms.items() if (p := form_schema_problem(key, schema)) is not None]


def validate(bpmn_xml: str, forms: dict[str, Any]) -> tuple[ParsedDefinition | None, list[Problem]]:
    """Every problem found, in the order a process owner would fix them; the parsed definition if none.

    The product's structural checks run before the engine's parser: for a dangling flow or an id
    shared with an operator the engine reports a confusing consequence elsewhere. The engine's
    verdict (XSD, supported element types) comes next, then roles, forms and expressions, which
    are checked whatever the engine said so that a draft shows everything at once.
    """
    try:
        root = read_document(bpmn_xml)
        problems = namespace_problems(root)
        if problems:
            return None, problems
        info = read_info(root)
    except DefinitionInvalid as exc:
        return None, exc.problems
    problems = _structure_problems(root, info)
    parsed: ParsedDefinition | None = None
    if not problems:
        try:
            parsed = parse(bpmn_xml)
        except DefinitionInvalid as exc:
            problems = exc.problems
    problems = (
        problems
        + _role_and_form_problems(info, forms)
        + expression_problems(root, info)
        + vocabulary_problems(root, info)
        + listing_problems(info)
        + withdrawal_problems(info)
        + ([] if any(p.code == "dangling_flow" for p in problems) else _reachability_problems(root, info))
        + _form_problems(forms)
    )
    return (parsed if not problems else None), problems
