"""Every check a diagram must pass before it is published: readable XML, BPMN structure, the engine's
parser, known roles and forms, expressions that compile in the sandbox, timers, reachability."""

from __future__ import annotations

import ast
import re
from collections import Counter
from datetime import datetime
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree

from workflows.engine.definition import (
    BPMN_NS,
    NS,
    DefinitionInfo,
    DefinitionInvalid,
    ParsedDefinition,
    Problem,
    parse,
    parse_xml,
    read_info,
)
from workflows.sandbox import check_expression, check_script
from workflows.services.forms import CHECKS, parse_checks
from workflows.services.org import KNOWN_ROLES

OPERATORS = {"notify", "nonconformity", "issue_order", "record_training"}
FLOW_NODE_SUFFIXES = ("Task", "Event", "Gateway")

# An ISO 8601 duration such as P5D or PT12H: a valid Python name, so an unquoted one only fails at run time.
_ISO_DURATION = re.compile(
    r"P(?=[\dT])(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?", re.IGNORECASE
)
_ISO_MOMENT = r"\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?)?"
# The whole timer text written as an ISO value without quotes: a date, a duration or a repetition.
_ISO_TEXT = re.compile(
    rf"(R\d*/)?({_ISO_MOMENT}|{_ISO_DURATION.pattern})(/({_ISO_MOMENT}|{_ISO_DURATION.pattern}))?",
    re.IGNORECASE,
)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*\bencoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


def owner_of(node: etree._Element | None) -> str | None:
    """The id of the element a problem belongs to: the nearest BPMN element with an id.

    Event definitions are skipped: a timer's definition has an id of its own, but the diagram shows
    (and the process owner clicks) the event around it.
    """
    while node is not None and (
        node.get("id") is None
        or not str(node.tag).startswith("{" + BPMN_NS)
        or str(node.tag).endswith("EventDefinition")
    ):
        node = node.getparent()
    return node.get("id") if node is not None else None


def read_document(bpmn_xml: str | bytes) -> etree._Element:
    """The XML tree of a diagram; refuses (DefinitionInvalid) what is too large, not well-formed XML,
    declared in an encoding other than UTF-8, or carries a DOCTYPE."""
    head = (bpmn_xml.encode("utf-8") if isinstance(bpmn_xml, str) else bpmn_xml)[:200]
    declared = _XML_ENCODING.match(head)
    if declared and declared.group(1).decode("ascii").lower().replace("_", "-") not in {"utf-8", "utf8"}:
        # Text is stored and hashed as UTF-8; another declared encoding would be read back differently.
        raise DefinitionInvalid(
            [
                Problem(
                    "encoding",
                    f"The file declares the encoding '{declared.group(1).decode('ascii')}'; save it as UTF-8",
                    line=1,
                    params={"encoding": declared.group(1).decode("ascii")},
                )
            ]
        )
    root = parse_xml(bpmn_xml)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        # No BPMN tool writes one; entity declarations are only ever an expansion or file-reading attack.
        raise DefinitionInvalid(
            [
                Problem(
                    "doctype",
                    "The file declares a DOCTYPE (a DTD or entities), which diagrams may not contain",
                    line=1,
                )
            ]
        )
    return root


def _namespace_problems(root: etree._Element) -> list[Problem]:
    tag = etree.QName(root)
    if tag.namespace == BPMN_NS and tag.localname == "definitions":
        return []
    label = f" id='{root.get('id')}'" if root.get("id") else ""
    return [
        Problem(
            "not_bpmn",
            f"The root element <{tag.localname}{label}> is in the namespace '{tag.namespace or ''}'; "
            f"a BPMN 2.0 diagram starts with <definitions> in '{BPMN_NS}'",
            root.get("id"),
            root.sourceline,
            {"namespace": tag.namespace or "", "element": tag.localname, "expected": BPMN_NS},
        )
    ]


def process_node(root: etree._Element) -> etree._Element:
    """The executable process element, chosen as `read_info` chooses it (which checked there is one)."""
    found = root.xpath("./bpmn:process[@isExecutable='true']", namespaces=NS) or root.xpath(
        "./bpmn:process", namespaces=NS
    )
    return found[0]


def _is_flow_node(kind: str) -> bool:
    return kind.endswith(FLOW_NODE_SUFFIXES) or kind in {"task", "subProcess", "callActivity"}


def _structure_problems(root: etree._Element, info: DefinitionInfo) -> list[Problem]:
    """What makes the engine's own messages misleading: checked first, in the product's words."""
    problems: list[Problem] = []
    process = process_node(root)
    if not process.xpath("./bpmn:startEvent", namespaces=NS):
        problems.append(
            Problem(
                "no_start",
                f"The process '{info.process_key}' has no start event",
                info.process_key,
                process.sourceline,
            )
        )
    ids = Counter(
        node.get("id")
        for node in root.iter()
        if isinstance(node.tag, str) and node.tag.startswith("{" + BPMN_NS) and node.get("id")
    )
    for element_id, count in ids.items():
        if count > 1:
            problems.append(
                Problem(
                    "duplicate_id",
                    f"The id '{element_id}' is used by {count} elements",
                    element_id,
                    params={"count": count},
                )
            )
    for element in info.elements.values():
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
    nodes = {e.id for e in info.elements.values() if _is_flow_node(e.kind)}
    outgoing: dict[str, list[etree._Element]] = {}
    for flow in process.xpath(".//bpmn:sequenceFlow", namespaces=NS):
        missing = [ref for ref in (flow.get("sourceRef"), flow.get("targetRef")) if ref not in nodes]
        if missing:
            problems.append(
                Problem(
                    "dangling_flow",
                    f"Flow '{flow.get('id')}' connects '{missing[0]}', which is not in the process",
                    flow.get("id"),
                    flow.sourceline,
                    {"missing": missing[0]},
                )
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
                    Problem(
                        "no_condition",
                        f"Flow '{flow.get('id')}' leaves the gateway '{gateway.get('id')}' "
                        "without a condition and is not its default flow",
                        flow.get("id"),
                        flow.sourceline,
                        {"gateway": gateway.get("id")},
                    )
                )
    return problems


def _timer_value_problem(kind: str, value: str) -> str | None:
    """Why a constant timer text would fail when the timer is reached; None when it is fine."""
    text = value.strip()
    if kind == "timeDuration":
        return None if _ISO_DURATION.fullmatch(text) else f"'{text}' is not an ISO 8601 duration such as P5D"
    if kind == "timeDate":
        if _ISO_DURATION.fullmatch(text):
            return f"'{text}' is a duration; a timeDate needs a date-time (use timeDuration for durations)"
        try:
            datetime.fromisoformat(text)
        except ValueError:
            return f"'{text}' is not an ISO 8601 date-time"
        return None
    parts = text.split("/")
    if not re.fullmatch(r"R\d*", parts[0], re.IGNORECASE) or len(parts) not in {2, 3}:
        return f"'{text}' is not an ISO 8601 repetition such as R3/PT1H"
    for part in parts[1:]:
        if _ISO_DURATION.fullmatch(part):
            continue
        try:
            datetime.fromisoformat(part)
        except ValueError:
            return f"'{part}' in '{text}' is neither a duration nor a date-time"
    return None


def _timer_findings(kind: str, source: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(code, message, params) for one timer expression: what would fail once the timer is reached."""
    if not source:
        return [("timer_empty", "the expression is empty", {})]
    if _ISO_TEXT.fullmatch(source):
        # P5D is a name and 2026-5-1 is arithmetic: both compile, and fail only when the timer starts.
        return [("timer_unquoted", f'{source} must be a quoted string: "{source}"', {"value": source})]
    messages = check_expression(source)
    if messages:
        return [("expression", message, {"detail": message}) for message in messages]
    tree = ast.parse(source, mode="eval")
    durations = sorted(
        {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and _ISO_DURATION.fullmatch(n.id)}
    )
    if durations:
        message = f'{durations[0]} is read as a variable; quote the duration: "{durations[0]}"'
        return [("timer_unquoted", message, {"value": durations[0]})]
    if isinstance(tree.body, ast.Constant) and isinstance(tree.body.value, str):
        reason = _timer_value_problem(kind, tree.body.value)
        return [("timer_value", reason, {"value": tree.body.value})] if reason else []
    computed = any(
        isinstance(n, ast.Name | ast.Call | ast.Attribute | ast.Subscript)
        or (isinstance(n, ast.Constant) and isinstance(n.value, str))
        for n in ast.walk(tree)
    )
    if not computed:
        return [("timer_not_text", f"'{source}' is a number, not a date-time or duration text", {})]
    return []


def _timer_problems(root: etree._Element) -> list[Problem]:
    problems: list[Problem] = []
    for node in root.xpath(".//bpmn:timeDate|.//bpmn:timeDuration|.//bpmn:timeCycle", namespaces=NS):
        kind, element_id = etree.QName(node).localname, owner_of(node)
        problems.extend(
            Problem(
                code,
                f"Timer of '{element_id}': {message}",
                element_id,
                node.sourceline,
                {"kind": kind, **params},
            )
            for code, message, params in _timer_findings(kind, (node.text or "").strip())
        )
    return problems


def _expression_problems(root: etree._Element, info: DefinitionInfo) -> list[Problem]:
    problems: list[Problem] = []

    def check(
        source: str | None, element_id: str | None, line: int | None, kind: str, script: bool = False
    ) -> None:
        if source is None or not source.strip():
            return
        messages = check_script(source) if script else check_expression(source)
        problems.extend(
            Problem(
                "expression",
                f"{kind.capitalize()} of '{element_id}': {message}",
                element_id,
                line,
                {"kind": kind, "detail": message},
            )
            for message in messages
        )

    queries = [
        (".//bpmn:conditionExpression", "condition", False),
        (".//bpmn:script|.//spiffworkflow:preScript|.//spiffworkflow:postScript", "script", True),
    ]
    for query, kind, script in queries:
        for node in root.xpath(query, namespaces=NS):
            check(node.text, owner_of(node), node.sourceline, kind, script)
    for node in root.xpath(".//spiffworkflow:parameter", namespaces=NS):
        check(node.get("value"), owner_of(node), node.sourceline, "parameter")
    for node in root.xpath(".//spiffworkflow:serviceTaskOperator", namespaces=NS):
        if node.get("id") not in OPERATORS:
            problems.append(
                Problem(
                    "unknown_operator",
                    f"'{owner_of(node)}' uses an unknown service operator '{node.get('id')}'",
                    owner_of(node),
                    node.sourceline,
                    {"operator": node.get("id"), "known": sorted(OPERATORS)},
                )
            )
    for element in info.elements.values():
        check(element.properties.get("due"), element.id, element.line, "due")
    return problems + _timer_problems(root)


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
    return [
        Problem("unreachable", f"'{e.id}' cannot be reached from the start", e.id, e.line)
        for e in flow_nodes
        if e.id not in seen
    ]


def form_schema_problem(key: str, schema: Any) -> Problem | None:
    """Whether a form is a valid JSON Schema (the editor checks one form as the owner types)."""
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return Problem(
            "form_schema",
            f"Form '{key}' is not a valid JSON Schema: {exc.message}",
            params={"form": key, "detail": exc.message},
        )
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
        problems = _namespace_problems(root)
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
        + _expression_problems(root, info)
        + ([] if any(p.code == "dangling_flow" for p in problems) else _reachability_problems(root, info))
        + _form_problems(forms)
    )
    return (parsed if not problems else None), problems
