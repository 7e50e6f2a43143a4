"""Checking the expressions a diagram carries before it is published: conditions, scripts, service
parameters, due dates and timers must compile in the sandbox, and timer texts must be ones the
engine can read when the timer is reached."""

from __future__ import annotations

import ast
import re
from datetime import datetime
from typing import Any

from lxml import etree

from workflows.definitions.reading import owner_of
from workflows.engine.definition import NS, DefinitionInfo
from workflows.errors import Problem, problem
from workflows.sandbox import check_expression, check_script
from workflows.wording import EXPRESSION, EXPRESSION_KINDS

OPERATORS = {
    "notify",
    "nonconformity",
    "journal",
    "issue_order",
    "record_training",
    "agreement",
    "settle_refund",
    "plan_people",
    "plan_overdue",
    "plan_freeze",
    "amend_plan",
    "quarterly",
}

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
            problem(
                code,
                element_id,
                node.sourceline,
                **{"kind": kind, "what": EXPRESSION_KINDS.get(kind, EXPRESSION), **params},
            )
            for code, message, params in _timer_findings(kind, (node.text or "").strip())
        )
    return problems


def expression_problems(root: etree._Element, info: DefinitionInfo) -> list[Problem]:
    problems: list[Problem] = []

    def check(
        source: str | None, element_id: str | None, line: int | None, kind: str, script: bool = False
    ) -> None:
        if source is None or not source.strip():
            return
        messages = check_script(source) if script else check_expression(source)
        problems.extend(
            problem(
                "expression",
                element_id,
                line,
                **{"kind": kind, "what": EXPRESSION_KINDS.get(kind, EXPRESSION), "detail": message},
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
                problem(
                    "unknown_operator",
                    owner_of(node),
                    node.sourceline,
                    **{"operator": node.get("id"), "known": sorted(OPERATORS)},
                )
            )
    for element in info.elements.values():
        check(element.properties.get("due"), element.id, element.line, "due")
        check(element.properties.get("assignee"), element.id, element.line, "assignee")
    return problems + _timer_problems(root)
